import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NotEmulatedYet, copyRun } from "../../../../local/recorded";
import { startLocalStack } from "../../../../local/localStack";
import { TestDoor, removeDir, useTestDoor } from "../../../support/localStack";
import { runMode } from "../../../support/stack";

const RULE = "aws:lb/listenerRule:ListenerRule";

describe("local gateways: a load balancer listener's recorded rules", function () {
  this.timeout(60000);

  describe("given the alb-oidc door recorded with corsOrigins (its OPTIONS rule)", () => {
    let door: TestDoor;
    useTestDoor((started) => (door = started), "alb-oidc");
    const preflight = (origin: string) =>
      fetch(`${door.outputs.url}/notes`, {
        method: "OPTIONS",
        redirect: "manual",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });

    it("when a listed origin's preflight comes without a cookie, then the function answers it", async () => {
      const origin = door.outputs.local.corsOrigins[0];
      const res = await preflight(origin);
      assert.equal(res.status, 204, door.logs.join("\n"));
      assert.equal(res.headers.get("access-control-allow-origin"), origin);
      assert.equal(res.headers.get("access-control-allow-credentials"), "true");
    });

    it("when another origin's preflight comes, then it is refused and granted nothing", async () => {
      const res = await preflight("https://not-listed.example");
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    });

    it("when a GET comes without a cookie, then the default rule still sends it to the login", async () => {
      const res = await fetch(`${door.outputs.url}/notes`, { redirect: "manual" });
      assert.equal(res.status, 302);
      assert.match(res.headers.get("location") ?? "", /\/oauth2\/authorize\?/);
    });
  });

  it(
    "given a rule with a condition other than http-request-method, when local mode starts, then it refuses, " +
      "naming the condition and the rule",
    async () => {
      const run = copyRun(await runMode("alb-oidc"));
      const rule = run.resources.find((r) => r.type === RULE)!;
      rule.inputs.conditions = [{ pathPattern: { values: ["/admin/*"] } }];
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-rule-"));
      try {
        await assert.rejects(
          startLocalStack({ run, stack: "test", dataDir, port: 0, log: () => undefined }),
          (err: unknown) => err instanceof NotEmulatedYet && /pathPattern \(rule door-preflight\)/.test(err.message),
        );
      } finally {
        removeDir(dataDir);
      }
    },
  );
});
