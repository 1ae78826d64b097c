import * as assert from "assert";
import { normalize } from "../../../handlers/http/request";
import { principalOf } from "../../../handlers/doors";
import { groupsFromHttpApiClaim, groupsFromRestClaim, groupsFromTokenClaim } from "../../../handlers/principal";
import {
  ALB_ARN,
  IDENTITY_POOL_ID,
  M2M_CLIENT,
  POOL_ID,
  SPA_CLIENT,
  USER_A,
  accessClaims,
  albEvent,
  envFor,
  httpEvent,
  idClaims,
  idToken,
  machineClaims,
  restEvent,
} from "../../support/handler";
import { eventSources, load, ownFixture } from "../../support/events";
import { ofType, runMode } from "../../support/stack";
import { readEnv } from "../../../handlers/env";
import { DOORS } from "../../../components/doors/registry";
import type { AuthMode } from "../../../handlers/contract/authModes";

const who = async (event: any, mode: Parameters<typeof envFor>[0], env: Record<string, string> = {}) =>
  principalOf(normalize(event), envFor(mode, env));
const rejects401 = (p: Promise<unknown>) => assert.rejects(p, (err: any) => err.status === 401);

describe("handler: principal extraction (verified context only)", () => {
  for (const source of eventSources()) {
    const { restIdToken, restGroups, restIamRole, restApiKey, httpIdToken } = source.samples;
    describe(`on ${source.label}`, () => {
      it("cognito: maps the ID-token event to its sub when the audience is ours", async () => {
        // given the event, with our stack's SPA client as its audience
        const event = load(source, restIdToken.file);
        const { session, ...p } = await who(event, "cognito", {
          ALLOWED_CLIENT_IDS: restIdToken.clientId,
          COGNITO_ISSUER: restIdToken.issuer,
        });
        // then its sign-in session is the verified claims' origin_jti, with the app client of its aud
        const claims = event.requestContext.authorizer.claims;
        assert.equal(session?.id, claims.origin_jti);
        if (session) assert.equal(session.clientId, restIdToken.clientId);
        assert.deepEqual(p, {
          id: restIdToken.sub,
          kind: "user",
          door: "cognito",
          groups: [],
          scopes: [],
          isAdmin: false,
        });
      });
      it("cognito: rejects a token issued to another app client of the pool", async () => {
        await rejects401(
          who(load(source, restIdToken.file), "cognito", {
            ALLOWED_CLIENT_IDS: "another-client",
            COGNITO_ISSUER: restIdToken.issuer,
          }),
        );
      });
      it("cognito: maps the groups event as its claims say (no sub: no principal)", async () => {
        const p = who(load(source, restGroups.file), "cognito", { ALLOWED_CLIENT_IDS: restGroups.clientId });
        if (restGroups.expect === "unauthorized") await rejects401(p);
        else
          assert.deepEqual(
            { id: (await p).id, isAdmin: (await p).isAdmin },
            { id: restGroups.expect.id, isAdmin: restGroups.expect.admin },
          );
      });
      it("iam: maps the SigV4 role-session event to iam:<role ARN>, whatever the session name", async () => {
        const p = await who(load(source, restIamRole.file), "iam");
        assert.deepEqual(
          { id: p.id, kind: p.kind, isAdmin: p.isAdmin },
          { id: `iam:${restIamRole.roleArn}`, kind: "machine", isAdmin: false },
        );
      });
      it("iam: makes callers with the admin role (by full ARN) admins", async () => {
        const p = await who(load(source, restIamRole.file), "iam", { IAM_ADMIN_ROLE_ARN: restIamRole.roleArn });
        assert.equal(p.isAdmin, true);
      });
      it("api-key: maps the API-key event to apikey:<id>, an application not a user", async () => {
        const p = await who(load(source, restApiKey.file), "api-key");
        assert.deepEqual(p, {
          id: `apikey:${restApiKey.keyId}`,
          kind: "machine",
          door: "api-key",
          groups: [],
          scopes: [],
          isAdmin: false,
        });
      });
      it("api-key: makes only the configured admin keys admins", async () => {
        assert.equal(
          (await who(load(source, restApiKey.file), "api-key", { ADMIN_API_KEY_IDS: restApiKey.keyId })).isAdmin,
          true,
        );
      });
      it("http-jwt: rejects the event that carries an ID token", async () => {
        await rejects401(who(load(source, httpIdToken.file), "http-jwt", { ALLOWED_CLIENT_IDS: httpIdToken.clientId }));
      });
    });
  }

  describe("cognito (REST user pools authorizer)", () => {
    it("rejects an access token where an ID token is expected", async () => {
      await rejects401(
        who(
          restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A, { token_use: "access" }) }),
          "cognito",
        ),
      );
    });
    it("reads groups exactly as each source gives them: a token's list, or the HTTP API's [a b] string", () => {
      assert.deepEqual(groupsFromTokenClaim(["admins", "team,ops"]), ["admins", "team,ops"]);
      assert.deepEqual(groupsFromTokenClaim("team,admins"), ["team,admins"], "one group, never split on commas");
      assert.deepEqual(groupsFromTokenClaim(undefined), []);
      assert.deepEqual(groupsFromHttpApiClaim("[admins editors]"), ["admins", "editors"]);
      assert.deepEqual(groupsFromHttpApiClaim("[team,admins]"), ["team,admins"]);
      assert.deepEqual(groupsFromHttpApiClaim("admins"), ["admins"]);
    });
    // The REST authorizer passes a list claim joined with commas, and a Cognito group name may hold
    // commas (GroupName [\p{L}\p{M}\p{S}\p{N}\p{P}]+: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html),
    // so a value with a comma is ambiguous and never makes an admin.
    it(
      "given the REST claim string, then one name without commas is exactly one group; a comma-joined value " +
        "is split but ambiguous; white space is no name",
      () => {
        assert.deepEqual(groupsFromRestClaim("admins"), { groups: ["admins"], ambiguous: false });
        assert.deepEqual(groupsFromRestClaim("editors,admins"), { groups: ["editors", "admins"], ambiguous: true });
        assert.deepEqual(groupsFromRestClaim("[admins editors]"), { groups: [], ambiguous: false });
        assert.deepEqual(groupsFromRestClaim(undefined), { groups: [], ambiguous: false });
      },
    );
    it('does not make a member of a group named "team,admins" an admin', async () => {
      const p = await who(
        restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A, { "cognito:groups": ["team,admins"] }) }),
        "cognito",
      );
      assert.equal(p.isAdmin, false);
    });
    it(
      "given a genuine token and a second Authorization header claiming the admin group (issue 20), " +
        "then 401, never an admin",
      async () => {
        // given the attacker's own verified claims (no groups) and two Authorization headers: the genuine token, then a
        // forged copy
        const claims = idClaims(USER_A);
        const e = restEvent({ method: "GET", path: "/admin/stats" }, { claims });
        const forged = idToken({ ...claims, "cognito:groups": ["admins"] });
        e.headers.Authorization = forged;
        e.multiValueHeaders.Authorization = [idToken(claims), forged];
        // when the handler reads it, then: no principal
        await rejects401(who(e, "cognito"));
        await rejects401(who(e, "api-key", { API_KEY_USER_TOKENS: "true", ALLOWED_CLIENT_IDS: SPA_CLIENT }));
      },
    );
    it(
      "given one forged Authorization header whose payload claims the admin group, then groups still " +
        "come from the verified claims: not an admin",
      async () => {
        const claims = idClaims(USER_A);
        const e = restEvent({ method: "GET", path: "/me" }, { claims });
        e.headers.Authorization = e.multiValueHeaders.Authorization[0] = idToken({
          ...claims,
          "cognito:groups": ["admins"],
        });
        const p = await who(e, "cognito");
        assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: [], isAdmin: false });
      },
    );
    it("rejects claims without iss, or with another issuer, when the stack has its own pool", async () => {
      await rejects401(
        who(restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A, { iss: undefined }) }), "cognito"),
      );
      await rejects401(
        who(
          restEvent(
            { method: "GET", path: "/me" },
            { claims: idClaims(USER_A, { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" }) },
          ),
          "cognito",
        ),
      );
    });
    it("rejects a sub that is not a Cognito UUID", async () => {
      await rejects401(
        who(
          restEvent({ method: "GET", path: "/me" }, { claims: idClaims("apikey:abc", { sub: "apikey:abc" }) }),
          "cognito",
        ),
      );
    });
    it("makes members of the admin group admins, from the verified claims alone (no token in the header)", async () => {
      const e = restEvent(
        { method: "GET", path: "/me" },
        { claims: idClaims(USER_A, { "cognito:groups": ["admins"] }) },
      );
      delete e.headers.Authorization;
      delete e.multiValueHeaders.Authorization;
      const p = await who(e, "cognito");
      assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["admins"], isAdmin: true });
    });
    it(
      "given a member of several groups (a comma-joined claim) whose header token cannot be verified " +
        "(not signed by the pool, expired), then the groups are listed but the ambiguous value makes no admin",
      async () => {
        // (userPoolTokens.test.ts: the same member with a token our pool's keys verify is admin.)
        const p = await who(
          restEvent(
            { method: "GET", path: "/me" },
            { claims: idClaims(USER_A, { "cognito:groups": ["editors", "admins"] }) },
          ),
          "cognito",
        );
        assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["editors", "admins"], isAdmin: false });
      },
    );
    it("ignores a forged userId in the body and x-amzn-oidc-* headers", async () => {
      const e = restEvent(
        {
          method: "POST",
          path: "/notes",
          body: { userId: "victim", title: "t", content: "c" },
          headers: { "x-amzn-oidc-data": "forged", "x-amzn-oidc-identity": "victim" },
        },
        { claims: idClaims(USER_A) },
      );
      assert.equal((await who(e, "cognito")).id, USER_A);
    });
    it("rejects a REST event without authorizer claims", async () => {
      await rejects401(who(restEvent({ method: "GET", path: "/me" }), "cognito"));
    });
  });

  describe("iam (REST AWS_IAM)", () => {
    const identityPoolUser = (provider: string, type = "authenticated") =>
      restEvent(
        { method: "GET", path: "/me" },
        {
          identity: {
            cognitoIdentityPoolId: IDENTITY_POOL_ID,
            cognitoIdentityId: "us-east-1:abcd",
            cognitoAuthenticationType: type,
            cognitoAuthenticationProvider: provider,
            userArn: "arn:aws:sts::123456789012:assumed-role/notes-user-role/CognitoIdentityCredentials",
            caller: "AROA:CognitoIdentityCredentials",
          },
        },
      );
    const provider = (pool: string, sub: string) =>
      `cognito-idp.us-east-1.amazonaws.com/${pool},cognito-idp.us-east-1.amazonaws.com/${pool}:CognitoSignIn:${sub}`;

    it("maps the identity-pool fixture to the user pool sub in its provider string", async () => {
      const p = await who(ownFixture("rest-iam-identity-pool.json"), "iam");
      assert.deepEqual({ id: p.id, kind: p.kind, door: p.door }, { id: USER_A, kind: "user", door: "iam" });
    });
    it("maps an identity-pool user to their user pool sub", async () => {
      const p = await who(identityPoolUser(provider(POOL_ID, USER_A)), "iam");
      assert.deepEqual({ id: p.id, kind: p.kind, isAdmin: p.isAdmin }, { id: USER_A, kind: "user", isAdmin: false });
    });
    it("rejects an identity from another user pool, and unauthenticated identities", async () => {
      await rejects401(who(identityPoolUser(provider("us-east-1_Other", USER_A)), "iam"));
      await rejects401(who(identityPoolUser(provider(POOL_ID, USER_A), "unauthenticated"), "iam"));
    });
    it("makes identity-pool users with the admin role admins", async () => {
      const user = await who(
        restEvent(
          { method: "GET", path: "/me" },
          {
            identity: {
              cognitoIdentityPoolId: IDENTITY_POOL_ID,
              cognitoAuthenticationType: "authenticated",
              cognitoAuthenticationProvider: provider(POOL_ID, USER_A),
              userArn: "arn:aws:sts::123456789012:assumed-role/notes-admin-role/CognitoIdentityCredentials",
            },
          },
        ),
        "iam",
      );
      assert.deepEqual({ id: user.id, isAdmin: user.isAdmin }, { id: USER_A, isAdmin: true });
    });
    it("compares the admin role by full ARN: the same role name in another account is not admin", async () => {
      const e = restEvent(
        { method: "GET", path: "/me" },
        { identity: { userArn: "arn:aws:sts::999999999999:assumed-role/notes-admin-role/x" } },
      );
      const p = await who(e, "iam");
      assert.deepEqual(
        { id: p.id, isAdmin: p.isAdmin },
        { id: "iam:arn:aws:iam::999999999999:role/notes-admin-role", isAdmin: false },
      );
    });
    it(
      "keys a machine on its role: two sessions of one role are one principal, and a chosen session " +
        "name reaches nothing else",
      async () => {
        const session = (name: string) =>
          who(
            restEvent(
              { method: "GET", path: "/me" },
              { identity: { userArn: `arn:aws:sts::123456789012:assumed-role/reporting/${name}` } },
            ),
            "iam",
          );
        const [a, b] = [await session("ecs-task-1"), await session("ecs-task-2")];
        assert.equal(a.id, "iam:arn:aws:iam::123456789012:role/reporting");
        assert.equal(b.id, a.id);
      },
    );
    it("rejects identity-pool callers of another identity pool", async () => {
      await rejects401(
        who(
          restEvent(
            { method: "GET", path: "/me" },
            {
              identity: {
                cognitoIdentityPoolId: "us-east-1:ffffffff-0000-4000-8000-000000000000",
                cognitoAuthenticationType: "authenticated",
                cognitoAuthenticationProvider: provider(POOL_ID, USER_A),
              },
            },
          ),
          "iam",
        ),
      );
    });
  });

  describe("api-key", () => {
    it("with user tokens, takes the user from the claims and ignores the key id", async () => {
      const e = restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A), identity: { apiKeyId: "k1" } });
      assert.equal(
        (await who(e, "api-key", { API_KEY_USER_TOKENS: "true", ALLOWED_CLIENT_IDS: SPA_CLIENT })).id,
        USER_A,
      );
      await rejects401(
        who(restEvent({ method: "GET", path: "/me" }, { identity: { apiKeyId: "k1" } }), "api-key", {
          API_KEY_USER_TOKENS: "true",
          ALLOWED_CLIENT_IDS: SPA_CLIENT,
        }),
      );
    });
  });

  describe("http-jwt (HTTP API JWT authorizer)", () => {
    it("maps a user's access token to their sub, with scopes", async () => {
      const p = await who(
        httpEvent({ method: "GET", path: "/me" }, accessClaims(USER_A, ["notes/read", "notes/write"])),
        "http-jwt",
      );
      assert.deepEqual(p, {
        id: USER_A,
        kind: "user",
        door: "http-jwt",
        groups: [],
        scopes: ["notes/read", "notes/write"],
        isAdmin: false,
      });
    });
    it("maps a client-credentials token to client:<client_id>", async () => {
      const p = await who(httpEvent({ method: "GET", path: "/me" }, machineClaims(["notes/read"])), "http-jwt");
      assert.deepEqual({ id: p.id, kind: p.kind }, { id: `client:${M2M_CLIENT}`, kind: "machine" });
    });
    it("rejects a token for another client", async () => {
      await rejects401(
        who(
          httpEvent(
            { method: "GET", path: "/me" },
            accessClaims(USER_A, ["notes/read"], { client_id: "someone-else" }),
          ),
          "http-jwt",
        ),
      );
    });
    it("requires the admin group as well as the admin scope for users; the scope for machines", async () => {
      const scopeOnly = await who(
        httpEvent({ method: "GET", path: "/me" }, accessClaims(USER_A, ["notes/admin"])),
        "http-jwt",
      );
      assert.equal(scopeOnly.isAdmin, false);
      const both = await who(
        httpEvent(
          { method: "GET", path: "/me" },
          accessClaims(USER_A, ["notes/admin"], { "cognito:groups": "[admins]" }),
        ),
        "http-jwt",
      );
      assert.equal(both.isAdmin, true);
      const lookalike = await who(
        httpEvent(
          { method: "GET", path: "/me" },
          accessClaims(USER_A, ["notes/admin"], { "cognito:groups": "[team,admins]" }),
        ),
        "http-jwt",
      );
      assert.equal(lookalike.isAdmin, false, "a group named team,admins is not the admin group");
      assert.equal(both.isAdmin, true);
      assert.equal(
        (await who(httpEvent({ method: "GET", path: "/me" }, machineClaims(["notes/admin"])), "http-jwt")).isAdmin,
        true,
      );
    });
    it(
      "given claims without iss and the admin scope, then no principal: never an admin as 'another " + "issuer's' user",
      async () => {
        await rejects401(
          who(
            httpEvent({ method: "GET", path: "/me" }, accessClaims(USER_A, ["notes/admin"], { iss: undefined })),
            "http-jwt",
          ),
        );
        await rejects401(
          who(
            httpEvent({ method: "GET", path: "/me" }, machineClaims(["notes/admin"], { iss: undefined })),
            "http-jwt",
          ),
        );
      },
    );
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
    // ("API Gateway validates client_id only if aud is not present")
    it("given a token with both aud and client_id, then its aud is what counts, as at the gateway", async () => {
      const env = { ALLOWED_CLIENT_IDS: "notes-api", COGNITO_ISSUER: "" };
      const both = (aud: string, clientId: string) =>
        httpEvent(
          { method: "GET", path: "/me" },
          accessClaims("auth0|42", ["notes/read"], {
            iss: "https://login.example.com/",
            token_use: undefined,
            aud,
            client_id: clientId,
          }),
        );
      // accepted on aud although client_id is another client's
      assert.equal((await who(both("notes-api", "some-spa"), "http-jwt", env)).id, "oidc:auth0|42");
      // refused on aud although client_id is ours: the gateway did not check client_id
      await rejects401(who(both("another-api", "notes-api"), "http-jwt", env));
    });
    it("prefixes users of an external issuer with oidc:", async () => {
      const p = await who(
        httpEvent(
          { method: "GET", path: "/me" },
          accessClaims("auth0|42", ["notes/read"], {
            iss: "https://login.example.com/",
            token_use: undefined,
            aud: "notes-api",
            client_id: undefined,
          }),
        ),
        "http-jwt",
        { ALLOWED_CLIENT_IDS: "notes-api", COGNITO_ISSUER: "" },
      );
      assert.equal(p.id, "oidc:auth0|42");
    });
    it(
      "given an external issuer's groups claim (groupsClaim=groups, GROUPS_CLAIM), then its users' " +
        "groups come from it, flattened as the HTTP API passes arrays, and the admin group counts; without it, they " +
        "do not",
      async () => {
        // Okta-shaped access token: aud api://default, cid, groups; the HTTP API passes top-level claims only, arrays
        // as
        // "[a b]"
        const okta = accessClaims("00u1b2c3d4", ["notes/read"], {
          iss: "https://dev-123456.okta.com/oauth2/default",
          token_use: undefined,
          aud: "api://default",
          client_id: undefined,
          cid: "0oa1b2c3d4",
          groups: "[admins pro]",
        });
        const env = { ALLOWED_CLIENT_IDS: "api://default", COGNITO_ISSUER: "" };
        const named = await who(httpEvent({ method: "GET", path: "/me" }, okta), "http-jwt", {
          ...env,
          GROUPS_CLAIM: "groups",
        });
        assert.deepEqual(
          { id: named.id, groups: named.groups, isAdmin: named.isAdmin },
          { id: "oidc:00u1b2c3d4", groups: ["admins", "pro"], isAdmin: true },
        );
        const unnamed = await who(httpEvent({ method: "GET", path: "/me" }, okta), "http-jwt", env);
        assert.deepEqual({ groups: unnamed.groups, isAdmin: unnamed.isAdmin }, { groups: [], isAdmin: false });
      },
    );
  });

  describe("the door decides which context counts", () => {
    it("rejects a REST event at the http-jwt door and an HTTP event at the cognito door", async () => {
      await rejects401(who(restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A) }), "http-jwt"));
      await rejects401(who(httpEvent({ method: "GET", path: "/me" }, accessClaims(USER_A, ["notes/read"])), "cognito"));
    });
    it("never reads x-amzn-oidc-* on an event that did not come from an ALB", async () => {
      const e = restEvent({
        method: "GET",
        path: "/me",
        headers: { "x-amzn-oidc-data": "eyJhbGciOiJFUzI1NiJ9.e30=.c2ln", "x-amzn-oidc-identity": USER_A },
      });
      await rejects401(who(e, "alb-oidc"));
      await rejects401(who(e, "cognito"));
    });
    it("rejects an ALB event at a gateway door even with ALB headers", async () => {
      await rejects401(who(albEvent({ method: "GET", path: "/me" }, "forged"), "cognito"));
      void ALB_ARN;
    });
  });
});

describe("handler: principal at the lambda-authorizer door (our authorizer's answer only)", () => {
  const USER = "11111111-1111-4111-8111-111111111111";
  const at = (authorizer: Record<string, unknown> | null) => {
    const e = restEvent({ method: "GET", path: "/me" });
    e.requestContext.authorizer = authorizer;
    return principalOf(normalize(e), envFor("lambda-authorizer"));
  };
  const context = (extra: Record<string, unknown> = {}) => ({
    principalId: USER,
    sub: USER,
    iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Notes1234",
    clientId: "spaclient0000000000000000",
    username: "alice",
    groups: "[]",
    scopes: "",
    plan: "free",
    exp: Math.floor(Date.now() / 1000) + 300,
    ...extra,
  });

  it("is the user pool sub, as at cognito and http-jwt, so a door switch keeps the notes", async () => {
    assert.deepEqual(await at(context()), {
      id: USER,
      kind: "user",
      door: "lambda-authorizer",
      groups: [],
      scopes: [],
      isAdmin: false,
      tier: "free",
    });
  });
  it("carries the tier the authorizer put the caller on (its plan), and none when the answer names none", async () => {
    assert.equal((await at(context({ plan: "pro" }))).tier, "pro");
    assert.equal("tier" in (await at(context({ plan: undefined }))), false);
  });
  it("reads groups exactly from the authorizer's JSON list", async () => {
    const p = await at(context({ groups: JSON.stringify(["team,admins", "admins"]) }));
    assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["team,admins", "admins"], isAdmin: true });
  });
  it("prefixes users of an external issuer with oidc:, and machines with client:", async () => {
    assert.equal(
      (await at(context({ iss: "https://login.example.com/", principalId: `oidc:${USER}` }))).id,
      `oidc:${USER}`,
    );
    assert.equal(
      (await at(context({ sub: "m2mclient", clientId: "m2mclient", username: "", principalId: "client:m2mclient" })))
        .id,
      "client:m2mclient",
    );
  });
  it(
    "given an answer the gateway cached for a token whose exp has passed, then 401: an expired token " +
      "stops at once, whatever the cache TTL",
    async () => {
      await assert.rejects(at(context({ exp: Math.floor(Date.now() / 1000) - 1 })), (err: any) => err.status === 401);
      await assert.rejects(
        at(context({ exp: String(Math.floor(Date.now() / 1000) - 1) })),
        (err: any) => err.status === 401,
      );
      // and a context without exp (an answer that cannot say when it ends) is no principal
      await assert.rejects(at(context({ exp: undefined })), (err: any) => err.status === 401);
      // while an unexpired one passes, as a number or as the digits a proxy integration may see
      assert.equal((await at(context({ exp: String(Math.floor(Date.now() / 1000) + 60) }))).id, USER);
    },
  );
  it("given an exp that is no epoch second as principal.ts reads them (leading zeros, unsafe), then 401", async () => {
    const future = Math.floor(Date.now() / 1000) + 60;
    for (const exp of [`0${future}`, 1e300])
      await assert.rejects(at(context({ exp })), (err: any) => err.status === 401, String(exp));
  });
  it("refuses a context whose principalId is not what its claims make, or no authorizer at all", async () => {
    await assert.rejects(
      at(context({ principalId: "22222222-2222-4222-8222-222222222222" })),
      (err: any) => err.status === 401,
    );
    await assert.rejects(at(null), (err: any) => err.status === 401);
  });
});

describe("handler: several doors at once, in the environment the program writes", function () {
  /** The notes function's environment as a stack of these doors records it, and each door's API id. */
  const stackOf = async (doors: string[], extra: Record<string, unknown> = {}) => {
    const minimal = Object.assign({}, ...doors.map((d) => DOORS[d as AuthMode].minimalConfig));
    const run = await runMode(doors[0] as AuthMode, { ...minimal, doors, authMode: undefined, ...extra });
    const fn = ofType(run, "aws:lambda/function:Function").find((f) => f.inputs.environment?.variables?.NOTES_TABLE)!;
    const env = readEnv({ ...fn.inputs.environment.variables, AWS_REGION: "us-east-1" });
    const apiOf = (mode: string) =>
      ofType(run, "aws:apigateway/restApi:RestApi").find((r) => r.urn.includes(DOORS[mode as AuthMode].componentType))!
        .state.id as string;
    return { env, apiOf };
  };
  /** A REST event as API Gateway sends it from the API `apiId`. */
  const from = (apiId: string, e: any) => ((e.requestContext.apiId = apiId), e);
  const me = (context: Parameters<typeof restEvent>[1] = {}) => restEvent({ method: "GET", path: "/me" }, context);

  describe("given cognito and lambda-authorizer (two REST doors)", () => {
    let s: Awaited<ReturnType<typeof stackOf>>;
    before(async () => (s = await stackOf(["cognito", "lambda-authorizer"])));
    const aliceAtCognito = () => {
      const cognito = s.env.doors.find((d) => d.mode === "cognito")!.settings as { allowedClientIds: string[] };
      return me({ claims: idClaims(USER_A, { aud: cognito.allowedClientIds[0], iss: s.env.cognitoIssuer }) });
    };
    const aliceAtLambda = () => {
      const e = me();
      e.requestContext.authorizer = {
        principalId: USER_A,
        sub: USER_A,
        iss: s.env.cognitoIssuer,
        clientId: "users-spa-client-id",
        username: "alice",
        groups: "[]",
        scopes: "",
        plan: "free",
        exp: Math.floor(Date.now() / 1000) + 300,
      };
      return e;
    };

    it("then the same person is one principal (their sub) through either door, each door's rule applied", async () => {
      const viaCognito = await principalOf(normalize(from(s.apiOf("cognito"), aliceAtCognito())), s.env);
      const viaLambda = await principalOf(normalize(from(s.apiOf("lambda-authorizer"), aliceAtLambda())), s.env);
      assert.deepEqual([viaCognito.id, viaCognito.door], [USER_A, "cognito"]);
      assert.deepEqual([viaLambda.id, viaLambda.door], [USER_A, "lambda-authorizer"]);
    });
    it("then an event carries its door: cognito's claims sent from the lambda-authorizer API are no principal", () =>
      rejects401(principalOf(normalize(from(s.apiOf("lambda-authorizer"), aliceAtCognito())), s.env)));
    it("then an event from an API of no door of the stack is refused (401), whatever it carries", async () => {
      await rejects401(principalOf(normalize(from("someotherapi", aliceAtCognito())), s.env));
      await rejects401(principalOf(normalize(aliceAtCognito()), s.env));
    });
  });

  describe("given iam and api-key with user tokens (two REST doors)", () => {
    let s: Awaited<ReturnType<typeof stackOf>>;
    before(async () => (s = await stackOf(["iam", "api-key"], { apiKeyWithCognito: true })));
    it("then alice is one principal through the identity pool's SigV4 and her ID token with a key", async () => {
      const iam = s.env.doors.find((d) => d.mode === "iam")!.settings as { identityPoolId: string };
      const apiKey = s.env.doors.find((d) => d.mode === "api-key")!.settings as { allowedClientIds: string[] };
      const pool = s.env.userPoolId!;
      const idp = `cognito-idp.us-east-1.amazonaws.com/${pool}`;
      const provider = `${idp},${idp}:CognitoSignIn:${USER_A}`;
      const signed = me({
        identity: {
          cognitoIdentityPoolId: iam.identityPoolId,
          cognitoAuthenticationType: "authenticated",
          cognitoAuthenticationProvider: provider,
          userArn: "arn:aws:sts::123456789012:assumed-role/door-user-role/CognitoIdentityCredentials",
        },
      });
      const keyed = me({
        claims: idClaims(USER_A, { aud: apiKey.allowedClientIds[0], iss: s.env.cognitoIssuer }),
        identity: { apiKeyId: "door-key-reporting-id" },
      });
      const viaIam = await principalOf(normalize(from(s.apiOf("iam"), signed)), s.env);
      const viaKey = await principalOf(normalize(from(s.apiOf("api-key"), keyed)), s.env);
      assert.deepEqual([viaIam.id, viaIam.door], [USER_A, "iam"]);
      assert.deepEqual([viaKey.id, viaKey.door], [USER_A, "api-key"]);
      // and each door's event through the other door's API is no principal
      await rejects401(principalOf(normalize(from(s.apiOf("iam"), keyed)), s.env));
      await rejects401(principalOf(normalize(from("someotherapi", signed)), s.env));
    });
  });
});
