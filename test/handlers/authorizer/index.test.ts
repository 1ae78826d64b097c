import * as assert from "assert";
import { createAuthorizer, UNAUTHORIZED } from "../../../handlers/authorizer/index";
import { readAuthorizerSettings } from "../../../handlers/contract/authorizer";
import { createTokenVerifier } from "../../../handlers/authorizer/verify";
import { jwksServer, rsaKey, signJwt } from "../../support/jwt";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/GET/notes";
const ROUTE = (verb: string, path: string) =>
  `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/${verb}/${path}`;
const SPA = "spaclient0000000000000000";
const ALICE = "11111111-1111-4111-8111-111111111111";
const now = () => Math.floor(Date.now() / 1000);

describe("the lambda-authorizer door's authorizer (tokens signed by a key of the test's own)", function () {
  const key = rsaKey();
  const stranger = rsaKey();
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let authorize: ReturnType<typeof createAuthorizer>;
  const event = (token?: string, methodArn = METHOD_ARN) =>
    ({ type: "REQUEST", methodArn, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } }) as any;
  const access = (extra: Record<string, unknown> = {}) =>
    signJwt(key, {
      sub: ALICE,
      iss: jwks.issuer,
      client_id: SPA,
      token_use: "access",
      username: "alice",
      scope: "aws.cognito.signin.user.admin",
      exp: now() + 300,
      iat: now(),
      ...extra,
    });
  const denied = (p: Promise<unknown>) => assert.rejects(p, (err: Error) => err.message === UNAUTHORIZED);

  const served = [key];
  before(async () => {
    jwks = await jwksServer(served);
    const settings = readAuthorizerSettings({
      AUTHORIZER_ISSUER: jwks.issuer,
      AUTHORIZER_AUDIENCES: SPA,
      AUTHORIZER_TOKEN_USE: "access",
      ADMIN_GROUP: "admins",
      ADMIN_SCOPE: "notes/admin",
      COGNITO_ISSUER: jwks.issuer,
      AUTHORIZER_PLANS: JSON.stringify([
        { name: "free", key: "free-key" },
        { name: "pro", group: "pro", key: "pro-key" },
        { name: "partner", scope: "notes/partner", key: "partner-key" },
      ]),
    });
    authorize = createAuthorizer(settings, createTokenVerifier(settings));
  });
  after(() => jwks.close());

  it(
    "gives a valid user every user route, explicitly denies the admin routes, and their sub as " + "principal",
    async () => {
      const res = await authorize(event(access()));
      assert.equal(res.principalId, ALICE);
      const [allow, deny] = res.policyDocument.Statement;
      assert.equal(allow.Effect, "Allow");
      assert.ok(
        allow.Resource.includes(ROUTE("GET", "notes")) &&
          allow.Resource.includes(ROUTE("PUT", "notes/*")) &&
          allow.Resource.includes(ROUTE("POST", "notes/*/attachment")),
      );
      assert.deepEqual(deny, { Effect: "Deny", Action: "execute-api:Invoke", Resource: [ROUTE("GET", "admin/stats")] });
      assert.ok(!JSON.stringify(res.policyDocument).includes('"*"'), "never a bare *");
    },
  );

  it(
    "answers with a policy for every route whatever route was called (API Gateway caches it for the " + "token)",
    async () => {
      const a = await authorize(event(access(), ROUTE("DELETE", "notes/0f0f0f0f-0000-4000-8000-000000000000")));
      const b = await authorize(event(access(), METHOD_ARN));
      assert.deepEqual(a.policyDocument, b.policyDocument);
    },
  );

  it("lets a member of the admin group call the admin routes", async () => {
    const res = await authorize(event(access({ "cognito:groups": ["admins"] })));
    assert.equal(res.policyDocument.Statement.length, 1);
    assert.ok(res.policyDocument.Statement[0].Resource.includes(ROUTE("GET", "admin/stats")));
  });

  it("puts each caller on their tier's plan: group, then scope, else the default", async () => {
    assert.equal((await authorize(event(access()))).usageIdentifierKey, "free-key");
    assert.equal((await authorize(event(access({ "cognito:groups": ["pro"] })))).usageIdentifierKey, "pro-key");
    assert.equal((await authorize(event(access({ scope: "notes/partner" })))).usageIdentifierKey, "partner-key");
    assert.equal((await authorize(event(access({ "cognito:groups": ["pro"] })))).context.plan, "pro");
  });

  it("passes sub, groups (as exact JSON), scopes and client as string context", async () => {
    const res = await authorize(event(access({ "cognito:groups": ["team,admins", "pro"] })));
    assert.deepEqual(JSON.parse(String(res.context.groups)), ["team,admins", "pro"]);
    for (const v of Object.values(res.context)) assert.ok(["string", "number", "boolean"].includes(typeof v));
  });

  it("puts the token's exp in the context, for the handler to refuse a cached answer once it has passed", async () => {
    const exp = now() + 123;
    assert.equal((await authorize(event(access({ exp })))).context.exp, exp);
  });

  it("given a verified token without exp (valid for ever behind the cache), then 401", async () => {
    await denied(authorize(event(access({ exp: undefined }))));
  });

  // API Gateway caches the answer by the identity source's exact value, so each spelling of one token would be its own
  // cache entry:
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html
  it(
    "given the Authorization header in any form but exactly `Bearer <token>`, then 401, so no " +
      "alternate cache keys exist",
    async () => {
      const token = access();
      for (const header of [
        `Bearer  ${token}`,
        `Bearer\t${token}`,
        ` Bearer ${token}`,
        `Bearer ${token} `,
        `bearer ${token}`,
        `BEARER ${token}`,
        `Bearer ${token}\n`,
        token,
      ]) {
        await denied(authorize({ type: "REQUEST", methodArn: METHOD_ARN, headers: { Authorization: header } } as any));
      }
      assert.equal(
        (
          await authorize({
            type: "REQUEST",
            methodArn: METHOD_ARN,
            headers: { authorization: `Bearer ${token}` },
          } as any)
        ).principalId,
        ALICE,
      );
    },
  );

  it(
    "given two Authorization headers, then 401, whichever one the gateway put in headers, and a warn " +
      "line naming the header, never its values (the request never reaches the handler's own log)",
    async () => {
      const token = access();
      const lines: string[] = [];
      const original = console.warn;
      console.warn = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
      try {
        await denied(
          authorize({
            type: "REQUEST",
            methodArn: METHOD_ARN,
            headers: { Authorization: `Bearer ${token}` },
            multiValueHeaders: { Authorization: [`Bearer ${token}`, `Bearer ${token}`] },
          } as any),
        );
      } finally {
        console.warn = original;
      }
      assert.equal(lines.length, 1);
      assert.deepEqual(JSON.parse(lines[0]), {
        level: "warn",
        message: "refused: a credential header is repeated",
        header: "authorization",
        status: 401,
      });
      assert.ok(!lines[0].includes(token));
    },
  );

  const refused: [string, () => string | undefined][] = [
    ["no token", () => undefined],
    ["an expired token", () => access({ exp: now() - 60 })],
    [
      "a token signed by another key (forged)",
      () =>
        signJwt(
          { kid: key.kid, privateKey: stranger.privateKey },
          { sub: ALICE, iss: jwks.issuer, client_id: SPA, token_use: "access", exp: now() + 300 },
        ),
    ],
    ["a token of another issuer", () => access({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" })],
    ["a token for another client", () => access({ client_id: "someone-else" })],
    [
      "an ID token where access tokens are configured",
      () => access({ token_use: "id", aud: SPA, client_id: undefined }),
    ],
    [
      "a tampered payload",
      () => {
        const [h, , sig] = access().split(".");
        const claims = {
          sub: "22222222-2222-4222-8222-222222222222",
          iss: jwks.issuer,
          client_id: SPA,
          token_use: "access",
          exp: now() + 300,
        };
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`;
      },
    ],
    ["a sub that is not a Cognito UUID", () => access({ sub: "apikey:x" })],
  ];
  for (const [what, token] of refused) {
    it(`answers 401 ("Unauthorized") to ${what}`, async () => {
      await denied(authorize(event(token())));
    });
  }

  it("never logs a token, whatever happens", async () => {
    const logged: string[] = [];
    const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
    Object.assign(console, {
      log: (...a: unknown[]) => logged.push(a.join(" ")),
      error: (...a: unknown[]) => logged.push(a.join(" ")),
      warn: (...a: unknown[]) => logged.push(a.join(" ")),
      info: (...a: unknown[]) => logged.push(a.join(" ")),
    });
    const token = access({ exp: now() - 60 });
    try {
      await authorize(event(access())).catch(() => undefined);
      await authorize(event(token)).catch(() => undefined);
    } finally {
      Object.assign(console, saved);
    }
    assert.ok(!logged.some((l) => l.includes(token.split(".")[1])), logged.join("\n"));
  });

  it("fetches the issuer's keys once and keeps them across invocations", async () => {
    const before = jwks.fetches();
    for (let i = 0; i < 3; i++) await authorize(event(access()));
    assert.ok(jwks.fetches() - before <= 0, "no refetch for a known kid");
  });

  it(
    "given the issuer rotates to a new key, when a token signed by it arrives, then the keys are " +
      "fetched again once and it is accepted",
    async () => {
      const rotated = rsaKey();
      served.push(rotated);
      const before = jwks.fetches();
      const token = signJwt(rotated, {
        sub: ALICE,
        iss: jwks.issuer,
        client_id: SPA,
        token_use: "access",
        username: "alice",
        exp: now() + 300,
        iat: now(),
      });
      assert.equal((await authorize(event(token))).principalId, ALICE);
      assert.equal(jwks.fetches() - before, 1, "one fetch for the unknown kid");
      await authorize(event(token));
      assert.equal(jwks.fetches() - before, 1, "then cached");
    },
  );

  it("with tokenUse id: accepts our pool's ID token for the SPA client, and refuses an access token", async () => {
    const settings = readAuthorizerSettings({
      AUTHORIZER_ISSUER: jwks.issuer,
      AUTHORIZER_AUDIENCES: SPA,
      AUTHORIZER_TOKEN_USE: "id",
      ADMIN_GROUP: "admins",
      ADMIN_SCOPE: "notes/admin",
      COGNITO_ISSUER: jwks.issuer,
      AUTHORIZER_PLANS: JSON.stringify([{ name: "free", key: "free-key" }]),
    });
    const byId = createAuthorizer(settings, createTokenVerifier(settings));
    const id = signJwt(key, {
      sub: ALICE,
      iss: jwks.issuer,
      aud: SPA,
      token_use: "id",
      "cognito:username": "alice",
      exp: now() + 300,
      iat: now(),
    });
    const res = await byId(event(id));
    assert.equal(res.principalId, ALICE);
    assert.equal(res.policyDocument.Statement[0].Effect, "Allow");
    await denied(byId(event(access())));
  });

  it(
    "with another OIDC issuer: its users are oidc:<sub>, its machines client:<id>, and admin comes " +
      "from the admin scope",
    async () => {
      // given an issuer that is not the stack's pool (COGNITO_ISSUER unset), audience notes-api, any token_use (as the
      // door configures an external issuer)
      const settings = readAuthorizerSettings({
        AUTHORIZER_ISSUER: jwks.issuer,
        AUTHORIZER_AUDIENCES: "notes-api",
        AUTHORIZER_TOKEN_USE: "any",
        ADMIN_GROUP: "admins",
        ADMIN_SCOPE: "notes/admin",
        AUTHORIZER_PLANS: JSON.stringify([{ name: "free", key: "free-key" }]),
      });
      const external = createAuthorizer(settings, createTokenVerifier(settings));
      const user = (scope: string) =>
        signJwt(key, { sub: "auth0|42", iss: jwks.issuer, aud: "notes-api", scope, exp: now() + 300, iat: now() });
      const plain = await external(event(user("notes/read")));
      assert.equal(plain.principalId, "oidc:auth0|42");
      assert.ok(
        plain.policyDocument.Statement.some(
          (st: any) => st.Effect === "Deny" && st.Resource.includes(ROUTE("GET", "admin/stats")),
        ),
        "no admin scope: admin routes denied",
      );
      const admin = await external(event(user("notes/read notes/admin")));
      assert.equal(admin.policyDocument.Statement.length, 1);
      assert.ok(
        admin.policyDocument.Statement[0].Resource.includes(ROUTE("GET", "admin/stats")),
        "the admin scope opens the admin routes",
      );
      // a client-credentials token: sub is the client, no username
      const machine = signJwt(key, {
        sub: "notes-api",
        client_id: "notes-api",
        iss: jwks.issuer,
        aud: "notes-api",
        scope: "notes/read",
        exp: now() + 300,
        iat: now(),
      });
      assert.equal((await external(event(machine))).principalId, "client:notes-api");
    },
  );
});
