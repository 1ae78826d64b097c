import * as assert from "assert";
import { audienceMatches, hasAnyScope, scopesOf } from "../../../local/gateways/jwt";
import { gatewayClaimStrings as claimStrings } from "../../../awsRules/gatewayClaims";

describe("local gateways: JWT rules", () => {
  it(
    "given a Cognito access token (client_id, no aud), when the JWT authorizer checks the audience, then " +
      "client_id counts",
    () => {
      assert.ok(audienceMatches({ client_id: "spa" }, ["spa", "machine"]));
      assert.ok(audienceMatches({ aud: "spa" }, ["spa"]));
      assert.ok(!audienceMatches({ aud: "other", client_id: "spa" }, ["spa"]), "aud, when present, is what counts");
      assert.ok(!audienceMatches({}, ["spa"]));
    },
  );

  it("given a route's scopes, when the token holds one of them, then it passes; none, it does not", () => {
    assert.deepEqual(scopesOf({ scope: "openid notes/read" }), ["openid", "notes/read"]);
    assert.ok(hasAnyScope(["notes/read"], ["notes/read", "notes/write"]));
    assert.ok(!hasAnyScope(["openid"], ["notes/write"]));
  });

  it(
    "given verified claims, when passed to the integration, then every value is a string (REST dates and " +
      "comma-joined lists, HTTP epoch seconds)",
    () => {
      const claims = { sub: "u", exp: 1718722804, email_verified: true, "cognito:groups": ["a", "b"] };
      assert.deepEqual(claimStrings(claims, "rest"), {
        sub: "u",
        exp: "Tue Jun 18 15:00:04 UTC 2024",
        email_verified: "true",
        "cognito:groups": "a,b",
      });
      assert.equal(claimStrings(claims, "http").exp, "1718722804");
    },
  );
});
