import * as assert from "assert";
import { providerDetails } from "../../awsRules/federation";

describe("identity providers (awsRules/federation.ts)", () => {
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
});
