import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NotEmulatedYet, copyRun } from "../../../../local/recorded";
import { startLocalStack } from "../../../../local/localStack";
import { TestDoor, removeDir, useTestDoor } from "../../../support/localStack";
import { runMode } from "../../../support/stack";
import { ContractContext } from "../../../../local/contract/context";
import { albSession } from "../../../../local/clients/doorClient";
import { ALB_LOGOUT_ROUTE } from "../../../../handlers/contract/routeTable";
import { ALB_SESSION_COOKIE } from "../../../../handlers/contract/doors/alb-oidc";
import { albOidcReport } from "../../../../components/doors/alb-oidc/report";

const RULE = "aws:lb/listenerRule:ListenerRule";

describe("local gateways: a load balancer listener's recorded rules", function () {
  this.timeout(60000);

  describe("given the alb-oidc door recorded with corsOrigins (its OPTIONS rule) and API calls it names", () => {
    let door: TestDoor;
    // albApiHeader X-Requested-With: XMLHttpRequest; albApiPaths /api/*, /v1/*, /export/*, /batch/*
    useTestDoor((started) => (door = started), "alb-oidc", { extra: albOidcReport.variants.apiCalls });
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

    it(
      "when an API call (Accept: application/json) comes without a cookie, then it is the load balancer's 401, " +
        "not the login, while a browser's navigation still goes to the login",
      async () => {
        const api = await fetch(`${door.outputs.url}/notes`, {
          redirect: "manual",
          headers: { accept: "application/json" },
        });
        assert.equal(api.status, 401, door.logs.join("\n"));
        assert.equal(api.headers.get("location"), null);
        const page = await fetch(`${door.outputs.url}/notes`, {
          redirect: "manual",
          headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
        });
        assert.equal(page.status, 302);
        assert.match(page.headers.get("location") ?? "", /\/oauth2\/authorize\?/);
      },
    );

    it(
      "when a fetch comes without a cookie with the named header, or under a named path, then it is the load " +
        "balancer's own 401 (its page, no JSON, no login), while a browser's navigation still goes to the login",
      async () => {
        const noLogin = async (res: Response) => {
          assert.equal(res.status, 401, door.logs.join("\n"));
          assert.equal(res.headers.get("location"), null);
          assert.equal(res.headers.get("content-type"), "text/html");
          assert.match(await res.text(), /401 Authorization Required/);
        };
        const page = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
        await noLogin(
          await fetch(`${door.outputs.url}/notes`, {
            redirect: "manual",
            headers: { ...page, "x-requested-with": "XMLHttpRequest" },
          }),
        );
        await noLogin(await fetch(`${door.outputs.url}/api/notes`, { redirect: "manual" }));
        await noLogin(await fetch(`${door.outputs.url}/batch/x?y=1`, { redirect: "manual", headers: page }));
        for (const path of ["/notes", "/API/notes", "/notes?next=/api/x"]) {
          const res = await fetch(`${door.outputs.url}${path}`, { redirect: "manual", headers: page });
          assert.equal(res.status, 302, path);
          assert.match(res.headers.get("location") ?? "", /\/oauth2\/authorize\?/, path);
        }
      },
    );

    it(
      "when another site's page loads the logout route as an image with the user's cookie, then the function refuses " +
        "it (403) and expires no cookie, so the session still works",
      async () => {
        const ctx = new ContractContext(door.outputs);
        const cookie = await albSession(door.outputs, ctx.parties.a.user!);
        const res = await fetch(`${door.outputs.url}${ALB_LOGOUT_ROUTE.path}`, {
          redirect: "manual",
          headers: { cookie, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
        });
        assert.equal(res.status, 403, door.logs.join("\n"));
        assert.deepEqual(res.headers.getSetCookie(), []);
        const me = await fetch(`${door.outputs.url}/me`, { headers: { cookie, accept: "application/json" } });
        assert.equal(me.status, 200);
      },
    );

    it(
      "when a signed-in user opens the logout route, then the session cookie is expired and the browser sent to the " +
        "user pool's logout with the door's root, and the next API call with what the browser keeps is a 401",
      async () => {
        const ctx = new ContractContext(door.outputs);
        const cookie = await albSession(door.outputs, ctx.parties.a.user!);
        const json = (c: string) => ({
          redirect: "manual" as const,
          headers: { cookie: c, accept: "application/json" },
        });
        assert.equal((await fetch(`${door.outputs.url}/me`, json(cookie))).status, 200);
        const res = await fetch(`${door.outputs.url}${ALB_LOGOUT_ROUTE.path}`, {
          redirect: "manual",
          headers: { cookie },
        });
        assert.equal(res.status, 302, door.logs.join("\n"));
        const logout = new URL(res.headers.get("location")!);
        assert.equal(logout.pathname.replace(/^.*(?=\/logout$)/, ""), "/logout");
        assert.equal(logout.searchParams.get("logout_uri"), `${door.outputs.url.replace(/\/$/, "")}/`);
        const expired = res.headers
          .getSetCookie()
          .filter((c) => /Max-Age=0/.test(c))
          .map((c) => c.split("=")[0]);
        assert.ok(expired.includes(`${ALB_SESSION_COOKIE}-0`), expired.join(", "));
        // The browser drops what was expired and keeps the rest.
        const kept = cookie
          .split("; ")
          .filter((c) => !expired.includes(c.split("=")[0]))
          .join("; ");
        assert.equal((await fetch(`${door.outputs.url}/me`, json(kept))).status, 401);
      },
    );
  });

  /** Local mode's start on the alb-oidc door's recorded program, its first rule's conditions replaced. */
  async function startWithConditions(conditions: unknown[], priority?: number | "unset"): Promise<void> {
    const run = copyRun(await runMode("alb-oidc"));
    const rule = run.resources.find((r) => r.type === RULE)!;
    rule.inputs.conditions = conditions;
    if (priority === "unset") delete rule.inputs.priority;
    else if (priority !== undefined) rule.inputs.priority = priority;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-rule-"));
    try {
      await startLocalStack({ run, stack: "test", dataDir, port: 0, log: () => undefined });
    } finally {
      removeDir(dataDir);
    }
  }

  it(
    "given a rule with a condition other than http-request-method, http-header or path-pattern, when local mode " +
      "starts, then it refuses, naming the condition and the rule",
    async () => {
      await assert.rejects(
        startWithConditions([{ queryString: { values: [{ key: "admin", value: "1" }] } }]),
        (err: unknown) => err instanceof NotEmulatedYet && /queryString \(rule door-preflight\)/.test(err.message),
      );
    },
  );

  it(
    "given a rule AWS takes that local mode does not emulate (a regex condition, no priority: the next free one), " +
      "when local mode starts, then it refuses as not emulated yet, naming the rule, not as a rule AWS would refuse",
    async () => {
      const notEmulated = (why: RegExp) => (err: unknown) =>
        err instanceof NotEmulatedYet && /rule door-preflight/.test(err.message) && why.test(err.message);
      await assert.rejects(
        startWithConditions([{ pathPattern: { regexValues: ["^/api/v[0-9]+/"] } }]),
        notEmulated(/regular expressions/),
      );
      await assert.rejects(
        startWithConditions([{ httpHeader: { httpHeaderName: "X-Api", regexValues: ["^yes$"] } }]),
        notEmulated(/regular expressions/),
      );
      await assert.rejects(
        startWithConditions([{ pathPattern: { values: ["/a"] } }], "unset"),
        notEmulated(/priority/),
      );
    },
  );

  it(
    "given a recorded rule the load balancer would refuse (4 values in a condition, two path conditions, priority " +
      "0), when local mode starts, then it refuses, naming the rule and the limit",
    async () => {
      const refused = (why: RegExp) => (err: unknown) =>
        err instanceof Error &&
        /rule door-preflight: the load balancer would refuse it/.test(err.message) &&
        why.test(err.message);
      await assert.rejects(
        startWithConditions([{ pathPattern: { values: ["/a", "/b", "/c", "/d"] } }]),
        refused(/1 to 3 values/),
      );
      await assert.rejects(
        startWithConditions([{ pathPattern: { values: ["/a"] } }, { pathPattern: { values: ["/b"] } }]),
        refused(/at most one pathPattern/),
      );
      await assert.rejects(startWithConditions([{ pathPattern: { values: ["/a"] } }], 0), refused(/1 to 50000/));
    },
  );
});
