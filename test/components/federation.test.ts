import * as assert from "assert";
import { ConfigError, DEFAULT_TOKEN_LIFETIMES } from "../../components/config";
import { keepsUserPool, parseStackConfig } from "../../components/resolvedConfig";
import { PROVIDER_TYPES, providerDetails } from "../../awsRules/federation";

const lookup = (values: Record<string, unknown>) => (key: string) => {
  const v = values[key];
  return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};
const parse = (values: Record<string, unknown>) => parseStackConfig(lookup({ authMode: "http-jwt", ...values }));

/** The refusal names `key` (notes-auth:<key>) and says each of `mentions`. */
const fails = (values: Record<string, unknown>, key: string, ...mentions: string[]) =>
  assert.throws(
    () => parse(values),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.key, key, err.message);
      assert.ok(err.message.startsWith(`notes-auth:${key} `), err.message);
      for (const m of mentions) assert.ok(err.message.includes(m), `"${m}" in: ${err.message}`);
      return true;
    },
  );

const google = {
  name: "Google",
  type: "Google",
  settings: { clientId: "123.apps.googleusercontent.com" },
  attributeMapping: { email: "email" },
};
const corp = {
  name: "Corp",
  type: "OIDC",
  settings: { clientId: "notes", issuer: "https://login.example.com" },
  attributeMapping: { email: "email", name: "name" },
  groupsClaim: "groups",
};
const secrets = JSON.stringify({ Google: "g-secret", Corp: "c-secret" });
const both = { identityProviders: [google, corp], identityProviderSecrets: secrets };
/** The http-jwt door verifying an outside issuer directly: no door uses the pool. */
const external = { jwtIssuer: "https://login.example.com", jwtAudiences: ["notes"] };

describe("identity providers on the user pool (config)", () => {
  it("given none, then the stack federates nothing and keeps today's token lifetimes", () => {
    const { stack } = parse({});
    assert.deepEqual(stack.federation, { providers: [] });
    assert.deepEqual(stack.tokens, DEFAULT_TOKEN_LIFETIMES);
    assert.deepEqual(DEFAULT_TOKEN_LIFETIMES, {
      idTokenValidity: 60,
      accessTokenValidity: 60,
      refreshTokenValidity: 30,
      refreshTokenRotation: false,
    });
  });

  it("given a Google and an OIDC provider with secrets, then both are read, the secrets by the secret reader", () => {
    const asked: string[] = [];
    const cfg = parseStackConfig(lookup({ authMode: "cognito", apiGatewayAccountRole: true, ...both }), (key) => {
      asked.push(key);
      return `secret:${key}`;
    });
    assert.deepEqual(cfg.stack.federation.providers, [
      { ...google, settings: { clientId: "123.apps.googleusercontent.com" } },
      corp,
    ]);
    assert.deepEqual(asked, ["identityProviderSecrets"]);
    assert.equal(cfg.stack.federation.secrets, "secret:identityProviderSecrets");
  });

  describe("refuses, naming the key and what is allowed, before any resource", () => {
    it("a value that is not a list of objects", () =>
      fails({ identityProviders: ["Google"] }, "identityProviders", "list of objects", "--path"));
    it("an unknown type, listing the types", () =>
      fails(
        { identityProviders: [{ ...google, type: "GitHub" }] },
        "identityProviders[0].type",
        '"GitHub"',
        ...PROVIDER_TYPES,
      ));
    it("a provider without a name", () =>
      fails({ identityProviders: [{ ...corp, name: undefined }] }, "identityProviders[0].name", "is required"));
    it("a name Cognito refuses: too long, a space, an underscore first, COGNITO", () => {
      // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
      fails({ identityProviders: [{ ...corp, name: "C".repeat(33) }] }, "identityProviders[0].name", "at most 32");
      for (const name of ["Corp SSO", "_corp", "ab", "cognito"])
        fails({ identityProviders: [{ ...corp, name }] }, "identityProviders[0].name", `"${name}"`);
    });
    it("a social provider not named after its type, and another named like a social one", () => {
      fails({ identityProviders: [{ ...google, name: "Gmail" }] }, "identityProviders[0].name", "named Google");
      fails({ identityProviders: [{ ...corp, name: "Facebook" }] }, "identityProviders[0].name", "social");
    });
    it("two providers of one name (Cognito's names are case-insensitive here)", () =>
      fails(
        { identityProviders: [corp, { ...corp, name: "CORP" }], identityProviderSecrets: secrets },
        "identityProviders[1].name",
        "earlier provider",
      ));
    it("a missing setting its type needs, per type", () => {
      fails({ identityProviders: [{ ...corp, settings: { clientId: "x" } }] }, "identityProviders[0].settings.issuer");
      fails(
        {
          identityProviders: [
            { ...google, name: "SignInWithApple", type: "SignInWithApple", settings: { clientId: "x", teamId: "T" } },
          ],
        },
        "identityProviders[0].settings.keyId",
        "is required",
      );
      fails(
        { identityProviders: [{ ...corp, type: "SAML", settings: {} }] },
        "identityProviders[0].settings.metadataUrl",
      );
    });
    it("a setting the type does not take, and a misspelt one", () => {
      fails(
        { identityProviders: [{ ...google, settings: { clientId: "x", issuer: "https://a.example.com" } }] },
        "identityProviders[0].settings.issuer",
        "not a setting of a Google provider",
      );
      fails(
        { identityProviders: [{ ...google, settings: { clientID: "x" } }] },
        "identityProviders[0].settings.clientID",
        "clientId",
      );
    });
    it("an issuer or metadata URL that is not https", () =>
      fails(
        { identityProviders: [{ ...corp, settings: { clientId: "x", issuer: "http://login.example.com" } }] },
        "identityProviders[0].settings.issuer",
        "https://",
      ));
    it("a mapping without email, and a mapping onto the groups attribute", () => {
      fails(
        { identityProviders: [{ ...google, attributeMapping: { name: "name" } }] },
        "identityProviders[0].attributeMapping",
        "email",
      );
      fails(
        { identityProviders: [{ ...corp, attributeMapping: { email: "email", "custom:idp_groups": "groups" } }] },
        "identityProviders[0].attributeMapping.custom:idp_groups",
        "groupsClaim",
      );
    });
    it("a groups claim on a provider that sends no groups", () =>
      fails(
        { identityProviders: [{ ...google, groupsClaim: "groups" }] },
        "identityProviders[0].groupsClaim",
        "OIDC and SAML",
      ));
    it("a secret written in plain text inside the list", () =>
      fails(
        { identityProviders: [{ ...google, settings: { clientId: "x", clientSecret: "s" } }] },
        "identityProviders[0].settings.clientSecret",
        "identityProviderSecrets",
        "--secret",
      ));
    it("a provider without its secret, a secret of no provider, and a SAML provider's secret", () => {
      fails(
        { identityProviders: [google, corp], identityProviderSecrets: '{"Google":"g"}' },
        "identityProviderSecrets",
        '"Corp"',
        "client_secret",
      );
      fails({ identityProviders: [google] }, "identityProviderSecrets", '"Google"');
      fails(
        { identityProviders: [google], identityProviderSecrets: '{"Google":"g","Okta":"o"}' },
        "identityProviderSecrets",
        '"Okta"',
      );
      const saml = { ...corp, type: "SAML", settings: { metadataUrl: "https://idp.example.com/metadata" } };
      fails({ identityProviders: [saml], identityProviderSecrets: '{"Corp":"c"}' }, "identityProviderSecrets", "SAML");
      fails({ identityProviderSecrets: "not json" }, "identityProviderSecrets", "JSON object");
    });
    it("providers when the pool is removed (keepUserPool false and no door uses it)", () =>
      fails({ ...both, ...external, keepUserPool: false }, "identityProviders", "keepUserPool", "jwtIssuer"));
  });

  describe("providerDetails, as CreateIdentityProvider names them", () => {
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
    it("given Sign in with Apple, then its team, key and private key, no client secret", () =>
      assert.deepEqual(
        providerDetails("SignInWithApple", { clientId: "com.example.notes", teamId: "T1", keyId: "K1" }, "pem"),
        {
          client_id: "com.example.notes",
          authorize_scopes: "email name",
          private_key: "pem",
          team_id: "T1",
          key_id: "K1",
        },
      ));
    it("given SAML, then its metadata URL alone (no client, no scopes, no secret)", () =>
      assert.deepEqual(providerDetails("SAML", { metadataUrl: "https://idp.example.com/metadata" }, undefined), {
        MetadataURL: "https://idp.example.com/metadata",
      }));
    it("given scopes, then they replace the type's default", () =>
      assert.equal(
        providerDetails("Google", { clientId: "c", scopes: "openid email" }, "s").authorize_scopes,
        "openid email",
      ));
  });

  describe("token lifetimes", () => {
    it("reads each within Cognito's bounds (CreateUserPoolClient: 5 minutes to 1 day; refresh 1 to 3650 days)", () => {
      const { stack } = parse({
        idTokenValidity: 5,
        accessTokenValidity: 1440,
        refreshTokenValidity: 3650,
        refreshTokenRotation: true,
      });
      assert.deepEqual(stack.tokens, {
        idTokenValidity: 5,
        accessTokenValidity: 1440,
        refreshTokenValidity: 3650,
        refreshTokenRotation: true,
      });
    });
    it("refuses a lifetime outside them, naming the key and the range", () => {
      fails({ idTokenValidity: 4 }, "idTokenValidity", "5 to 1440");
      fails({ accessTokenValidity: 1441 }, "accessTokenValidity", "5 to 1440");
      fails({ refreshTokenValidity: 0 }, "refreshTokenValidity", "1 to 3650");
      fails({ refreshTokenValidity: 3651 }, "refreshTokenValidity", "1 to 3650");
    });
  });

  describe("the user pool is kept", () => {
    it("given a door verifying an outside issuer directly, then the pool is kept unless keepUserPool is false", () => {
      assert.equal(keepsUserPool(parse(external)), true);
      assert.equal(keepsUserPool(parse({ ...external, keepUserPool: false })), false);
    });
    it("given a door that signs users in with the pool, then it is kept even with keepUserPool false", () =>
      assert.equal(keepsUserPool(parse({ keepUserPool: false })), true));
  });
});
