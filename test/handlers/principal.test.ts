import * as assert from "assert";
import {
  BearerIdentity,
  bearerPrincipal,
  claimAt,
  groupsFromHttpApiClaim,
  groupsFromTokenClaim,
  isCognitoSub,
} from "../../handlers/principal";

const POOL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Notes1234";
const SUB = "11111111-1111-4111-8111-111111111111";
const RULE = { cognitoIssuer: POOL, adminGroup: "admins", adminScope: "notes/admin" };
const user = (extra: Partial<BearerIdentity> = {}): BearerIdentity => ({
  sub: SUB,
  iss: POOL,
  clientId: "spa",
  username: "alice",
  groups: [],
  scopes: [],
  ...extra,
});

/** The one rule every door that sees bearer tokens (http-jwt, lambda-authorizer) derives its principal by. */
describe("bearerPrincipal: the caller of a verified bearer token", () => {
  it(
    "given a user of our pool, then their Cognito sub; admin only by the admin group, never by the scope " + "alone",
    () => {
      assert.deepEqual(bearerPrincipal(user(), "http-jwt", RULE), {
        id: SUB,
        kind: "user",
        door: "http-jwt",
        groups: [],
        scopes: [],
        isAdmin: false,
      });
      assert.equal(
        bearerPrincipal(user({ scopes: ["notes/admin"] }), "http-jwt", RULE)!.isAdmin,
        false,
        "any SPA user may ask for the scope",
      );
      assert.equal(bearerPrincipal(user({ groups: ["admins"] }), "http-jwt", RULE)!.isAdmin, true);
    },
  );

  it(
    "given a user of our pool whose sub is not a Cognito UUID, then no principal (it could name another " +
      "partition)",
    () => {
      assert.equal(bearerPrincipal(user({ sub: "client:spa" }), "http-jwt", RULE), undefined);
    },
  );

  it(
    "given a client-credentials token (sub is the client, no username), then the machine client:<id>, admin " +
      "by scope",
    () => {
      const machine = bearerPrincipal(
        user({ sub: "m2m", clientId: "m2m", username: undefined, scopes: ["notes/admin"] }),
        "http-jwt",
        RULE,
      )!;
      assert.deepEqual(
        { id: machine.id, kind: machine.kind, isAdmin: machine.isAdmin },
        { id: "client:m2m", kind: "machine", isAdmin: true },
      );
    },
  );

  it("given another issuer's user, then oidc:<sub>, admin by scope", () => {
    const other = bearerPrincipal(
      user({ iss: "https://login.example.com/", sub: "auth0|42", clientId: undefined, scopes: ["notes/admin"] }),
      "lambda-authorizer",
      RULE,
    )!;
    assert.deepEqual(
      { id: other.id, kind: other.kind, isAdmin: other.isAdmin },
      { id: "oidc:auth0|42", kind: "user", isAdmin: true },
    );
  });

  it("given no issuer (no verifier passes such a token), then no principal, whatever its scopes", () => {
    assert.equal(bearerPrincipal(user({ iss: undefined, scopes: ["notes/admin"] }), "http-jwt", RULE), undefined);
    assert.equal(bearerPrincipal(user({ iss: "", scopes: ["notes/admin"] }), "http-jwt", RULE), undefined);
  });
});

describe("groups and subs as tokens and gateways carry them", () => {
  it("reads cognito:groups from a token's JSON exactly, a single string as one group", () => {
    assert.deepEqual(groupsFromTokenClaim(["team,admins", "pro", 3, ""]), ["team,admins", "pro"]);
    assert.deepEqual(groupsFromTokenClaim("admins"), ["admins"]);
  });
  it("reads the HTTP API's rendering of an array claim ([a b]), commas staying part of a name", () => {
    assert.deepEqual(groupsFromHttpApiClaim("[admins pro]"), ["admins", "pro"]);
    assert.deepEqual(groupsFromHttpApiClaim("[team,admins]"), ["team,admins"]);
  });
  it("takes only UUIDs as Cognito subs", () => {
    assert.ok(isCognitoSub(SUB) && isCognitoSub("a11ce000-0000-4000-8000-00000000a11c"));
    assert.ok(
      !isCognitoSub("apikey:x") && !isCognitoSub("A11CE000-0000-4000-8000-00000000A11C") && !isCognitoSub(`${SUB}x`),
    );
  });
});

describe("an external issuer's groups claim (groupsClaim)", () => {
  const OKTA = "https://dev-123456.okta.com/oauth2/default";
  const external = (groups: string[], scopes: string[] = []) =>
    user({ sub: "00u1b2c3d4", iss: OKTA, clientId: undefined, username: undefined, groups, scopes });

  it("reads a claim by its whole name first (namespaced names hold dots), else by dotted path", () => {
    const claims = { groups: ["a"], "https://example.com/roles": ["r"], realm_access: { roles: ["k"] }, deep: ["x"] };
    assert.deepEqual(claimAt(claims, "groups"), ["a"]);
    assert.deepEqual(claimAt(claims, "https://example.com/roles"), ["r"]);
    assert.deepEqual(claimAt(claims, "realm_access.roles"), ["k"]);
    assert.equal(claimAt(claims, "deep.roles"), undefined, "an array is not an object to descend into");
    assert.equal(claimAt(claims, "constructor"), undefined, "never an inherited property");
  });

  it(
    "given externalGroups (the claim was named), then another issuer's user in the admin group is admin; " +
      "without it, only the admin scope makes one",
    () => {
      assert.equal(
        bearerPrincipal(external(["admins"]), "lambda-authorizer", { ...RULE, externalGroups: true })!.isAdmin,
        true,
      );
      assert.equal(bearerPrincipal(external(["admins"]), "lambda-authorizer", RULE)!.isAdmin, false);
      assert.equal(
        bearerPrincipal(external([], ["notes/admin"]), "lambda-authorizer", RULE)!.isAdmin,
        true,
        "the admin scope rule stays",
      );
    },
  );
});
