import * as assert from "assert";
import * as path from "path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { parseSmokeArgs, smoke } from "../../../local/contract/smoke";
import { HelpRequested } from "../../../offline/cliArgs";
import { LOCAL_DOORS, removeDir, startTestDoor } from "../../support/localStack";

describe("npm run smoke", function () {
  this.timeout(30000);

  it(
    "given outputs.json of a local iam door, when smoke runs with --create-users, then the contract " +
      "passes with users it created through the user pool's admin API, and they are gone at the end",
    async () => {
      const door = await startTestDoor("iam", { extra: LOCAL_DOORS["iam with a machine role"].extra });
      try {
        let out = "";
        const failed = await smoke(
          parseSmokeArgs([
            "--outputs",
            path.join(door.dataDir, "outputs.json"),
            "--create-users",
            "--only",
            "whoami,crud,isolation,admin,iam-role-policy,iam-machine-role",
          ]),
          (t) => void (out += t),
        );
        assert.equal(failed, 0, out);
        assert.match(out, /^6 passed, 0 failed, 0 skipped$/m);
        const created = [...out.matchAll(/created test user (\S+)/g)].map((m) => m[1]);
        assert.equal(created.length, 3, out);
        assert.ok(
          created.every((e) => out.includes(`deleted test user ${e}`)),
          out,
        );
        assert.deepEqual(
          door.idp!.pools[0].users.map((u) => u.username),
          ["alice", "bob", "carol", "dave"],
          "the test users are deleted",
        );
        // and no note the checks wrote is left in the table (a deployed stack keeps only what it had)
        const db = new DynamoDBClient({
          region: "us-east-1",
          endpoint: door.outputs.local.endpoints.dynamodb,
          // the account's administrator (local DynamoDB checks signatures and IAM policies)
          credentials: door.outputs.local.principals.operator,
        });
        const rows = await db.send(
          new ScanCommand({ TableName: String((door.outputs as { tableName?: string }).tableName), Select: "COUNT" }),
        );
        db.destroy();
        assert.equal(rows.Count, 0, "the checks' notes are deleted");
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the outputs of a local stack of the api-key and http-jwt doors, when smoke runs with --create-users, " +
      "then it checks each door at its own url, a section and a summary each, with users created once in the pool " +
      "(the http-jwt door names it); --door picks one",
    async () => {
      const door = await startTestDoor("api-key", {
        extra: { ...LOCAL_DOORS["api-key"].extra, doors: ["api-key", "http-jwt"], authMode: undefined },
      });
      const run = async (...flags: string[]) => {
        let out = "";
        const outputs = path.join(door.dataDir, "outputs.json");
        const failed = await smoke(
          parseSmokeArgs(["--outputs", outputs, "--create-users", "--only", "whoami,crud", ...flags]),
          (t) => void (out += t),
        );
        return { failed, out };
      };
      try {
        const both = await run();
        assert.equal(both.failed, 0, both.out);
        const sections = both.out.split(/\n(?=Smoke test of the )/).slice(1);
        assert.deepEqual(
          sections.map((t) => /^Smoke test of the ([\w-]+) door at (\S+)/.exec(t)?.slice(1)),
          [
            ["api-key", door.outputs.urls!["api-key"]],
            ["http-jwt", door.outputs.urls!["http-jwt"]],
          ],
        );
        for (const t of sections) assert.match(t, /^2 passed, 0 failed, 0 skipped$/m);
        assert.match(both.out, /\n2 doors: every check passed\n/);
        assert.equal([...both.out.matchAll(/created test user /g)].length, 3, both.out);
        const one = await run("--door", "http-jwt");
        assert.equal(one.failed, 0, one.out);
        assert.match(one.out, /Smoke test of the http-jwt door/);
        assert.doesNotMatch(one.out, /api-key door|doors: /);
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it("given wrong arguments, when smoke parses them, then it says what it takes", () => {
    assert.throws(() => parseSmokeArgs([]), /--stack <name> .* or --outputs <file>/);
    assert.throws(
      () => parseSmokeArgs(["--outputs", "x.json", "--create-users", "--users", "u.json"]),
      /exclude each other/,
    );
    assert.throws(() => parseSmokeArgs(["--stack", "dev", "--nope"]), /unknown argument --nope/);
    assert.deepEqual(parseSmokeArgs(["--stack", "dev", "--only", "crud,admin"]), {
      createUsers: false,
      stack: "dev",
      only: ["crud", "admin"],
    });
    assert.deepEqual(parseSmokeArgs(["--stack=dev", "--only=crud", "--external-id", "x"]), {
      createUsers: false,
      stack: "dev",
      only: ["crud"],
      externalId: "x",
    });
    assert.throws(
      () => parseSmokeArgs(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run smoke/.test(err.text) &&
        [
          "--stack",
          "--outputs",
          "--create-users",
          "--users",
          "--cognito-domain",
          "--callback-url",
          "--external-id",
          "--only",
        ].every((f) => err.text.includes(`  ${f} `)),
    );
  });
});
