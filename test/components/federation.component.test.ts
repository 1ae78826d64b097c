import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { UserDirectory } from "../../components/userDirectory";
import { RecordedResource } from "../../offline/mocks";
import { all, buildAlone, only } from "./alone";
import { unsecret } from "../support/stack";

const IDP = "aws:cognito/identityProvider:IdentityProvider";
const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";

describe("UserDirectory with identity providers, built alone", function () {
  let resources: RecordedResource[];
  before(async () => {
    // given a directory federating Google and a corporate OIDC IdP that sends groups, with its own token lifetimes,
    // and a door's login client added to it
    resources = await buildAlone(() => {
      const users = new UserDirectory("users", {
        adminGroup: "admins",
        domainPrefix: "notes-federated",
        selfSignUp: true,
        plan: "LITE",
        federation: {
          providers: [
            {
              name: "Google",
              type: "Google",
              settings: { clientId: "123.apps.googleusercontent.com" },
              attributeMapping: { email: "email" },
            },
            {
              name: "Corp",
              type: "OIDC",
              settings: { clientId: "notes", issuer: "https://login.example.com" },
              attributeMapping: { email: "email", name: "name" },
              groupsClaim: "groups",
            },
          ],
          secrets: pulumi.secret(JSON.stringify({ Google: "g-secret", Corp: "c-secret" })),
        },
        tokens: { idTokenValidity: 15, accessTokenValidity: 10, refreshTokenValidity: 7, refreshTokenRotation: true },
      });
      users.addSignInClient(
        "door-alb-client",
        { generateSecret: true, allowedOauthFlows: ["code"], callbackUrls: ["https://notes.example.com/cb"] },
        { parent: users },
      );
      users.seal();
    });
  });

  it("when built, then the pool has one IdentityProvider per provider, of its type and name", () => {
    const pool = only(resources, "aws:cognito/userPool:UserPool");
    const idps = all(resources, IDP);
    assert.deepEqual(
      idps.map((r) => [r.name, r.inputs.providerName, r.inputs.providerType, r.inputs.userPoolId]),
      [
        ["users-idp-Google", "Google", "Google", pool.state.id],
        ["users-idp-Corp", "Corp", "OIDC", pool.state.id],
      ],
    );
  });

  it("when built, then providerDetails are as CreateIdentityProvider names them, and secret (they hold one)", () => {
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
    // (Pulumi sends an input that holds a secret as a secret whole: the state never shows client_secret in plain.)
    const google = unsecret(only(resources, IDP, "users-idp-Google").inputs.providerDetails);
    const corp = unsecret(only(resources, IDP, "users-idp-Corp").inputs.providerDetails);
    assert.deepEqual(google, {
      secret: true,
      value: {
        client_id: "123.apps.googleusercontent.com",
        authorize_scopes: "openid email profile",
        client_secret: "g-secret",
      },
    });
    assert.deepEqual(corp, {
      secret: true,
      value: {
        client_id: "notes",
        authorize_scopes: "openid email profile",
        client_secret: "c-secret",
        oidc_issuer: "https://login.example.com",
        attributes_request_method: "GET",
      },
    });
  });

  it("when built, then each maps email, and the OIDC IdP's groups claim lands in custom:idp_groups", () => {
    assert.deepEqual(only(resources, IDP, "users-idp-Google").inputs.attributeMapping, { email: "email" });
    assert.deepEqual(only(resources, IDP, "users-idp-Corp").inputs.attributeMapping, {
      email: "email",
      name: "name",
      "custom:idp_groups": "groups",
    });
    // a mapped attribute must be mutable: Cognito rewrites it at each federated sign-in
    assert.deepEqual(only(resources, "aws:cognito/userPool:UserPool").inputs.schemas, [
      {
        name: "idp_groups",
        attributeDataType: "String",
        mutable: true,
        developerOnlyAttribute: false,
        stringAttributeConstraints: { minLength: "0", maxLength: "2048" },
      },
    ]);
  });

  it("when built, then every client that signs people in lists COGNITO and the providers, after them", () => {
    const idpUrns = all(resources, IDP).map((r) => r.urn);
    const clients = all(resources, CLIENT);
    assert.deepEqual(clients.map((c) => c.name).sort(), ["door-alb-client", "users-spa"]);
    for (const c of clients) {
      assert.deepEqual(c.inputs.supportedIdentityProviders, ["COGNITO", "Google", "Corp"], c.name);
      for (const urn of idpUrns) assert.ok(c.dependencies.includes(urn), `${c.name} depends on ${urn}`);
    }
  });

  it("when built, then the clients take the token lifetimes in Cognito's units, and rotate refresh tokens", () => {
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
    for (const c of all(resources, CLIENT)) {
      const { idTokenValidity, accessTokenValidity, refreshTokenValidity, tokenValidityUnits, refreshTokenRotation } =
        c.inputs;
      assert.deepEqual(
        { idTokenValidity, accessTokenValidity, refreshTokenValidity, tokenValidityUnits, refreshTokenRotation },
        {
          idTokenValidity: 15,
          accessTokenValidity: 10,
          refreshTokenValidity: 7,
          tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
          refreshTokenRotation: { feature: "ENABLED" },
        },
        c.name,
      );
    }
  });

  it("when built, then the providers are the directory's own children: their URNs name the directory, no door", () => {
    const directory = only(resources, "notes-auth:users:UserDirectory");
    for (const r of all(resources, IDP)) {
      assert.equal(r.parent, directory.urn, r.name);
      assert.equal(
        r.urn,
        `urn:pulumi:component::notes-auth::notes-auth:users:UserDirectory$${IDP}::${r.name}`,
        "a URN of the directory's type and the provider's name alone",
      );
    }
  });
});
