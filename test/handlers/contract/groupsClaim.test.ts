import * as assert from "assert";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";

describe("an external issuer's groups claim (groupsClaim), as the program checks it", () => {
  it("refuses a name with a space or an empty segment", () => {
    for (const ok of ["groups", "roles", "realm_access.roles", "https://example.com/roles", "cognito:groups"])
      assert.equal(groupsClaimProblem(ok), undefined, ok);
    for (const bad of ["", "my groups", "realm_access..roles", ".groups", "groups."])
      assert.ok(groupsClaimProblem(bad), bad);
  });
});
