import * as assert from "assert";
import {
  BearerIdentity,
  bearerPrincipal,
  claimAt,
  groupsFromHttpApiClaim,
  groupsFromTokenClaim,
  isCognitoSub,
  restClaimEpoch,
  sessionOf,
} from "../../handlers/principal";
import { readEnv } from "../../handlers/env";

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

describe("sign-in sessions from verified claims (revocation)", () => {
  const JTI = "0f6c1d1e-2222-4b3b-9c4c-5d6e7f8091a2";
  it("given a user token of our pool with origin_jti and exp, then its session, with the app client", () => {
    const p = bearerPrincipal(user({ originJti: JTI, exp: 1764046800, appClient: "spa" }), "http-jwt", RULE);
    assert.deepEqual(p?.session, { id: JTI, exp: 1764046800, clientId: "spa" });
  });
  it("given another issuer's user, a machine, or an origin_jti that is no UUID, then no session", () => {
    const other = bearerPrincipal(
      user({ iss: "https://login.example.com/", originJti: JTI, exp: 1764046800 }),
      "http-jwt",
      RULE,
    );
    assert.equal(other?.session, undefined);
    const machine = bearerPrincipal(
      { sub: "m2m", clientId: "m2m", iss: POOL, groups: [], scopes: [], originJti: JTI, exp: 1764046800 },
      "http-jwt",
      RULE,
    );
    assert.deepEqual([machine?.kind, machine?.session], ["machine", undefined]);
    assert.equal(sessionOf({ iss: POOL, originJti: "not-a-uuid", exp: 1 }, POOL), undefined);
    assert.equal(sessionOf({ iss: POOL, originJti: JTI, exp: 1 }, undefined), undefined, "no pool, no session");
  });
  it("given a user token of our pool whose exp could not be read, then its session all the same (no exp)", () => {
    assert.deepEqual(sessionOf({ iss: POOL, originJti: JTI, clientId: "spa" }, POOL), { id: JTI, clientId: "spa" });
  });
  it("reads the REST authorizer's exp as Java prints a date, or digits; anything else is no time", () => {
    assert.equal(restClaimEpoch("Tue Nov 25 05:00:00 UTC 2025"), 1764046800);
    assert.equal(restClaimEpoch("Tue Jun 18 15:00:04 UTC 2024"), 1718722804);
    assert.equal(restClaimEpoch("1764046800"), 1764046800);
    for (const bad of [
      "Tue Feb 30 05:00:00 UTC 2025",
      "Tue Nov 25 05:00:00 PST 2025",
      "Tue Nov 25 25:00:00 UTC 2025",
      "",
      "0x10",
      1764046800,
    ])
      assert.equal(restClaimEpoch(bad), undefined, String(bad));
  });
});

describe("revocation in the handler's environment (handlers/env.ts)", () => {
  const base = {
    NOTES_TABLE: "notes",
    ATTACHMENTS_BUCKET: "b",
    AUTH_MODE: "http-jwt",
    ADMIN_GROUP: "admins",
    ALLOWED_CLIENT_IDS: "spa",
    ADMIN_SCOPE: "notes/admin",
  };
  it("given no REVOKED_SESSIONS_TABLE, then revocation is off", () =>
    assert.equal(readEnv(base).revocation, undefined));
  it("given the table and the refusal times, then on, the cache 5 s by default and 0 allowed", () => {
    const times = { SESSION_REFRESH_SECONDS: "86400" };
    assert.deepEqual(readEnv({ ...base, ...times, REVOKED_SESSIONS_TABLE: "r" }).revocation, {
      table: "r",
      cacheSeconds: 5,
      refreshSeconds: 86400,
    });
    const zero = readEnv({ ...base, ...times, REVOKED_SESSIONS_TABLE: "r", REVOCATION_CACHE_SECONDS: "0" });
    assert.equal(zero.revocation?.cacheSeconds, 0);
  });
  it("given the table without the refusal times, or a cache that is no whole number, then an error naming it", () => {
    assert.throws(() => readEnv({ ...base, REVOKED_SESSIONS_TABLE: "r" }), /SESSION_REFRESH_SECONDS must be set/);
    for (const bad of ["-1", "1.5", "five"])
      assert.throws(
        () => readEnv({ ...base, REVOKED_SESSIONS_TABLE: "r", REVOCATION_CACHE_SECONDS: bad }),
        /REVOCATION_CACHE_SECONDS must be a whole number/,
        bad,
      );
  });
});
