import * as assert from "assert";
import { AUTH_MODES } from "../../../handlers/contract/authModes";
import { DOOR_SETTINGS } from "../../../handlers/contract/doors";
import { HANDLER_DOORS } from "../../../handlers/doors";

describe("each door's settings (handlers/contract/doors/)", () => {
  it("given any door, then the program encodes with the very codec the handler's door decodes with", () => {
    for (const mode of AUTH_MODES) assert.strictEqual(HANDLER_DOORS[mode].settings, DOOR_SETTINGS[mode], mode);
  });
});
