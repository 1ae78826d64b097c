import * as assert from "assert";
import { createAlbVerifier } from "../../../handlers/doors/albVerifier";
import { normalize } from "../../../handlers/http/request";
import { principalOf } from "../../../handlers/doors";
import {
  ALB_ARN,
  ALB_CLIENT,
  ISSUER,
  USER_A,
  USER_B,
  albEvent,
  albKey,
  envFor,
  forbiddenStore,
  handlerFor,
  memoryKeyFetcher,
  signAlbToken,
} from "../../support/handler";
import { eventSources, load } from "../../support/events";
import { albOidcDoor } from "../../../handlers/doors/alb-oidc";
import { jwksServer, rsaKey, signJwt } from "../../support/jwt";

describe("handler: ALB identity (x-amzn-oidc-data)", () => {
  const key = albKey();
  const otherKey = albKey();
  const newVerifier = () => {
    const fetcher = memoryKeyFetcher([key]);
    return { fetcher, verifier: createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher }) };
  };
  const principal = (token: string | undefined, verifier = newVerifier().verifier) =>
    principalOf(normalize(albEvent({ method: "GET", path: "/me" }, token)), envFor("alb-oidc"), { identity: verifier });
  const rejects401 = (p: Promise<unknown>) => assert.rejects(p, (err: any) => err.status === 401);

  it("accepts a token signed for this ALB, padding and all, and maps it to the sub", async () => {
    const token = signAlbToken(key);
    assert.ok(/=\./.test(token) || token.endsWith("="), "the test token carries base64 padding like the ALB's");
    const p = await principal(token);
    assert.deepEqual({ id: p.id, kind: p.kind, door: p.door }, { id: USER_A, kind: "user", door: "alb-oidc" });
  });

  it("fetches the key by kid once and then uses the cache", async () => {
    const { fetcher, verifier } = newVerifier();
    await principal(signAlbToken(key), verifier);
    await principal(signAlbToken(key, { sub: USER_B }), verifier);
    assert.equal(fetcher.calls, 1);
  });

  const rejected: [string, () => string | undefined][] = [
    [
      "a token signed by another ALB (signer mismatch: the ALBeast case)",
      () =>
        signAlbToken(key, {
          signer: "arn:aws:elasticloadbalancing:us-east-1:999999999999:loadbalancer/app/evil/0000000000000000",
        }),
    ],
    ["an expired token", () => signAlbToken(key, { exp: Math.floor(Date.now() / 1000) - 600 })],
    [
      "a tampered payload",
      () => {
        const [h, , s] = signAlbToken(key).split(".");
        const forged = Buffer.from(
          JSON.stringify({ sub: "victim", exp: Math.floor(Date.now() / 1000) + 60, iss: ISSUER }),
        ).toString("base64url");
        return `${h}.${forged}.${s}`;
      },
    ],
    ["alg HS256", () => signAlbToken(key, { alg: "HS256" })],
    ["alg RS256", () => signAlbToken(key, { alg: "RS256" })],
    [
      "a token signed with a key the endpoint does not serve for its kid",
      () => signAlbToken({ kid: key.kid, privateKey: otherKey.privateKey }),
    ],
    ["an unknown kid", () => signAlbToken(otherKey)],
    [
      "a kid that is not a UUID (untrusted input)",
      () => signAlbToken({ kid: "../../evil", privateKey: key.privateKey }),
    ],
    ["another client id", () => signAlbToken(key, { client: "other-client" })],
    ["another issuer", () => signAlbToken(key, { iss: "https://evil.example.com" })],
    ["a missing header", () => undefined],
    ["garbage", () => "not-a-jwt"],
    ...eventSources().flatMap((source): [string, () => string][] => {
      const sample = source.samples.albForeignToken;
      return sample
        ? [
            [
              `the real token in ${source.label} (other ALB, expired)`,
              () => load(source, sample.file).headers["x-amzn-oidc-data"],
            ],
          ]
        : [];
    }),
  ];
  for (const [what, token] of rejected) {
    it(`rejects ${what} with 401`, async () => {
      await rejects401(principal(token()));
    });
  }

  it("rejects a validly signed token without a numeric exp", async () => {
    for (const exp of [undefined, "9999999999"]) {
      const token = signAlbToken(key, { claims: { exp } });
      await rejects401(principal(token));
    }
  });

  it("checks signer and client before fetching any key", async () => {
    const { fetcher, verifier } = newVerifier();
    await rejects401(
      principal(
        signAlbToken(albKey(), {
          signer: "arn:aws:elasticloadbalancing:us-east-1:999999999999:loadbalancer/app/evil/0000000000000000",
        }),
        verifier,
      ),
    );
    await rejects401(principal(signAlbToken(albKey(), { client: "other-client" }), verifier));
    assert.equal(fetcher.calls, 0);
  });

  it("remembers a failed key look-up, so a replayed unknown kid costs one fetch", async () => {
    const { fetcher, verifier } = newVerifier();
    const unknown = signAlbToken(albKey());
    for (let i = 0; i < 5; i++) await rejects401(principal(unknown, verifier));
    assert.equal(fetcher.calls, 1);
  });

  it(
    "keeps our key however many other valid kids arrive, and fetches unknown kids only at a bounded " + "rate",
    async () => {
      // given an endpoint that also serves other load balancers' keys (it is shared by every account)
      const others = Array.from({ length: 20 }, () => albKey());
      const fetcher = memoryKeyFetcher([key, ...others]);
      const verifier = createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher });
      await principal(signAlbToken(key), verifier);
      // when tokens claiming our signer arrive under 20 other kids (an attacker holds none of those private keys)
      const attacker = albKey();
      for (const other of others)
        await rejects401(principal(signAlbToken({ kid: other.kid, privateKey: attacker.privateKey }), verifier));
      const afterFlood = fetcher.calls;
      // then our key is still cached, and the flood cost at most the per-minute allowance of fetches
      await principal(signAlbToken(key, { sub: USER_B }), verifier);
      assert.equal(fetcher.calls, afterFlood, "no re-fetch of our key");
      assert.ok(afterFlood <= 1 + 10, `at most 10 unknown-kid fetches a minute, saw ${afterFlood - 1}`);
    },
  );

  it("rejects ALB headers without the signed data, even with x-amzn-oidc-identity", async () => {
    const e = albEvent({
      method: "GET",
      path: "/me",
      headers: { "x-amzn-oidc-identity": USER_A, "x-amzn-oidc-accesstoken": "t" },
    });
    await rejects401(principalOf(normalize(e), envFor("alb-oidc"), { identity: newVerifier().verifier }));
  });

  it("touches no storage when the identity is bad", async () => {
    const store = forbiddenStore();
    const handle = handlerFor("alb-oidc", undefined as any, { alb: newVerifier().verifier, store });
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await handle(
        albEvent(
          { method, path: "/notes", body: method === "POST" ? { title: "t", content: "c" } : undefined },
          signAlbToken(key, {
            signer: "arn:aws:elasticloadbalancing:us-east-1:999999999999:loadbalancer/app/evil/0000000000000000",
          }),
        ),
      );
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys(res.body), ["message"]);
    }
    assert.deepEqual(store.calls, []);
  });

  describe("groups, with the stack's own user pool", () => {
    // Cognito's user info (what x-amzn-oidc-data carries) has attributes only, no groups; the ALB
    // forwards the access token, which has them.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
    const poolKey = rsaKey();
    let pool: Awaited<ReturnType<typeof jwksServer>>;
    before(async () => {
      pool = await jwksServer([poolKey]);
    });
    after(() => pool.close());

    const now = () => Math.floor(Date.now() / 1000);
    const accessToken = (claims: Record<string, unknown> = {}, key = poolKey) =>
      signJwt(key, {
        sub: USER_A,
        iss: pool.issuer,
        client_id: ALB_CLIENT,
        token_use: "access",
        scope: "openid",
        "cognito:groups": ["admins"],
        iat: now(),
        exp: now() + 600,
        ...claims,
      });
    /**
     * The door as init builds it for a stack whose ALB signs in with the stack's pool; the ALB header key is the
     * test's.
     */
    const asAlb = async (headers: Record<string, string>, dataClaims: Record<string, unknown> = {}) => {
      const env = envFor("alb-oidc", { COGNITO_ISSUER: pool.issuer, ALB_ISSUER: pool.issuer });
      const state = {
        ...albOidcDoor.init!(env.door as any, env),
        identity: createAlbVerifier({
          albArn: ALB_ARN,
          issuer: pool.issuer,
          clientId: ALB_CLIENT,
          fetcher: memoryKeyFetcher([key]),
        }),
      };
      const event = albEvent(
        { method: "GET", path: "/me", headers },
        signAlbToken(key, { iss: pool.issuer, claims: dataClaims }),
      );
      return principalOf(normalize(event), env, state);
    };

    it(
      "given an admin's access token forwarded by the ALB, then the user is admin (groups from the " +
        "verified token)",
      async () => {
        const p = await asAlb({ "x-amzn-oidc-accesstoken": accessToken() });
        assert.deepEqual(
          { id: p.id, groups: p.groups, isAdmin: p.isAdmin },
          { id: USER_A, groups: ["admins"], isAdmin: true },
        );
      },
    );

    const ignored: [string, () => string | undefined][] = [
      ["no access token", () => undefined],
      ["another user's token", () => accessToken({ sub: USER_B })],
      ["a token for another app client", () => accessToken({ client_id: "other-client" })],
      ["an ID token", () => accessToken({ token_use: "id", aud: ALB_CLIENT })],
      ["an expired token", () => accessToken({ exp: now() - 60 })],
      [
        "a token of another issuer",
        () => accessToken({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" }),
      ],
      ["a token signed by a key the pool does not publish", () => accessToken({}, rsaKey(poolKey.kid))],
      ["garbage", () => "not-a-jwt"],
    ];
    for (const [what, token] of ignored) {
      it(`given ${what}, then the user is served without groups (never admin, never refused)`, async () => {
        const t = token();
        const p = await asAlb(t === undefined ? {} : { "x-amzn-oidc-accesstoken": t });
        assert.deepEqual(
          { id: p.id, groups: p.groups, isAdmin: p.isAdmin },
          { id: USER_A, groups: [], isAdmin: false },
        );
      });
    }

    it("ignores cognito:groups in the user-info claims (Cognito never puts them there)", async () => {
      const p = await asAlb({}, { "cognito:groups": ["admins"] });
      assert.equal(p.isAdmin, false);
    });

    it(
      "with an external IdP and no groupsClaim, takes groups from its user-info cognito:groups, never " +
        "makes an admin of them, and builds no pool verifier",
      async () => {
        const env = envFor("alb-oidc", { ALB_ISSUER: "https://idp.example.com" });
        assert.equal(albOidcDoor.init!(env.door as any, env).accessToken, undefined);
        const external = createAlbVerifier({
          albArn: ALB_ARN,
          issuer: "https://idp.example.com",
          clientId: ALB_CLIENT,
          fetcher: memoryKeyFetcher([key]),
        });
        const event = albEvent(
          { method: "GET", path: "/me" },
          signAlbToken(key, {
            iss: "https://idp.example.com",
            sub: "ext-user",
            claims: { "cognito:groups": ["admins"] },
          }),
        );
        const p = await principalOf(normalize(event), env, { identity: external });
        assert.deepEqual(
          { id: p.id, groups: p.groups, isAdmin: p.isAdmin },
          { id: "oidc:ext-user", groups: ["admins"], isAdmin: false },
        );
      },
    );
  });

  describe("groups, with an external IdP's groups claim (groupsClaim)", () => {
    // Okta's user info carries `groups` when the app's groups claim is set; the ALB passes the
    // user-info claims in x-amzn-oidc-data (listener-authenticate-users.html#user-claims-encoding).
    const OKTA = "https://dev-123456.okta.com/oauth2/default";
    const asOktaUser = async (env: Record<string, string>, claims: Record<string, unknown>) => {
      const external = createAlbVerifier({
        albArn: ALB_ARN,
        issuer: OKTA,
        clientId: ALB_CLIENT,
        fetcher: memoryKeyFetcher([key]),
      });
      const event = albEvent(
        { method: "GET", path: "/me" },
        signAlbToken(key, { iss: OKTA, sub: "00u1b2c3d4", claims }),
      );
      return principalOf(normalize(event), envFor("alb-oidc", { ALB_ISSUER: OKTA, ...env }), { identity: external });
    };

    it("given an Okta user with groups [admins] and groupsClaim=groups, then the user is admin", async () => {
      const p = await asOktaUser({ GROUPS_CLAIM: "groups" }, { groups: ["admins", "Everyone"] });
      assert.deepEqual(
        { id: p.id, groups: p.groups, isAdmin: p.isAdmin },
        { id: "oidc:00u1b2c3d4", groups: ["admins", "Everyone"], isAdmin: true },
      );
    });

    it("given the same user and no groupsClaim, then the user is not admin and has no groups", async () => {
      const p = await asOktaUser({}, { groups: ["admins", "Everyone"] });
      assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: [], isAdmin: false });
    });

    it("reads a dotted path (Keycloak's realm_access.roles)", async () => {
      const p = await asOktaUser(
        { GROUPS_CLAIM: "realm_access.roles" },
        { realm_access: { roles: ["pro", "offline_access"] } },
      );
      assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["pro", "offline_access"], isAdmin: false });
    });
  });
});
