import * as assert from "assert";
import { ConfigError } from "../../components/config";
import { parseStackConfig } from "../../components/resolvedConfig";

const lookup = (values: Record<string, unknown>) => (key: string) => {
  const v = values[key];
  return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};
const corp = {
  name: "Corp",
  type: "OIDC",
  settings: { clientId: "notes", issuer: "https://login.example.com" },
  attributeMapping: { email: "email" },
  groupsClaim: "groups",
};
/** The http-jwt door (its minimal config is empty) with Corp and the given provider fields. */
const withCorp = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  authMode: "http-jwt",
  identityProviders: [{ ...corp, ...fields }],
  identityProviderSecrets: '{"Corp":"c"}',
  ...extra,
});
const parse = (values: Record<string, unknown>) => parseStackConfig(lookup(values));
const fails = (values: Record<string, unknown>, key: string, ...mentions: string[]) =>
  assert.throws(
    () => parse(values),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.key, key);
      for (const m of mentions) assert.ok(err.message.includes(m), `"${m}" in: ${err.message}`);
      return true;
    },
  );

describe("identityProviders[].groupMapping (IdP group -> pool group)", () => {
  it("given a mapping onto the admin group and a tier's group, then it is read as given", () => {
    const { stack } = parse(withCorp({ groupMapping: { "corp-admins": "admins", "corp-pro": "pro" } }));
    assert.deepEqual(stack.federation.providers[0].groupMapping, { "corp-admins": "admins", "corp-pro": "pro" });
  });

  it("given none, then the provider has no mapping (and the stack no trigger)", () => {
    assert.equal(parse(withCorp({})).stack.federation.providers[0].groupMapping, undefined);
  });

  it("given a target the stack's pool lacks, then it is refused naming the field and the groups there are", () =>
    fails(
      withCorp({ groupMapping: { "corp-admins": "root" } }),
      "identityProviders[0].groupMapping.corp-admins",
      '"root"',
      "admins",
      "pro",
    ));

  it("given a renamed admin group, then the old name is no target and the new one is", () => {
    fails(
      withCorp({ groupMapping: { x: "admins" } }, { adminGroup: "operators" }),
      "identityProviders[0].groupMapping.x",
    );
    assert.ok(parse(withCorp({ groupMapping: { x: "operators" } }, { adminGroup: "operators" })));
  });

  it("given a tier group of authorizerPlans, then it is a target", () => {
    const plans = [
      "name=free,rate=5,burst=10,quota=100,period=DAY",
      "name=gold,group=gold,rate=50,burst=100,quota=1000,period=DAY",
    ];
    assert.ok(parse(withCorp({ groupMapping: { "corp-gold": "gold" } }, { authorizerPlans: plans })));
    fails(
      withCorp({ groupMapping: { "corp-pro": "pro" } }, { authorizerPlans: plans }),
      "identityProviders[0].groupMapping.corp-pro",
      "gold",
    );
  });

  it("given a mapping without groupsClaim (or on a social provider), then it is refused naming the field", () => {
    fails(
      withCorp({ groupsClaim: undefined, groupMapping: { a: "admins" } }),
      "identityProviders[0].groupMapping",
      "groupsClaim",
    );
    fails(
      {
        authMode: "http-jwt",
        identityProviders: [
          {
            name: "Google",
            type: "Google",
            settings: { clientId: "x" },
            attributeMapping: { email: "email" },
            groupMapping: { a: "admins" },
          },
        ],
        identityProviderSecrets: '{"Google":"g"}',
      },
      "identityProviders[0].groupMapping",
      "groupsClaim",
    );
  });

  it("given an empty mapping, an IdP group with a comma, or a target Cognito refuses, then each is refused", () => {
    fails(withCorp({ groupMapping: {} }), "identityProviders[0].groupMapping", "corp-admins");
    fails(withCorp({ groupMapping: { "a,b": "admins" } }), "identityProviders[0].groupMapping.a,b", "commas");
    fails(withCorp({ groupMapping: { a: "two words" } }), "identityProviders[0].groupMapping.a");
    fails(withCorp({ groupMapping: { a: 7 } }), "identityProviders[0].groupMapping.a");
  });
});
