import * as assert from "assert";
import { effectiveGroups, validitySeconds } from "../../../local/services/idp";

describe("the local user pool's settings", () => {
  it(
    "given token validities and groups, when the local pool reads them, then Cognito's units and only " +
      "existing groups count",
    () => {
      assert.equal(validitySeconds(60, "minutes"), 3600);
      assert.equal(validitySeconds(undefined, undefined), 3600);
      assert.equal(validitySeconds(1, undefined), 3600, "hours by default");
      assert.deepEqual(
        effectiveGroups(
          { username: "x", email: "x@example.com", password: "p", sub: "s", groups: ["admins", "ghosts"] },
          ["admins"],
        ),
        ["admins"],
      );
    },
  );
});
