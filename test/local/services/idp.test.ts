import * as assert from "assert";
import { effectiveGroups, passwordPolicyMessage, validitySeconds } from "../../../local/services/idp";

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

  it("given the pool's password policy, when a password breaks a rule, then Cognito's message names the first", () => {
    const policy = {
      minimumLength: 8,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
    };
    const message = (p: string) =>
      passwordPolicyMessage(policy, p)?.replace("Password did not conform with policy: ", "");
    assert.equal(message("Ab1!"), "Password not long enough");
    assert.equal(message("ABCDEFG1!"), "Password must have lowercase characters");
    assert.equal(message("abcdefg1!"), "Password must have uppercase characters");
    assert.equal(message("Abcdefgh!"), "Password must have numeric characters");
    assert.equal(message("Abcdefgh1"), "Password must have symbol characters");
    assert.equal(message("Abcdefg1!"), undefined);
  });
});
