import * as assert from "assert";
import { createAuthorizer, UNAUTHORIZED } from "../../../handlers/authorizer/index";
import { AuthorizerSettings, readAuthorizerSettings } from "../../../handlers/contract/authorizer";
import { createTokenVerifier } from "../../../handlers/authorizer/verify";
import { SessionRevocations } from "../../../handlers/sessions/revocations";
import { AUTHORIZER_FAULT } from "../../../handlers/contract/authorizerFault";
import { normalize } from "../../../handlers/http/request";
import { principalOf } from "../../../handlers/doors";
import { refuseSignedOut } from "../../../handlers/sessions/signOut";
import { jwksServer, rsaKey, signJwt } from "../../support/jwt";
import { dynamoAt, envFor, restEvent, startDynalite } from "../../support/handler";
import { StandIn, proxyStandIn, refusingEndpoint } from "../../support/standins";
import { REVOKED_TABLE, createRevokedTable, sessionId } from "../sessions/support";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/GET/notes";
const SPA = "spaclient0000000000000000";
const ALICE = "11111111-1111-4111-8111-111111111111";
const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };
const now = () => Math.floor(Date.now() / 1000);

describe("the Lambda authorizer with revocation (handlers/authorizer/index.ts)", function () {
  const key = rsaKey();
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let proxy: StandIn;
  let settings: AuthorizerSettings;
  before(async () => {
    [jwks, db] = await Promise.all([jwksServer([key]), startDynalite()]);
    await createRevokedTable(db);
    proxy = await proxyStandIn(db.endpoint);
    // given the settings the component writes with revocation on
    settings = readAuthorizerSettings({
      AUTHORIZER_ISSUER: jwks.issuer,
      AUTHORIZER_AUDIENCES: SPA,
      AUTHORIZER_TOKEN_USE: "access",
      ADMIN_GROUP: "admins",
      ADMIN_SCOPE: "notes/admin",
      COGNITO_ISSUER: jwks.issuer,
      AUTHORIZER_PLANS: JSON.stringify([{ name: "free", key: "free-key" }]),
      REVOKED_SESSIONS_TABLE: REVOKED_TABLE,
      REVOCATION_CACHE_SECONDS: "5",
    });
  });
  after(async () => {
    await proxy.close();
    await Promise.all([jwks.close(), db.close()]);
  });

  const event = (token: string, requestId?: string) =>
    ({
      type: "REQUEST",
      methodArn: METHOD_ARN,
      headers: { Authorization: `Bearer ${token}` },
      ...(requestId ? { requestContext: { requestId } } : {}),
    }) as any;
  const access = (extra: Record<string, unknown> = {}) =>
    signJwt(key, {
      sub: ALICE,
      iss: jwks.issuer,
      client_id: SPA,
      token_use: "access",
      username: "alice",
      scope: "notes/read",
      exp: now() + 300,
      iat: now(),
      ...extra,
    });
  const store = (endpoint = proxy.endpoint) =>
    new SessionRevocations(REVOKED_TABLE, dynamoAt(endpoint, POLICY), settings.revocation!.cacheSeconds);
  const reads = () => proxy.calls.filter((c) => c === "GetItem").length;

  it("reads the table's name and cache from its environment", () => {
    assert.deepEqual(settings.revocation, { table: REVOKED_TABLE, cacheSeconds: 5 });
  });

  it(
    "given a live session, then Allow, with the session, its app client and when the record was read in the " +
      "context; again within revocationCacheSeconds, then no second read and the first read's time",
    async () => {
      const authorize = createAuthorizer(settings, createTokenVerifier(settings), store());
      const session = sessionId();
      const before = reads();
      const started = Date.now();
      const first = await authorize(event(access({ origin_jti: session })));
      assert.equal(first.policyDocument.Statement[0].Effect, "Allow");
      assert.equal(first.context.session, session);
      assert.equal(first.context.sessionClient, SPA);
      const at = first.context.revocationCheckedAt as number;
      assert.ok(at >= started && at <= Date.now(), `${at}`);
      const second = await authorize(event(access({ origin_jti: session })));
      assert.equal(second.context.revocationCheckedAt, at, "the time of the read, not of the answer");
      assert.equal(reads() - before, 1);
    },
  );

  it("given a session signed out (by the notes function's container), then Unauthorized, as a bad token", async () => {
    const session = sessionId();
    await store(db.endpoint).revoke(session, now() + 3600);
    const authorize = createAuthorizer(settings, createTokenVerifier(settings), store());
    await assert.rejects(authorize(event(access({ origin_jti: session }))), (e: Error) => e.message === UNAUTHORIZED);
  });

  it("given a token without a session (no origin_jti), then Allow, no read, no session in the context", async () => {
    const authorize = createAuthorizer(settings, createTokenVerifier(settings), store(await refusingEndpoint()));
    const res = await authorize(event(access()));
    assert.equal(res.context.session, undefined);
    assert.equal(res.context.revocationCheckedAt, undefined);
  });

  it(
    "given the table unreachable, then the request fails (no Allow, not a 401 either: API Gateway's 500) and " +
      "an AUTHORIZER_FAULT line is logged, without the token",
    async () => {
      const authorize = createAuthorizer(settings, createTokenVerifier(settings), store(await refusingEndpoint()));
      const logged: string[] = [];
      const original = console.error;
      console.error = (line: string) => void logged.push(String(line));
      const token = access({ origin_jti: sessionId() });
      try {
        await assert.rejects(authorize(event(token)), (e: Error) => e.message !== UNAUTHORIZED);
      } finally {
        console.error = original;
      }
      assert.equal(logged.length, 1);
      assert.equal(JSON.parse(logged[0]).message, AUTHORIZER_FAULT);
      assert.ok(!logged[0].includes(token.split(".")[1]));
    },
  );

  it(
    "given the authorizer's fresh answer reaching the notes handler, then the handler reads nothing (one read per " +
      "request); given the same answer cached by API Gateway past revocationCacheSeconds, then it reads",
    async () => {
      const authorize = createAuthorizer(settings, createTokenVerifier(settings), store());
      const session = sessionId();
      const answer = await authorize(event(access({ origin_jti: session })));
      const e = restEvent({ method: "GET", path: "/me" });
      // API Gateway hands the integration the authorizer's principalId and context
      e.requestContext.authorizer = { principalId: answer.principalId, ...answer.context };
      const who = await principalOf(normalize(e), envFor("lambda-authorizer", { COGNITO_ISSUER: jwks.issuer }));
      assert.equal(who.session?.id, session);
      // the handler's store: a table nobody can reach, so any read would throw
      const deps = {
        store: store(await refusingEndpoint()),
        revokeToken: async () => undefined,
        refreshSeconds: 86400,
      };
      await refuseSignedOut(who, deps, Date.now());
      await assert.rejects(
        refuseSignedOut(who, deps, (answer.context.revocationCheckedAt as number) + 5000),
        (e: any) => /not answering/.test(e.message),
      );
    },
  );

  it(
    "given revocationCacheSeconds 0, when the authorizer's answer reaches the notes handler in the same request " +
      "(same request id), then the handler reads nothing; when API Gateway replays it for a later request (even " +
      "within the second), then the handler reads",
    async () => {
      const zero = { ...settings, revocation: { ...settings.revocation!, cacheSeconds: 0 } };
      const authorize = createAuthorizer(zero, createTokenVerifier(zero), store());
      const session = sessionId();
      const answer = await authorize(event(access({ origin_jti: session }), "req-1"));
      assert.equal(answer.context.revocationCheckedFor, "req-1");
      // the handler's store, caching nothing, at a table nobody can reach: any read would throw
      const deps = {
        store: new SessionRevocations(REVOKED_TABLE, dynamoAt(await refusingEndpoint(), POLICY), 0),
        revokeToken: async () => undefined,
        refreshSeconds: 86400,
      };
      const env = envFor("lambda-authorizer", { COGNITO_ISSUER: jwks.issuer, REVOCATION_CACHE_SECONDS: "0" });
      const integration = (requestId: string) => {
        const e = restEvent({ method: "GET", path: "/me" });
        e.requestContext.requestId = requestId;
        e.requestContext.authorizer = { principalId: answer.principalId, ...answer.context };
        return principalOf(normalize(e), env);
      };
      const same = await integration("req-1");
      assert.equal(same.session?.checkedThisRequest, true);
      await refuseSignedOut(same, deps, Date.now());
      const replay = await integration("req-2");
      await assert.rejects(refuseSignedOut(replay, deps, Date.now()), (e: any) => /not answering/.test(e.message));
    },
  );
});
