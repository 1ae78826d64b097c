import * as assert from "assert";
import { createAuthorizer, UNAUTHORIZED } from "../../../handlers/authorizer/index";
import { readAuthorizerSettings } from "../../../handlers/contract/authorizer";
import { createTokenVerifier } from "../../../handlers/authorizer/verify";
import { keyFetcher } from "../../../handlers/http/keyFetcher";
import { idpStandIn, rsaKey } from "../../support/jwt";

const METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/GET/notes";
const ADMIN_ROUTE = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/v1/GET/admin/stats";
const now = () => Math.floor(Date.now() / 1000);
const event = (token: string) =>
  ({ type: "REQUEST", methodArn: METHOD_ARN, headers: { Authorization: `Bearer ${token}` } }) as any;
const isAdmin = (res: { policyDocument: { Statement: { Effect: string; Resource: string[] }[] } }) =>
  res.policyDocument.Statement.every((s) => s.Effect === "Allow") &&
  res.policyDocument.Statement[0].Resource.includes(ADMIN_ROUTE);

/**
 * External IdPs as they publish their keys: the issuer's OpenID Connect discovery document
 * (Discovery 1.0 §4: `<issuer>/.well-known/openid-configuration`) names `jwks_uri`, which is not
 * `<issuer>/.well-known/jwks.json` for any of them. Tokens are shaped like each IdP's own.
 * https://openid.net/specs/openid-connect-discovery-1_0.html
 */
interface Idp {
  name: string;
  issuer: string;
  jwksUri: string;
  audience: string;
  /** The groups claim an operator names for this IdP (groupsClaim). */
  groupsClaim: string;
  token: (groups: string[]) => Record<string, unknown>;
}

const IDPS: Idp[] = [
  {
    // https://developers.google.com/identity/openid-connect/openid-connect (discovery document, ID token: aud is the client id, azp)
    name: "Google",
    issuer: "https://accounts.google.com",
    jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
    audience: "1234567890-abc.apps.googleusercontent.com",
    groupsClaim: "groups",
    token: (groups) => ({
      iss: "https://accounts.google.com",
      sub: "110169484474386276334",
      aud: "1234567890-abc.apps.googleusercontent.com",
      azp: "1234567890-abc.apps.googleusercontent.com",
      email: "alice@example.com",
      email_verified: true,
      ...(groups.length ? { groups } : {}),
    }),
  },
  {
    // Okta custom authorization server: access tokens with aud api://default, cid and an scp array; keys at /v1/keys
    name: "Okta",
    issuer: "https://dev-123456.okta.com/oauth2/default",
    jwksUri: "https://dev-123456.okta.com/oauth2/default/v1/keys",
    audience: "api://default",
    groupsClaim: "groups",
    token: (groups) => ({
      ver: 1,
      jti: "AT.x",
      iss: "https://dev-123456.okta.com/oauth2/default",
      aud: "api://default",
      cid: "0oa1b2c3d4e5f6g7h8i9",
      uid: "00u1b2c3d4",
      sub: "alice@example.com",
      scp: ["openid", "notes/read"],
      groups,
    }),
  },
  {
    // Entra ID v2.0: issuer https://login.microsoftonline.com/<tenant>/v2.0, keys at /<tenant>/discovery/v2.0/keys; roles and groups
    name: "Entra ID",
    issuer: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
    jwksUri: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/discovery/v2.0/keys",
    audience: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
    groupsClaim: "roles",
    token: (groups) => ({
      ver: "2.0",
      iss: "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
      aud: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
      azp: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
      tid: "9188040d-6c67-4c5b-b112-36a304b66dad",
      oid: "00000000-0000-0000-66f3-3332eca7ea81",
      sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      scp: "notes.read",
      roles: groups,
      groups: ["6f1b2c3d-0000-4000-8000-000000000001"],
    }),
  },
  {
    // Keycloak realm: issuer https://<host>/realms/<realm>, keys at /protocol/openid-connect/certs; aud a list, azp, realm_access.roles
    name: "Keycloak",
    issuer: "https://sso.example.com/realms/notes",
    jwksUri: "https://sso.example.com/realms/notes/protocol/openid-connect/certs",
    audience: "notes-api",
    groupsClaim: "realm_access.roles",
    token: (groups) => ({
      iss: "https://sso.example.com/realms/notes",
      aud: ["notes-api", "account"],
      azp: "notes-spa",
      typ: "Bearer",
      sub: "f1e2d3c4-0000-4000-8000-00000000aaaa",
      preferred_username: "alice",
      scope: "openid email",
      realm_access: { roles: ["offline_access", ...groups] },
    }),
  },
];

const PLANS = JSON.stringify([
  { name: "free", key: "free-key" },
  { name: "pro", group: "pro", key: "pro-key" },
]);

describe(
  "the authorizer's token verifier with external IdPs (keys found by OpenID discovery, served " + "from loopback)",
  function () {
    const key = rsaKey();
    let jose: typeof import("jose");
    let idp: Awaited<ReturnType<typeof idpStandIn>>;
    const documents: Record<string, unknown> = {};
    for (const i of IDPS) {
      documents[`${i.issuer}/.well-known/openid-configuration`] = {
        issuer: i.issuer,
        jwks_uri: i.jwksUri,
        authorization_endpoint: `${i.issuer}/authorize`,
      };
      documents[i.jwksUri] = { keys: [key.jwk] };
    }
    const sign = (claims: Record<string, unknown>) =>
      new jose.SignJWT({ iat: now(), exp: now() + 300, ...claims })
        .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
        .sign(key.privateKey);
    const authorizerFor = (i: Pick<Idp, "issuer" | "audience">, extra: Record<string, string> = {}) => {
      const s = readAuthorizerSettings({
        AUTHORIZER_ISSUER: i.issuer,
        AUTHORIZER_AUDIENCES: i.audience,
        AUTHORIZER_TOKEN_USE: "any",
        ADMIN_GROUP: "admins",
        ADMIN_SCOPE: "notes/admin",
        AUTHORIZER_PLANS: PLANS,
        ...extra,
      });
      return createAuthorizer(s, createTokenVerifier(s, keyFetcher(3000, idp.send)));
    };
    const denied = (p: Promise<unknown>) => assert.rejects(p, (err: Error) => err.message === UNAUTHORIZED);

    before(async () => {
      jose = await import("jose");
      idp = await idpStandIn(documents);
    });
    after(() => idp.close());
    beforeEach(() => idp.fetched.splice(0));

    for (const i of IDPS) {
      it(
        `given ${i.name}'s discovery document, when its token arrives, then the keys come from its ` +
          `jwks_uri (${new URL(i.jwksUri).pathname}) and the user is oidc:<sub>`,
        async () => {
          const res = await authorizerFor(i)(event(await sign(i.token([]))));
          assert.equal(res.principalId, `oidc:${i.token([]).sub}`);
          assert.deepEqual(idp.fetched, [`${i.issuer}/.well-known/openid-configuration`, i.jwksUri]);
        },
      );
    }

    it("looks the jwks_uri up once per container: later tokens reuse it and the cached keys", async () => {
      const google = IDPS[0];
      const authorize = authorizerFor(google);
      for (let n = 0; n < 3; n++) await authorize(event(await sign(google.token([]))));
      assert.deepEqual(idp.fetched, [`${google.issuer}/.well-known/openid-configuration`, google.jwksUri]);
    });

    it(
      "refuses every token when the discovery document names another issuer (Discovery 1.0 §4.3: " +
        "identical), and fetches no keys",
      async () => {
        const issuer = "https://idp.example.com";
        documents[`${issuer}/.well-known/openid-configuration`] = {
          issuer: "https://evil.example.com",
          jwks_uri: "https://evil.example.com/keys",
        };
        documents["https://evil.example.com/keys"] = { keys: [key.jwk] };
        await denied(
          authorizerFor({ issuer, audience: "notes-api" })(
            event(await sign({ iss: issuer, sub: "u1", aud: "notes-api" })),
          ),
        );
        assert.deepEqual(idp.fetched, [`${issuer}/.well-known/openid-configuration`]);
      },
    );

    it(
      "keeps a trailing slash: the document is at the issuer without it, and its issuer must equal the " +
        "configured one, slash and all",
      async () => {
        const issuer = "https://tenant.example.auth0.com/";
        documents["https://tenant.example.auth0.com/.well-known/openid-configuration"] = {
          issuer,
          jwks_uri: "https://tenant.example.auth0.com/.well-known/jwks.json",
        };
        documents["https://tenant.example.auth0.com/.well-known/jwks.json"] = { keys: [key.jwk] };
        const res = await authorizerFor({ issuer, audience: "notes-api" })(
          event(await sign({ iss: issuer, sub: "auth0|42", aud: "notes-api" })),
        );
        assert.equal(res.principalId, "oidc:auth0|42");
      },
    );

    it("refuses a jwks_uri on plain http from an https issuer", async () => {
      const issuer = "https://plain.example.com";
      documents[`${issuer}/.well-known/openid-configuration`] = { issuer, jwks_uri: "http://plain.example.com/keys" };
      await denied(
        authorizerFor({ issuer, audience: "notes-api" })(
          event(await sign({ iss: issuer, sub: "u1", aud: "notes-api" })),
        ),
      );
      assert.ok(!idp.fetched.includes("http://plain.example.com/keys"));
    });

    it(
      "given a discovery endpoint that fails once, then the next token looks it up again (a failure is " +
        "not remembered)",
      async () => {
        const issuer = "https://flaky.example.com";
        const authorize = authorizerFor({ issuer, audience: "notes-api" });
        const token = await sign({ iss: issuer, sub: "u1", aud: "notes-api" });
        await denied(authorize(event(token)));
        documents[`${issuer}/.well-known/openid-configuration`] = { issuer, jwks_uri: `${issuer}/jwks` };
        documents[`${issuer}/jwks`] = { keys: [key.jwk] };
        assert.equal((await authorize(event(token))).principalId, "oidc:u1");
      },
    );

    it(
      "with authorizerJwksUri (AUTHORIZER_JWKS_URI) set, fetches the keys there and no discovery " + "document",
      async () => {
        const okta = IDPS[1];
        const res = await authorizerFor(okta, { AUTHORIZER_JWKS_URI: okta.jwksUri })(event(await sign(okta.token([]))));
        assert.equal(res.principalId, "oidc:alice@example.com");
        assert.deepEqual(idp.fetched, [okta.jwksUri]);
      },
    );

    it(
      "finds a Cognito pool's keys where AWS documents them (<issuer>/.well-known/jwks.json), without " + "discovery",
      async () => {
        const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
        documents[`${issuer}/.well-known/jwks.json`] = { keys: [key.jwk] };
        const res = await authorizerFor({ issuer, audience: "spaclient" })(
          event(
            await sign({
              iss: issuer,
              sub: "11111111-1111-4111-8111-111111111111",
              client_id: "spaclient",
              token_use: "access",
              username: "alice",
            }),
          ),
        );
        assert.equal(res.principalId, "oidc:11111111-1111-4111-8111-111111111111");
        assert.deepEqual(idp.fetched, [`${issuer}/.well-known/jwks.json`]);
      },
    );

    it(
      "takes the audience from aud (a string or a list) when the token has one: a client_id, azp or cid " +
        "never stands in for it (RFC 7519 §4.1.3)",
      async () => {
        const keycloak = IDPS[3];
        const authorize = authorizerFor({ issuer: keycloak.issuer, audience: "notes-spa" });
        // aud lists another API; the client that asked (azp, client_id) is ours: not for us
        await denied(authorize(event(await sign({ ...keycloak.token([]), aud: ["account"], client_id: "notes-spa" }))));
        // aud lists us among others: accepted
        assert.equal(
          (await authorize(event(await sign({ ...keycloak.token([]), aud: ["account", "notes-spa"] })))).principalId,
          `oidc:${keycloak.token([]).sub}`,
        );
      },
    );

    describe("groups of an external issuer (groupsClaim)", () => {
      for (const i of IDPS) {
        it(
          `given ${i.name}'s token with "admins" in ${i.groupsClaim} and groupsClaim=${i.groupsClaim}, ` +
            `then the user is admin and the pro tier matches`,
          async () => {
            const authorize = authorizerFor(i, { AUTHORIZER_GROUPS_CLAIM: i.groupsClaim });
            assert.ok(isAdmin(await authorize(event(await sign(i.token(["admins"]))))), "admin by the admin group");
            const pro = await authorize(event(await sign(i.token(["pro"]))));
            assert.ok(!isAdmin(pro));
            assert.equal(pro.usageIdentifierKey, "pro-key");
            assert.deepEqual(
              JSON.parse(String(pro.context.groups)).filter((g: string) => g === "pro"),
              ["pro"],
            );
          },
        );
      }

      it(
        "given an Okta token with groups [admins] and no groupsClaim, then the user is not admin and on " +
          "the default tier",
        async () => {
          const okta = IDPS[1];
          const res = await authorizerFor(okta)(event(await sign(okta.token(["admins", "pro"]))));
          assert.ok(!isAdmin(res));
          assert.equal(res.usageIdentifierKey, "free-key");
        },
      );

      it(
        "given no groupsClaim, an external token's cognito:groups never makes an admin nor picks a tier " +
          "(only its admin scope does make one)",
        async () => {
          const okta = IDPS[1];
          const authorize = authorizerFor(okta);
          assert.ok(!isAdmin(await authorize(event(await sign({ ...okta.token([]), "cognito:groups": ["admins"] })))));
          const claimed = await authorize(event(await sign({ ...okta.token([]), "cognito:groups": ["pro"] })));
          assert.equal(claimed.usageIdentifierKey, "free-key", "a foreign issuer's cognito:groups is no group");
          assert.deepEqual(JSON.parse(String(claimed.context.groups)), []);
          assert.ok(
            isAdmin(await authorize(event(await sign({ ...okta.token([]), scp: ["notes/admin"] })))),
            "Okta's scp carries the admin scope",
          );
        },
      );
    });
  },
);
