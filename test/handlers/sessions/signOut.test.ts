import * as assert from "assert";
import * as crypto from "crypto";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { createHandler, HandlerDeps } from "../../../handlers/app";
import { SessionRevocations } from "../../../handlers/sessions/revocations";
import { SIGNED_OUT_MESSAGE } from "../../../handlers/sessions/signOut";
import type { RevokeToken } from "../../../handlers/sessions/revokeToken";
import { AwsServiceError, ServiceUnreachable } from "../../../handlers/notes/aws";
import {
  ISSUER,
  M2M_CLIENT,
  SPA_CLIENT,
  USER_A,
  accessClaims,
  dynamoAt,
  envFor,
  httpEvent,
  idClaims,
  idToken,
  machineClaims,
  restEvent,
  startDynalite,
  storeAt,
} from "../../support/handler";
import { refusingEndpoint } from "../../support/standins";
import { REVOKED_TABLE, createRevokedTable, sessionId } from "./support";

type Db = Awaited<ReturnType<typeof startDynalite>>;
type Mode = Parameters<typeof envFor>[0];

const REFRESH_SECONDS = 30 * 86400;
const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };
/** What the backend writes with `revocation: true` (components/backend/notesBackend.ts). */
const REVOCATION_ENV = {
  REVOKED_SESSIONS_TABLE: REVOKED_TABLE,
  REVOCATION_CACHE_SECONDS: "5",
  SESSION_REFRESH_SECONDS: String(REFRESH_SECONDS),
};

describe("POST /me/sign-out and the signed-out check (handlers/sessions/signOut.ts)", function () {
  let db: Db;
  before(async () => {
    db = await startDynalite();
    await createRevokedTable(db);
  });
  after(async () => db.close());

  /** A handler for a door, with revocation on (or `off`), a recording RevokeToken and a real clock. */
  function handler(
    mode: Mode,
    opts: {
      off?: boolean;
      revokeToken?: RevokeToken;
      endpoint?: string;
      env?: Record<string, string>;
      now?: () => Date;
    } = {},
  ) {
    const env = envFor(mode, { ...(opts.off ? {} : REVOCATION_ENV), ...opts.env });
    const revoked: { token: string; clientId: string }[] = [];
    const logged: Record<string, unknown>[] = [];
    const r = env.revocation;
    const deps: HandlerDeps = {
      env,
      store: storeAt(db.endpoint),
      presign: async () => "https://example.com/upload",
      removeObjects: async (keys) => ({ deleted: keys, failed: [] }),
      maxAttachmentBytes: env.maxAttachmentBytes,
      now: opts.now ?? (() => new Date()),
      newId: () => crypto.randomUUID(),
      log: (e) => logged.push(e),
      ...(r
        ? {
            revocation: {
              store: new SessionRevocations(r.table, dynamoAt(opts.endpoint ?? db.endpoint, POLICY), r.cacheSeconds),
              revokeToken:
                opts.revokeToken ??
                (async (token, clientId) => {
                  revoked.push({ token, clientId });
                }),
              refreshSeconds: r.refreshSeconds,
            },
          }
        : {}),
    };
    const h = createHandler(deps);
    const call = async (event: any) => {
      const res: any = await h(event);
      return { status: res.statusCode as number, body: res.body ? JSON.parse(res.body) : undefined };
    };
    return { call, revoked, logged };
  }

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  /** ID-token claims of a user of our pool with a sign-in session, valid for 10 minutes. */
  const sessionClaims = (session: string, sub = USER_A) =>
    idClaims(sub, { origin_jti: session, exp: nowSeconds() + 600, iat: nowSeconds() });
  const rest = (method: string, path: string, claims: Record<string, unknown>, body?: unknown) =>
    restEvent({ method, path, body }, { claims });
  const near = (iso: string, seconds: number) =>
    assert.ok(Math.abs(Date.parse(iso) / 1000 - (nowSeconds() + seconds)) <= 2, `${iso} is about now + ${seconds} s`);

  describe("revocation off", () => {
    it("given revocation false, when a user signs out, then 404 JSON naming the revocation key", async () => {
      const { call } = handler("cognito", { off: true });
      const res = await call(rest("POST", "/me/sign-out", sessionClaims(sessionId())));
      assert.equal(res.status, 404);
      assert.match(res.body.message, /revocation/);
    });
  });

  describe("cognito door (REST user pools authorizer claims)", () => {
    it(
      "given a signed-in session, when it signs out without a refresh token, then 200, it is refused for the refresh " +
        "token's lifetime, and its next request is a 401 while another session of the same user still works",
      async () => {
        const { call, revoked } = handler("cognito");
        const mine = sessionId();
        const res = await call(rest("POST", "/me/sign-out", sessionClaims(mine)));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.signedOut, true);
        assert.equal(res.body.session, mine);
        assert.equal(res.body.refreshTokenRevoked, false);
        near(res.body.refusedUntil, REFRESH_SECONDS);
        assert.deepEqual(revoked, []);
        const after = await call(rest("GET", "/me", sessionClaims(mine)));
        assert.deepEqual([after.status, after.body.message], [401, SIGNED_OUT_MESSAGE]);
        assert.equal((await call(rest("GET", "/me", sessionClaims(sessionId())))).status, 200);
      },
    );

    it(
      "given the session's refresh token, when RevokeToken succeeds, then it is called with the token's app client " +
        "(aud) and the session is still refused for the refresh token's lifetime (nothing proves the token its own)",
      async () => {
        const { call, revoked } = handler("cognito");
        const mine = sessionId();
        const res = await call(
          rest("POST", "/me/sign-out", sessionClaims(mine), { refreshToken: "eyJj.refresh-token" }),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.refreshTokenRevoked, true);
        near(res.body.refusedUntil, REFRESH_SECONDS);
        assert.deepEqual(revoked, [{ token: "eyJj.refresh-token", clientId: SPA_CLIENT }]);
        // A second handler container (no cache) refuses it too: the record is in the table.
        assert.equal((await handler("cognito").call(rest("GET", "/notes", sessionClaims(mine)))).status, 401);
      },
    );

    it(
      "given a session signed out without its refresh token, when its tokens sign out again handing another refresh " +
        "token of the app client (RevokeToken succeeds), then the record is not shortened: still the refresh " +
        "token's lifetime, in the table too",
      async () => {
        const { call, revoked } = handler("cognito");
        const victim = sessionId();
        const first = await call(rest("POST", "/me/sign-out", sessionClaims(victim)));
        near(first.body.refusedUntil, REFRESH_SECONDS);
        const again = await call(
          rest("POST", "/me/sign-out", sessionClaims(victim), { refreshToken: "another.sessions-refresh-token" }),
        );
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal(again.body.refreshTokenRevoked, true);
        assert.equal(again.body.refusedUntil, first.body.refusedUntil);
        assert.deepEqual(revoked, [{ token: "another.sessions-refresh-token", clientId: SPA_CLIENT }]);
        const item = await db.client.send(
          new GetItemCommand({ TableName: REVOKED_TABLE, Key: { sessionId: { S: victim } }, ConsistentRead: true }),
        );
        assert.equal(Number(item.Item?.ttl?.N), Date.parse(first.body.refusedUntil) / 1000);
      },
    );

    it(
      "given a session already signed out, when it signs out again later, then nothing is written (its record keeps " +
        "its time) and it is answered with that time",
      async () => {
        const mine = sessionId();
        const first = await handler("cognito").call(rest("POST", "/me/sign-out", sessionClaims(mine)));
        // A later clock: a second write (even one that only extends) would move the record.
        const later = handler("cognito", { now: () => new Date(Date.now() + 100_000) });
        const again = await later.call(rest("POST", "/me/sign-out", sessionClaims(mine)));
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal(again.body.refusedUntil, first.body.refusedUntil);
        const item = await db.client.send(
          new GetItemCommand({ TableName: REVOKED_TABLE, Key: { sessionId: { S: mine } }, ConsistentRead: true }),
        );
        assert.equal(Number(item.Item?.ttl?.N), Date.parse(first.body.refusedUntil) / 1000);
      },
    );

    it(
      "given claims whose exp the handler cannot read (a date in another format), when the session signs out, then " +
        "it is signed out and refused all the same: the check needs origin_jti alone",
      async () => {
        const { call } = handler("cognito");
        const mine = sessionId();
        const claims = { ...sessionClaims(mine), exp: "2026-12-03T15:00:00Z" };
        const res = await call(rest("POST", "/me/sign-out", claims));
        assert.equal(res.status, 200, JSON.stringify(res.body));
        near(res.body.refusedUntil, REFRESH_SECONDS);
        assert.deepEqual((await call(rest("GET", "/me", claims))).body.message, SIGNED_OUT_MESSAGE);
      },
    );

    it(
      "given Cognito refuses the refresh token, then 400 with " +
        "Cognito's message, and the session is still signed out",
      async () => {
        const { call } = handler("cognito", {
          revokeToken: async () => {
            throw new AwsServiceError(400, "UnsupportedTokenTypeException", "the token is not a refresh token");
          },
        });
        const mine = sessionId();
        const res = await call(rest("POST", "/me/sign-out", sessionClaims(mine), { refreshToken: "not.a.refresh" }));
        assert.equal(res.status, 400);
        assert.match(res.body.message, /UnsupportedTokenTypeException: the token is not a refresh token/);
        assert.match(res.body.message, /signed out until/);
        assert.equal((await call(rest("GET", "/me", sessionClaims(mine)))).status, 401);
      },
    );

    it(
      "given Cognito does not answer, then a 503 JSON, and the session " +
        "is signed out for the refresh token's lifetime",
      async () => {
        const { call, logged } = handler("cognito", {
          revokeToken: async () => {
            throw new ServiceUnreachable("cognito-idp unavailable: no answer within 150 ms", 4);
          },
        });
        const mine = sessionId();
        const res = await call(rest("POST", "/me/sign-out", sessionClaims(mine), { refreshToken: "r.t" }));
        assert.equal(res.status, 503);
        assert.match(res.body.message, /sign out again/);
        assert.ok(logged.some((l) => l.status === 503));
        // signing out again is allowed for a signed-out session (a retry of RevokeToken), the rest is refused
        assert.equal((await call(rest("GET", "/me", sessionClaims(mine)))).status, 401);
        assert.equal((await call(rest("POST", "/me/sign-out", sessionClaims(mine)))).status, 200);
      },
    );

    it(
      "given a refreshToken that is no token, when signing out, " + "then 400 naming the field, before any write",
      async () => {
        const { call } = handler("cognito");
        const mine = sessionId();
        const res = await call(rest("POST", "/me/sign-out", sessionClaims(mine), { refreshToken: "a b" }));
        assert.equal(res.status, 400);
        assert.match(res.body.message, /^refreshToken:/);
        assert.equal((await call(rest("GET", "/me", sessionClaims(mine)))).status, 200);
      },
    );
  });

  describe("the session comes from verified claims only", () => {
    it(
      "given claims without origin_jti and an Authorization token whose (unverified) payload has one, when signing " +
        "out, then 400: no session, whatever the client's copy says",
      async () => {
        const { call } = handler("cognito");
        const e = rest("POST", "/me/sign-out", idClaims(USER_A, { exp: nowSeconds() + 600 }));
        e.headers.Authorization = idToken(sessionClaims(sessionId()));
        e.multiValueHeaders.Authorization = [e.headers.Authorization];
        const res = await call(e);
        assert.equal(res.status, 400);
        assert.match(res.body.message, /no sign-in session to revoke/);
      },
    );

    it(
      "given a revoked session named in a header, the query and the body, when a caller of another (live) session " +
        "calls, then nothing refuses it and sign-out records its own session",
      async () => {
        const { call } = handler("cognito");
        const victim = sessionId();
        await call(rest("POST", "/me/sign-out", sessionClaims(victim)));
        const mine = sessionId();
        const forged = (e: any) => {
          for (const h of ["origin_jti", "x-origin-jti", "x-session"]) {
            e.headers[h] = victim;
            e.multiValueHeaders[h] = [victim];
          }
          e.queryStringParameters = { origin_jti: victim, session: victim };
          return e;
        };
        assert.equal((await call(forged(rest("GET", "/me", sessionClaims(mine))))).status, 200);
        const res = await call(
          forged(rest("POST", "/me/sign-out", sessionClaims(mine), { origin_jti: victim } as unknown)),
        );
        // the body's field is refused outright (the body takes refreshToken only)
        assert.equal(res.status, 400);
        assert.match(res.body.message, /origin_jti: not allowed/);
        const ok = await call(forged(rest("POST", "/me/sign-out", sessionClaims(mine))));
        assert.equal(ok.body.session, mine);
      },
    );

    it("given a token of another issuer carrying an origin_jti, then it names no session of ours", async () => {
      const { call } = handler("http-jwt", { env: { ALLOWED_CLIENT_IDS: `${SPA_CLIENT},${M2M_CLIENT},outside` } });
      const claims = accessClaims("outside-user", ["notes/read"], {
        iss: "https://login.example.com/",
        client_id: "outside",
        origin_jti: sessionId(),
        exp: nowSeconds() + 600,
      });
      const res = await call(httpEvent({ method: "POST", path: "/me/sign-out" }, claims));
      assert.equal(res.status, 400);
      assert.match(res.body.message, /sign out at the identity provider/);
    });
  });

  describe("every door", () => {
    it(
      "http-jwt: the access token's origin_jti and client_id " + "make the session; signed out, it is refused",
      async () => {
        const seen: string[] = [];
        const { call } = handler("http-jwt", { revokeToken: async (_t, clientId) => void seen.push(clientId) });
        const mine = sessionId();
        const claims = accessClaims(USER_A, ["notes/read"], { origin_jti: mine, exp: String(nowSeconds() + 600) });
        const res = await call(
          httpEvent({ method: "POST", path: "/me/sign-out", body: { refreshToken: "r.t" } }, claims),
        );
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(seen, [SPA_CLIENT]);
        assert.equal((await call(httpEvent({ method: "GET", path: "/me" }, claims))).status, 401);
      },
    );

    it("api-key with user tokens: the ID token's claims make the session, as at cognito", async () => {
      const { call } = handler("api-key", {
        env: { API_KEY_USER_TOKENS: "true", ALLOWED_CLIENT_IDS: SPA_CLIENT },
      });
      const mine = sessionId();
      assert.equal((await call(rest("POST", "/me/sign-out", sessionClaims(mine)))).status, 200);
      assert.equal((await call(rest("GET", "/me", sessionClaims(mine)))).status, 401);
    });

    for (const [label, mode, event, advice] of [
      [
        "an API key",
        "api-key",
        () => restEvent({ method: "POST", path: "/me/sign-out" }, { identity: { apiKeyId: "key123" } }),
        /API key ends when it is disabled/,
      ],
      [
        "a SigV4 caller",
        "iam",
        () =>
          restEvent(
            { method: "POST", path: "/me/sign-out" },
            {
              identity: {
                userArn: "arn:aws:sts::123456789012:assumed-role/notes-machine/s1",
                caller: "AROAEXAMPLE:s1",
                accountId: "123456789012",
                accessKey: "ASIAEXAMPLE",
              },
            },
          ),
        /SigV4 credentials end/,
      ],
      [
        "a client-credentials token",
        "http-jwt",
        () =>
          httpEvent(
            { method: "POST", path: "/me/sign-out" },
            machineClaims(["notes/read"], { origin_jti: sessionId(), exp: nowSeconds() + 600 }),
          ),
        /client-credentials token ends/,
      ],
    ] as const) {
      it(
        `given ${label}, when it signs out, then 400: this credential ` + `has no sign-in session (its own way said)`,
        async () => {
          const res = await handler(mode).call(event());
          assert.equal(res.status, 400, JSON.stringify(res.body));
          assert.match(res.body.message, /this credential has no sign-in session to revoke/);
          assert.match(res.body.message, advice);
        },
      );
    }
  });

  describe("lambda-authorizer door: one read per request at most", () => {
    const context = (session: string, checkedAt?: number) => ({
      principalId: USER_A,
      sub: USER_A,
      iss: ISSUER,
      clientId: "",
      username: "alice",
      groups: "[]",
      scopes: "",
      plan: "free",
      exp: nowSeconds() + 300,
      session,
      sessionClient: SPA_CLIENT,
      ...(checkedAt !== undefined ? { revocationCheckedAt: checkedAt } : {}),
    });
    const event = (method: string, path: string, ctx: Record<string, unknown>, body?: unknown) => {
      const e = restEvent({ method, path, body });
      e.requestContext.authorizer = ctx;
      return e;
    };

    it(
      "given the authorizer checked the session just now, when the " + "handler runs, then it reads nothing itself",
      async () => {
        // a table nobody can reach: any read would be a 503
        const { call } = handler("lambda-authorizer", { endpoint: await refusingEndpoint() });
        const res = await call(event("GET", "/me", context(sessionId(), Date.now() - 1000)));
        assert.equal(res.status, 200, JSON.stringify(res.body));
      },
    );

    it(
      "given a cached authorizer answer (its check older than revocationCacheSeconds) or none, when the handler " +
        "runs, then it reads the session itself (here: storage down, so a 503, never an admission)",
      async () => {
        const { call, logged } = handler("lambda-authorizer", { endpoint: await refusingEndpoint() });
        for (const checkedAt of [Date.now() - 5000, undefined, Date.now() + 60_000]) {
          const res = await call(event("GET", "/me", context(sessionId(), checkedAt)));
          assert.equal(res.status, 503, `checkedAt ${checkedAt}`);
        }
        assert.equal(logged.filter((l) => l.status === 503).length, 3);
      },
    );

    it(
      "given a session signed out through this door, then its later " +
        "requests are refused, sign-out's client is sessionClient",
      async () => {
        const seen: string[] = [];
        const { call } = handler("lambda-authorizer", { revokeToken: async (_t, c) => void seen.push(c) });
        const mine = sessionId();
        const signedOut = await call(event("POST", "/me/sign-out", context(mine), { refreshToken: "r.t" }));
        assert.equal(signedOut.status, 200, JSON.stringify(signedOut.body));
        // the authorizer's older (cached) answer: the handler reads, and refuses
        assert.equal((await call(event("GET", "/me", context(mine, Date.now() - 10_000)))).status, 401);
        assert.deepEqual(seen, [SPA_CLIENT]);
      },
    );
  });

  describe("fail closed", () => {
    it(
      "given the revoked sessions table is unreachable, when a session " +
        "calls any route, then a prompt JSON 503, logged",
      async () => {
        const { call, logged } = handler("cognito", { endpoint: await refusingEndpoint() });
        const started = Date.now();
        const res = await call(rest("GET", "/notes", sessionClaims(sessionId())));
        assert.equal(res.status, 503);
        assert.match(res.body.message, /sign-out records/);
        assert.ok(Date.now() - started < POLICY.deadlineMs + 200);
        assert.ok(logged.some((l) => l.level === "error" && /RevocationUnavailable/.test(String(l.error))));
      },
    );
  });
});
