import * as assert from "assert";
import type { RecordedResource } from "../../../../offline/mocks";
import { ALB_STEPS } from "../../../../local/gateways/alb";
import { newAlbKey } from "../../../../local/gateways/alb/albToken";
import type { AlbRequest } from "../../../../local/gateways/alb/context";
import type { AlbAction, AlbListener } from "../../../../local/gateways/alb/listener";
import { SessionCodec, shardCookies } from "../../../../local/gateways/alb/session";
import { authenticate } from "../../../../local/gateways/alb/steps/authenticate";
import { forward } from "../../../../local/gateways/alb/steps/forward";
import { rules } from "../../../../local/gateways/alb/steps/rules";
import { session } from "../../../../local/gateways/alb/steps/session";
import type { IncomingRequest } from "../../../../local/gateways/events";
import type { GatewayDeps } from "../../../../local/gateways/gateway";
import type { LocalUserPool } from "../../../../local/services/idp";

const NOW = Date.UTC(2026, 0, 1);
const AUTHENTICATE: AlbAction = {
  type: "authenticate-cognito",
  order: 1,
  authenticateCognito: { sessionCookieName: "S" },
};
const DENY: AlbAction = {
  type: "authenticate-cognito",
  order: 1,
  authenticateCognito: { sessionCookieName: "S", onUnauthenticatedRequest: "deny" },
};
const FORWARD: AlbAction = { type: "forward", order: 2, targetGroupArn: "arn:aws:elasticloadbalancing:tg" };

/** An HTTPS listener that authenticates with cookie `S` and forwards to nothing, with what a spec changes. */
function listenerWith(over: Partial<AlbListener> = {}): AlbListener {
  return {
    lb: { name: "door-alb" } as RecordedResource,
    lbArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/door-alb/1",
    region: "eu-west-1",
    port: 443,
    actions: [AUTHENTICATE, FORWARD],
    rules: [],
    cookieName: "S",
    sessionSeconds: 3600,
    scope: "openid",
    clientId: "login-client",
    poolId: "eu-west-1_pool",
    awsDomain: "https://notes.auth.eu-west-1.amazoncognito.com",
    targetGroupArn: "arn:aws:elasticloadbalancing:tg",
    targetGroup: { name: "tg", inputs: {} } as unknown as RecordedResource,
    codec: new SessionCodec(),
    signingKey: newAlbKey(),
    pending: new Map(),
    now: () => NOW,
    pool: () => ({ issuer: "http://127.0.0.1/pool" }) as LocalUserPool,
    ...over,
  };
}

const logged: string[] = [];
const deps = {
  log: (line: string) => logged.push(line),
  localize: (url: string) => url.replace("https://notes.auth.eu-west-1.amazoncognito.com", "http://127.0.0.1:9"),
} as unknown as GatewayDeps;
const request = (
  path: string,
  headers: IncomingRequest["headers"] = {},
  rawQuery?: string,
  method = "GET",
): IncomingRequest => ({
  method,
  path,
  rawQuery,
  headers: { host: "localhost:8080", ...headers },
});
/** The context of a request the rules step has run on. */
function ruled(req: IncomingRequest, listener = listenerWith()): AlbRequest {
  const ctx: AlbRequest = { deps, listener, req };
  assert.equal(rules.run(ctx, undefined), undefined);
  return ctx;
}

describe("local gateways: a load balancer listener's steps", () => {
  beforeEach(() => logged.splice(0));

  it("given the load balancer's steps, then they run in order: rules, authenticate, session, forward", () => {
    assert.deepEqual(
      ALB_STEPS.map((s) => s.name),
      ["rules", "authenticate", "session", "forward"],
    );
  });

  describe("rules", () => {
    it("given a listener, when the step runs, then the request gets its default actions, in order", () => {
      assert.deepEqual(ruled(request("/notes")).actions, [AUTHENTICATE, FORWARD]);
    });

    it(
      "given an http-request-method OPTIONS rule, when an OPTIONS comes, then it gets the rule's actions (no " +
        "login); other methods, and a lower-case options, get the default actions",
      () => {
        const listener = listenerWith({
          rules: [
            {
              name: "door-other",
              priority: 5,
              methods: [["OPTIONS"], ["GET"]],
              headers: [],
              paths: [],
              actions: [AUTHENTICATE, FORWARD],
            },
            {
              name: "door-preflight",
              priority: 1,
              methods: [["PUT", "OPTIONS"]],
              headers: [],
              paths: [],
              actions: [FORWARD],
            },
          ].sort((a, b) => a.priority - b.priority),
        });
        const actions = (method: string) => ruled(request("/notes", {}, undefined, method), listener).actions;
        assert.deepEqual(actions("OPTIONS"), [FORWARD]);
        assert.deepEqual(actions("PUT"), [FORWARD], "any of a condition's values matches");
        assert.deepEqual(actions("GET"), [AUTHENTICATE, FORWARD]);
        assert.deepEqual(actions("options"), [AUTHENTICATE, FORWARD], "the comparison is case-sensitive");
      },
    );

    it("given a rule with two conditions, then it applies only when both hold (a method is never two)", () => {
      const listener = listenerWith({
        rules: [
          {
            name: "door-both",
            priority: 1,
            methods: [["OPTIONS"], ["GET"]],
            headers: [],
            paths: [],
            actions: [FORWARD],
          },
        ],
      });
      assert.deepEqual(ruled(request("/notes", {}, undefined, "OPTIONS"), listener).actions, [AUTHENTICATE, FORWARD]);
    });

    it(
      "given an http-header Accept rule, then a request whose Accept matches a value gets its actions: the header " +
        "name and values case-insensitive, * any characters, ? exactly one, each sent value searched",
      () => {
        const listener = listenerWith({
          rules: [
            {
              name: "door-api",
              priority: 2,
              methods: [],
              headers: [{ name: "Accept", values: ["application/json*", "text/?sv"] }],
              paths: [],
              actions: [DENY, FORWARD],
            },
          ],
        });
        const actions = (headers: IncomingRequest["headers"]) => ruled(request("/notes", headers), listener).actions;
        assert.deepEqual(actions({ accept: "application/json" }), [DENY, FORWARD]);
        assert.deepEqual(actions({ ACCEPT: "Application/JSON; charset=utf-8" }), [DENY, FORWARD]);
        assert.deepEqual(actions({ accept: "text/csv" }), [DENY, FORWARD]);
        assert.deepEqual(actions({ accept: ["text/html", "application/json"] }), [DENY, FORWARD]);
        assert.deepEqual(actions({ accept: "text/html,application/json" }), [AUTHENTICATE, FORWARD], "whole value");
        assert.deepEqual(actions({ accept: "text/ccsv" }), [AUTHENTICATE, FORWARD], "? is one character");
        assert.deepEqual(actions({}), [AUTHENTICATE, FORWARD], "no header, no match");
      },
    );

    it(
      "given a path-pattern rule, then a request whose path matches a value gets its actions: case-sensitive, * any " +
        "characters, ? exactly one, the path as sent and never the query string",
      () => {
        const listener = listenerWith({
          rules: [
            {
              name: "door-api-path-0",
              priority: 4,
              methods: [],
              headers: [],
              paths: [["/api/*", "/v?/me"]],
              actions: [DENY, FORWARD],
            },
          ],
        });
        const actions = (path: string, rawQuery?: string, rawPath?: string) =>
          ruled({ ...request(path, {}, rawQuery), ...(rawPath ? { rawPath } : {}) }, listener).actions;
        assert.deepEqual(actions("/api/notes"), [DENY, FORWARD]);
        assert.deepEqual(actions("/api/"), [DENY, FORWARD], "* matches nothing too");
        assert.deepEqual(actions("/v1/me"), [DENY, FORWARD]);
        assert.deepEqual(actions("/v10/me"), [AUTHENTICATE, FORWARD], "? is one character");
        assert.deepEqual(actions("/API/notes"), [AUTHENTICATE, FORWARD], "case-sensitive");
        assert.deepEqual(actions("/notes", "next=/api/x"), [AUTHENTICATE, FORWARD], "the query string is not the path");
        assert.deepEqual(actions("/api/x", undefined, "/%61pi/x"), [AUTHENTICATE, FORWARD], "the path as sent");
      },
    );

    it("given a rule with a path and a header condition, then it applies only when both hold", () => {
      const listener = listenerWith({
        rules: [
          {
            name: "door-both",
            priority: 3,
            methods: [],
            headers: [{ name: "X-Requested-With", values: ["XMLHttpRequest"] }],
            paths: [["/api/*"]],
            actions: [DENY, FORWARD],
          },
        ],
      });
      const actions = (path: string, headers: IncomingRequest["headers"] = {}) =>
        ruled(request(path, headers), listener).actions;
      assert.deepEqual(actions("/api/x", { "x-requested-with": "xmlhttprequest" }), [DENY, FORWARD]);
      assert.deepEqual(actions("/api/x"), [AUTHENTICATE, FORWARD]);
      assert.deepEqual(actions("/notes", { "x-requested-with": "XMLHttpRequest" }), [AUTHENTICATE, FORWARD]);
    });

    it("given an OPTIONS under a forward-only rule, then the session step lets it through without a login", () => {
      const listener = listenerWith({
        rules: [
          { name: "door-preflight", priority: 1, methods: [["OPTIONS"]], headers: [], paths: [], actions: [FORWARD] },
        ],
      });
      const ctx = ruled(request("/notes", {}, undefined, "OPTIONS"), listener);
      assert.equal(session.run(ctx, undefined), undefined, "no redirect to the login");
      assert.equal(ctx.session, undefined);
    });
  });

  describe("authenticate", () => {
    it("given a request that is not the login's return, when the step runs, then the request goes on", async () => {
      assert.equal(await authenticate.run(ruled(request("/notes")), undefined), undefined);
    });

    it("given the login's return with a state no login started, when the step runs, then it answers 401", async () => {
      const reply = await authenticate.run(
        ruled(request("/oauth2/idpresponse", {}, "code=c&state=unknown")),
        undefined,
      );
      assert.equal(reply?.status, 401);
      assert.deepEqual(logged, ["/oauth2/idpresponse: 401 (unknown state)"]);
    });

    it(
      "given a listener that does not authenticate, when the login's return comes, then the step lets " +
        "it on (to the target)",
      async () => {
        const ctx = ruled(request("/oauth2/idpresponse"), listenerWith({ actions: [FORWARD] }));
        assert.equal(await authenticate.run(ctx, undefined), undefined);
      },
    );
  });

  describe("session", () => {
    it(
      "given a path that starts with two slashes, when the step sends the browser to the login, then the way back " +
        "stays on the load balancer's origin (no open redirect)",
      async () => {
        const listener = listenerWith();
        for (const path of ["//evil.example/x", "/\\evil.example/x"]) {
          const req = { ...request(path), rawPath: path };
          const reply = await session.run(ruled(req, listener), undefined);
          const state = new URL(String(reply!.headers.location)).searchParams.get("state")!;
          const back = new URL(listener.pending.get(state)!.returnTo);
          assert.equal(back.origin, "http://localhost:8080", path);
          assert.ok(back.pathname.endsWith("evil.example/x"), back.pathname);
        }
      },
    );

    it(
      "given no session cookie, when the step runs, then it redirects to the user pool's login, " +
        "binding the login to the browser",
      async () => {
        const listener = listenerWith();
        const reply = await session.run(ruled(request("/notes"), listener), undefined);
        assert.equal(reply?.status, 302);
        const location = new URL(String(reply!.headers.location));
        assert.equal(`${location.origin}${location.pathname}`, "http://127.0.0.1:9/oauth2/authorize");
        assert.equal(location.searchParams.get("client_id"), "login-client");
        assert.equal(location.searchParams.get("redirect_uri"), "http://localhost:8080/oauth2/idpresponse");
        assert.equal(location.searchParams.get("response_type"), "code");
        const pending = listener.pending.get(location.searchParams.get("state")!);
        assert.equal(pending?.returnTo, "http://localhost:8080/notes");
        assert.deepEqual(reply!.headers["set-cookie"], [
          `S-login=${pending!.binding}; Path=/oauth2/idpresponse; Secure; HttpOnly`,
        ]);
        assert.deepEqual(logged, ["GET /notes: 302 to the login (no session)"]);
      },
    );

    it(
      "given a login that denies unauthenticated requests, when a request without a session comes, then it is the " +
        "load balancer's 401 and no login starts; with a session it goes on",
      async () => {
        const listener = listenerWith({ actions: [DENY, FORWARD] });
        const reply = await session.run(ruled(request("/notes"), listener), undefined);
        assert.equal(reply?.status, 401);
        assert.equal(reply?.headers.location, undefined);
        assert.equal(listener.pending.size, 0);
        assert.deepEqual(logged, ["GET /notes: 401 (no session; the rule denies unauthenticated requests)"]);
        const value = listener.codec.seal({ claims: { sub: "u1" }, accessToken: "t", exp: NOW / 1000 + 60 });
        const cookie = shardCookies("S", value)
          .map((c) => c.split(";")[0])
          .join("; ");
        assert.equal(await session.run(ruled(request("/notes", { cookie }), listener), undefined), undefined);
      },
    );

    it(
      "given a valid session cookie, when the step runs, then the session goes on to forward; an " +
        "expired one is a new login",
      async () => {
        const listener = listenerWith();
        const cookie = (exp: number) =>
          shardCookies("S", listener.codec.seal({ claims: { sub: "u1" }, accessToken: "t", exp }))
            .map((c) => c.split(";")[0])
            .join("; ");
        const live = ruled(request("/notes", { cookie: cookie(NOW / 1000 + 60) }), listener);
        assert.equal(await session.run(live, undefined), undefined);
        assert.deepEqual(live.session?.claims, { sub: "u1" });
        const expired = ruled(request("/notes", { cookie: cookie(NOW / 1000) }), listener);
        assert.equal((await session.run(expired, undefined))?.status, 302);
        assert.equal(expired.session, undefined);
        assert.deepEqual(logged, ["GET /notes: 302 to the login (the session has expired)"]);
      },
    );
  });

  describe("forward", () => {
    it("given no registered target, when the step runs, then it answers the load balancer's 502 page", async () => {
      const reply = await forward.run(ruled(request("/notes")), undefined);
      assert.equal(reply?.status, 502);
      assert.match(reply!.body.toString(), /502 Bad Gateway/);
      assert.deepEqual(logged, ["GET /notes: 502, no target is registered"]);
    });

    it(
      "given a session and a target, when the step runs, then the target gets the signed user claims " +
        "and none the client sent",
      async () => {
        let event: any;
        const lambda = {
          invokeAs: async (_c: unknown, _f: string, e: unknown) => (
            (event = e),
            { allowed: true, result: { statusCode: 200, body: "ok" } }
          ),
        };
        const listener = listenerWith({
          target: { inputs: { targetId: "arn:aws:lambda:fn" } } as unknown as RecordedResource,
        });
        const ctx: AlbRequest = {
          ...ruled(request("/notes", { "x-amzn-oidc-identity": "forged" }), listener),
          deps: { ...deps, lambda } as unknown as GatewayDeps,
          session: { claims: { sub: "u1" }, accessToken: "a.e30.s", exp: NOW / 1000 + 60 },
        };
        const reply = await forward.run(ctx, undefined);
        assert.equal(reply?.status, 200);
        assert.equal(event.headers["x-amzn-oidc-identity"], "u1");
        assert.equal(event.headers["x-amzn-oidc-accesstoken"], "a.e30.s");
        assert.equal(event.headers["x-forwarded-proto"], "http", "the local listener speaks plain HTTP");
        assert.equal(typeof event.headers["x-amzn-oidc-data"], "string");
      },
    );
  });
});
