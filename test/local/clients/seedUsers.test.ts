import * as assert from "assert";
import { loadUsers } from "../../../local/clients/seedUsers";
import { passwordPolicyViolations } from "../../../local/services/idp";
import { runMode } from "../../support/stack";

describe("local users, and the recorded pool's password policy they meet", function () {
  this.timeout(30000);

  it(
    "given the committed users, when checked against the recorded pool's password policy, then each " + "complies",
    async () => {
      const run = await runMode("cognito");
      const pool = run.resources.find((r) => r.type === "aws:cognito/userPool:UserPool")!;
      const users = loadUsers();
      assert.ok(
        users.filter((u) => u.groups.length === 0).length >= 2 && users.some((u) => u.groups.includes("admins")),
      );
      for (const u of users)
        assert.deepEqual(passwordPolicyViolations(pool.inputs.passwordPolicy, u.password), [], u.username);
      assert.deepEqual(
        passwordPolicyViolations({ minimumLength: 8, requireSymbols: true, requireNumbers: true }, "abcdefgh"),
        ["a number", "a symbol"],
      );
    },
  );

  it("given a malformed users file, when loaded, then it is refused naming the file and the field", () => {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const dir = fs.mkdtempSync(path.join(require("os").tmpdir(), "seed-"));
    const file = path.join(dir, "users.json");
    const user = {
      username: "dave",
      email: "dave@example.com",
      password: "Passw0rd!",
      sub: "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      groups: [],
    };
    try {
      fs.writeFileSync(file, JSON.stringify({ users: [{ ...user, email: "not-an-email" }] }));
      assert.throws(() => loadUsers(file), /^Error: users\.json: users\.0\.email: /);
      fs.writeFileSync(file, JSON.stringify({ users: [{ ...user, extra: 1 }] }));
      assert.throws(() => loadUsers(file), /^Error: users\.json: users\.0\.extra: /);
      fs.writeFileSync(file, JSON.stringify({ users: [] }));
      assert.throws(() => loadUsers(file), /^Error: users\.json: users: /);
      fs.writeFileSync(file, JSON.stringify({ users: [user] }));
      assert.equal(loadUsers(file)[0].username, "dave");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
