import * as assert from "assert";
import { normalize } from "../../../handlers/http/request";
import { principalOf } from "../../../handlers/doors";
import { userPoolState } from "../../../handlers/doors/userPoolTokens";
import type { LogEntry } from "../../../handlers/log";
import { SPA_CLIENT, USER_A, USER_B, envFor, idClaims, idToken, restEvent } from "../../support/handler";
import { jwksServer, rsaKey, signJwt } from "../../support/jwt";
import { TestDoor, removeDir, startTestDoor } from "../../support/localStack";
import { ContractContext } from "../../../local/contract/context";
import { authorization, doorToken } from "../../../local/clients/doorClient";

// The REST user pools authorizer passes `cognito:groups` joined with commas, and a group name may
// hold a comma (GroupName [\p{L}\p{M}\p{S}\p{N}\p{P}]+:
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html),
// so a comma-joined claim is resolved from the Authorization token only once it verifies with the
// pool's keys, at <issuer>/.well-known/jwks.json
// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
// and only if it is the token the authorizer verified (same sub and jti, groups joined = the claim).
describe("handler: cognito groups from a comma-joined claim (verified with the pool's keys)", () => {
  const poolKey = rsaKey();
  const otherKey = rsaKey(poolKey.kid);
  let pool: Awaited<ReturnType<typeof jwksServer>>;
  before(async () => {
    pool = await jwksServer([poolKey]);
  });
  after(() => pool.close());

  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
  const claimsOf = (sub: string, groups: string[], extra: Record<string, unknown> = {}) =>
    idClaims(sub, { iss: pool.issuer, exp: inAnHour(), "cognito:groups": groups, ...extra });

  /** The principal of a REST event whose authorizer verified `claims`, with `header` as the Authorization header. */
  async function who(claims: Record<string, unknown>, header: string, mode: "cognito" | "api-key" = "cognito") {
    const e = restEvent({ method: "GET", path: "/admin/stats" }, { claims, identity: { apiKeyId: "k1" } });
    e.headers.Authorization = header;
    e.multiValueHeaders.Authorization = [header];
    const env = envFor(mode, {
      COGNITO_ISSUER: pool.issuer,
      ...(mode === "api-key" ? { API_KEY_USER_TOKENS: "true", ALLOWED_CLIENT_IDS: SPA_CLIENT } : {}),
    });
    const logged: LogEntry[] = [];
    const state = userPoolState(env, [SPA_CLIENT], { log: (l) => logged.push(l) });
    const p = await principalOf(normalize(e), env, state);
    return { groups: p.groups, isAdmin: p.isAdmin, logged };
  }

  it(
    'given an admin who is also an editor (claim "editors,admins") and their genuine token, then ' +
      "admin, with the exact list",
    async () => {
      const claims = claimsOf(USER_A, ["editors", "admins"]);
      const p = await who(claims, signJwt(poolKey, claims));
      assert.deepEqual(
        { groups: p.groups, isAdmin: p.isAdmin, logged: p.logged },
        { groups: ["editors", "admins"], isAdmin: true, logged: [] },
      );
    },
  );

  it("given the same at api-key with user tokens, then admin too", async () => {
    const claims = claimsOf(USER_A, ["editors", "admins"]);
    assert.equal((await who(claims, signJwt(poolKey, claims), "api-key")).isAdmin, true);
  });

  it('given a member of one group named "team,admins", then that one group, verified, and no admin', async () => {
    const claims = claimsOf(USER_A, ["team,admins"]);
    assert.deepEqual((await who(claims, signJwt(poolKey, claims))).groups, ["team,admins"]);
    assert.equal((await who(claims, signJwt(poolKey, claims))).isAdmin, false);
  });

  it(
    "given a forged token (unsigned, or signed with another key under the pool's kid) whose groups " +
      "flatten to the claim, then no admin, and a warn line without the token",
    async () => {
      const claims = claimsOf(USER_A, ["editors", "admins"]);
      for (const forged of [idToken(claims), signJwt(otherKey, claims)]) {
        const p = await who(claims, forged);
        assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["editors", "admins"], isAdmin: false });
        assert.equal(p.logged.length, 1);
        assert.equal(p.logged[0].level, "warn");
        assert.match(String(p.logged[0].reason), /did not verify/);
        assert.ok(!JSON.stringify(p.logged).includes(forged.split(".")[1]), "the token is never logged");
      }
    },
  );

  it(
    "given a genuine token of another user (other sub and jti), or another token of the same user " +
      "(other jti), then no admin",
    async () => {
      const claims = claimsOf(USER_A, ["editors", "admins"]);
      const someoneElse = claimsOf(USER_B, ["editors", "admins"]);
      const sameUserOtherToken = { ...claims, jti: "another-jti" };
      for (const token of [signJwt(poolKey, someoneElse), signJwt(poolKey, sameUserOtherToken)]) {
        const p = await who(claims, token);
        assert.equal(p.isAdmin, false);
        assert.match(String(p.logged[0]?.reason), /sub or jti differ/);
      }
    },
  );

  it("given a genuine token whose groups are ordered otherwise than the claim, then no admin", async () => {
    const claims = claimsOf(USER_A, ["editors", "admins"]);
    const p = await who(claims, signJwt(poolKey, { ...claims, "cognito:groups": ["admins", "editors"] }));
    assert.equal(p.isAdmin, false);
  });

  it("given a claim without a comma, then no key is fetched: the claim is the group", async () => {
    const before = pool.fetches();
    const claims = claimsOf(USER_A, ["admins"]);
    const p = await who(claims, idToken({ ...claims, "cognito:groups": ["admins"] }));
    assert.deepEqual({ groups: p.groups, isAdmin: p.isAdmin }, { groups: ["admins"], isAdmin: true });
    assert.equal(pool.fetches(), before);
  });
});

// Local mode (local/services/lambda.ts runs the handler bundle's code with the recorded environment, its
// COGNITO_ISSUER mapped to the local pool, http://127.0.0.1:<port>/<poolId>, which serves the pool's
// keys at <issuer>/.well-known/jwks.json as Cognito does): the handler fetches them over loopback
// with handlers/http/keyFetcher.ts, as the ALB door does for our pool's access tokens.
describe("local cognito door: an admin in two groups", function () {
  this.timeout(60000);
  let door: TestDoor;
  before(async () => {
    door = await startTestDoor("cognito", {
      // A second group of the stack's pool, beside the admin group (as a door's tier group would be).
      alter: (run) => {
        const admins = run.resources.find((r) => r.type === "aws:cognito/userGroup:UserGroup")!;
        run.resources.push({
          ...admins,
          name: `${admins.name}-editors`,
          urn: `${admins.urn}-editors`,
          inputs: { ...admins.inputs, name: "editors" },
          state: { ...admins.state, name: "editors" },
        });
      },
    });
  });
  after(async () => {
    await door?.close();
    if (door) removeDir(door.dataDir);
  });

  it(
    'given carol in editors and admins (the gateway\'s claim "editors,admins"), when she calls /me ' +
      "and /admin/stats with her ID token, then she is admin: 200",
    async () => {
      // given carol added to editors too (AdminAddUserToGroup, in the local pool's directory)
      const carol = door.idp!.pools[0].users.find((u) => u.username === "carol")!;
      carol.groups = ["editors", "admins"];
      const ctx = new ContractContext(door.outputs);
      const seed = door.outputs.local!.users.find((u) => u.username === "carol")!;
      const auth = authorization(door.outputs, doorToken(door.outputs, await ctx.signIn(seed)));
      // when / then
      const me = await ctx.call("/me", { auth });
      assert.deepEqual(
        { status: me.status, groups: me.json?.groups, isAdmin: me.json?.isAdmin },
        { status: 200, groups: ["editors", "admins"], isAdmin: true },
        me.text,
      );
      assert.equal((await ctx.call("/admin/stats", { auth })).status, 200);
    },
  );
});
