import * as assert from "assert";
import { loadUsers, passwordPolicyViolations } from "../../local/seedUsers";
import { effectiveGroups, validitySeconds } from "../../local/idp";
import { runMode } from "../support/stack";

describe("local users and the local user pool's settings", function () {
  this.timeout(30000);

  it("given the committed users, when checked against the recorded pool's password policy, then each complies", async () => {
    const run = await runMode("cognito");
    const pool = run.resources.find((r) => r.type === "aws:cognito/userPool:UserPool")!;
    const users = loadUsers();
    assert.ok(users.filter((u) => u.groups.length === 0).length >= 2 && users.some((u) => u.groups.includes("admins")));
    for (const u of users) assert.deepEqual(passwordPolicyViolations(pool.inputs.passwordPolicy, u.password), [], u.username);
    assert.deepEqual(passwordPolicyViolations({ minimumLength: 8, requireSymbols: true, requireNumbers: true }, "abcdefgh"), ["a number", "a symbol"]);
  });

  it("given token validities and groups, when the local pool reads them, then Cognito's units and only existing groups count", () => {
    assert.equal(validitySeconds(60, "minutes"), 3600);
    assert.equal(validitySeconds(undefined, undefined), 3600);
    assert.equal(validitySeconds(1, undefined), 3600, "hours by default");
    assert.deepEqual(effectiveGroups({ username: "x", email: "x@example.com", password: "p", sub: "s", groups: ["admins", "ghosts"] }, ["admins"]), ["admins"]);
  });
});
