import * as assert from "assert";
import { LocalClient, LocalIdp, startIdp } from "../../../../local/services/idp";
import { LocalLambda, startLambda } from "../../../../local/services/lambda";
import { UPSTREAM_USERS } from "../../../../local/services/upstream";
import { NotEmulatedYet, RecordedProgram, recordedProgram } from "../../../../local/recorded";
import { loadUsers } from "../../../../local/clients/seedUsers";
import { decodeJwt, signInWithCode } from "../../../../local/clients/oauth";
import { userPoolPublicApi } from "../../../../local/services/userPool/publicApi";
import {
  applyGroupOverride,
  recordedTrigger,
  triggerEvent,
} from "../../../../local/services/userPool/preTokenGeneration";
import type { PreTokenGenerationEvent } from "../../../../handlers/preTokenGeneration";
import { StackRun, runMode } from "../../../support/stack";
import { TestDoor, removeDir, startTestDoor } from "../../../support/localStack";
import { atDoor, authorization, doorToken, signIn, sigv4 } from "../../../../local/clients/doorClient";
import { ContractContext } from "../../../../local/contract/context";

/** Corp, its groups claim mapped: Dana's `engineering` makes an admin, `notes-readers` the pro tier. */
const MAPPED = {
  identityProviders: [
    {
      name: "Corp",
      type: "OIDC",
      settings: { clientId: "notes", issuer: "https://login.corp.example" },
      attributeMapping: { email: "email" },
      groupsClaim: "groups",
      groupMapping: { engineering: "admins", "notes-readers": "pro" },
    },
  ],
  identityProviderSecrets: JSON.stringify({ Corp: "Corp-secret" }),
};

/** The Lambda service around the recorded functions (at the cognito door no group has a role: no AWS call). */
const lambdaOf = (program: RecordedProgram) =>
  startLambda(program, {
    endpoints: {},
    credentials: () => ({ accessKeyId: "AKIDLOCAL", secretAccessKey: "local" }),
    localize: (v) => v,
  });

describe("the local user pool running its recorded pre token generation trigger (V1_0)", function () {
  this.timeout(60000);
  let run: StackRun;
  let idp: LocalIdp;
  let lambda: LocalLambda;
  let spa: LocalClient;
  const events: PreTokenGenerationEvent[] = [];
  const dana = UPSTREAM_USERS[0];
  const signIn = (who: { username: string; password: string }, identityProvider?: string) =>
    signInWithCode({
      authorizeEndpoint: idp.pools[0].authorizeEndpoint,
      tokenEndpoint: idp.pools[0].tokenEndpoint,
      clientId: spa.clientId,
      redirectUri: spa.callbackUrls[0],
      scopes: ["openid", "email"],
      ...who,
      ...(identityProvider ? { identityProvider } : {}),
    });

  before(async () => {
    // given a stack federating Corp with a group mapping, its recorded pool, trigger and permission
    run = await runMode("cognito", MAPPED);
    const program = recordedProgram(run);
    lambda = lambdaOf(program);
    const watched: Pick<LocalLambda, "invokeAs"> = {
      invokeAs: (caller, ref, event) => (
        events.push(event as PreTokenGenerationEvent),
        lambda.invokeAs(caller, ref, event)
      ),
    };
    idp = await startIdp({ program, users: loadUsers(), lambda: () => watched });
    spa = idp.pools[0].clients.find((c) => c.flows.includes("code") && c.identityProviders.includes("Corp"))!;
  });
  after(() => idp?.close());

  it("given Dana's upstream groups, when she signs in through Corp, then both tokens carry admins, pro", async () => {
    events.length = 0;
    const tokens = await signIn({ username: dana.email, password: dana.password }, "Corp");
    const id = decodeJwt(tokens.id_token!);
    const access = decodeJwt(tokens.access_token);
    const pool = idp.pools[0];
    assert.deepEqual(id["cognito:groups"], [`${pool.poolId}_Corp`, "admins", "pro"]);
    assert.deepEqual(access["cognito:groups"], id["cognito:groups"], "V1_0 replaces the access token's groups too");
    // The event Cognito sends: V1_0, the hosted UI's source, Cognito's own attributes beside the mapped ones.
    const e = events[0];
    assert.deepEqual(
      [e.version, e.triggerSource, e.userPoolId, e.userName],
      ["1", "TokenGeneration_HostedAuth", pool.poolId, `Corp_${dana.sub}`],
    );
    assert.equal(e.callerContext.clientId, spa.clientId);
    assert.equal(e.request.userAttributes["cognito:user_status"], "EXTERNAL_PROVIDER");
    assert.equal(JSON.parse(e.request.userAttributes.identities)[0].providerName, "Corp");
    assert.equal(e.request.userAttributes["custom:idp_groups"], `[${dana.groups.join(", ")}]`);
    assert.deepEqual(e.request.groupConfiguration.groupsToOverride, [`${pool.poolId}_Corp`]);
  });

  it("given Dana's refresh token, when she refreshes, then the trigger runs again (RefreshTokens)", async () => {
    const tokens = await signIn({ username: dana.email, password: dana.password }, "Corp");
    events.length = 0;
    const res = await fetch(idp.pools[0].tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: (tokens as { refresh_token?: string }).refresh_token!,
        client_id: spa.clientId,
      }),
    });
    const refreshed = (await res.json()) as { id_token: string; access_token: string };
    assert.ok(decodeJwt(refreshed.id_token)["cognito:groups"].includes("admins"));
    assert.ok(decodeJwt(refreshed.access_token)["cognito:groups"].includes("admins"));
    assert.ok(events.length > 0 && events.every((e) => e.triggerSource === "TokenGeneration_RefreshTokens"));
  });

  it(
    "given a pool user who writes custom:idp_groups themselves (UpdateUserAttributes), when they sign in again, " +
      "then they gain nothing",
    async () => {
      const pool = idp.pools[0];
      const alice = pool.users.find((u) => u.username === "alice")!;
      // Signed in through the user pools API, their access token has aws.cognito.signin.user.admin.
      const first = await idp.issueTokens(pool, spa, alice);
      assert.ok(decodeJwt(first.AccessToken).scope.split(" ").includes("aws.cognito.signin.user.admin"));
      const api = userPoolPublicApi({ idp: () => idp, log: () => undefined });
      const wrote = await api("UpdateUserAttributes", {
        AccessToken: first.AccessToken,
        UserAttributes: [{ Name: "custom:idp_groups", Value: "[engineering, notes-readers]" }],
      });
      assert.equal(wrote.status, 200, String(wrote.body));
      events.length = 0;
      const api_ = decodeJwt((await idp.issueTokens(pool, spa, alice)).IdToken);
      assert.equal(api_["custom:idp_groups"], "[engineering, notes-readers]", "the write landed");
      assert.equal(api_["cognito:groups"], undefined);
      assert.equal(events[0].triggerSource, "TokenGeneration_Authentication");
      const hosted = await signIn({ username: alice.email, password: alice.password });
      assert.equal(decodeJwt(hosted.id_token!)["cognito:groups"], undefined);
      assert.equal(decodeJwt(hosted.access_token)["cognito:groups"], undefined);
    },
  );

  it("given Dana's own access token (hosted UI: no aws.cognito.signin.user.admin), then she cannot write", async () => {
    const tokens = await signIn({ username: dana.email, password: dana.password }, "Corp");
    assert.ok(!decodeJwt(tokens.access_token).scope.split(" ").includes("aws.cognito.signin.user.admin"));
    const api = userPoolPublicApi({ idp: () => idp, log: () => undefined });
    const wrote = await api("UpdateUserAttributes", {
      AccessToken: tokens.access_token,
      UserAttributes: [{ Name: "custom:idp_groups", Value: "[corp-admins]" }],
    });
    assert.match(String(wrote.body), /NotAuthorizedException.*required scopes/);
  });

  it("given UpdateUserAttributes, then an attribute the client may not write or the pool lacks fails", async () => {
    const pool = idp.pools[0];
    const bob = pool.users.find((u) => u.username === "bob")!;
    const token = (await idp.issueTokens(pool, spa, bob)).AccessToken;
    const api = userPoolPublicApi({ idp: () => idp, log: () => undefined });
    const write = (Name: string) =>
      api("UpdateUserAttributes", { AccessToken: token, UserAttributes: [{ Name, Value: "x" }] });
    assert.match(String((await write("custom:team")).body), /InvalidParameterException/);
    const before = spa.writeAttributes;
    spa.writeAttributes = ["name"];
    try {
      assert.match(String((await write("custom:idp_groups")).body), /NotAuthorizedException.*unauthorized attribute/);
      assert.equal((await write("name")).status, 200);
    } finally {
      spa.writeAttributes = before;
    }
  });

  it("given a trigger without a permission for the pool, then sign-in fails as Cognito's does", async () => {
    const denied = recordedProgram({
      ...run,
      resources: run.resources.filter(
        (r) => r.type !== "aws:lambda/permission:Permission" || !r.name.includes("pre-token"),
      ),
    });
    const fn = lambdaOf(denied);
    const other = await startIdp({ program: denied, users: loadUsers(), lambda: () => fn });
    try {
      const pool = other.pools[0];
      const client = pool.clients.find((c) => c.clientId === spa.clientId)!;
      await assert.rejects(
        other.issueTokens(pool, client, pool.users[0]),
        /PreTokenGeneration failed with error cognito-idp\.amazonaws\.com may not invoke/,
      );
      const answer = await userPoolPublicApi({ idp: () => other, log: () => undefined })("InitiateAuth", {
        ClientId: client.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: (await pool.refreshTokens.issue(pool.users[0], client)).token },
      });
      assert.match(String(answer.body), /UserLambdaValidationException/);
    } finally {
      await other.close();
    }
  });

  it("given the trigger's answer, then groupOverrideDetails replaces the groups; without one they stay", () => {
    const own = { groups: ["a"], roleClaims: {} };
    assert.deepEqual(applyGroupOverride(own, { response: { claimsOverrideDetails: null } }), own);
    assert.deepEqual(applyGroupOverride(own, { response: { claimsOverrideDetails: { groupOverrideDetails: null } } }), {
      groups: [],
      roleClaims: {},
    });
    assert.deepEqual(
      applyGroupOverride(own, {
        response: {
          claimsOverrideDetails: {
            groupOverrideDetails: { groupsToOverride: ["b"], iamRolesToOverride: ["arn:r"], preferredRole: "arn:r" },
          },
        },
      }),
      { groups: ["b"], roleClaims: { "cognito:roles": ["arn:r"], "cognito:preferred_role": "arn:r" } },
    );
  });

  it("given a recorded V2_0 trigger, then local mode refuses it at start, naming the pool", () => {
    assert.throws(
      () => recordedTrigger("users-pool", { preTokenGenerationConfig: { lambdaArn: "arn:f", lambdaVersion: "V2_0" } }),
      (err: unknown) => err instanceof NotEmulatedYet && /users-pool.*V2_0/.test(String(err)),
    );
    assert.deepEqual(recordedTrigger("p", { preTokenGeneration: "arn:f" }), { lambdaArn: "arn:f" });
    assert.equal(recordedTrigger("p", undefined), undefined);
  });

  it("given a pool user's tokens, then the event says CONFIRMED and carries no identities", () => {
    const pool = { poolId: "p", region: "eu-west-1", groupRoles: [] };
    const e = triggerEvent(pool, "c", { ...loadUsers()[0], status: "CONFIRMED" }, "TokenGeneration_Authentication");
    assert.equal(e.request.userAttributes["cognito:user_status"], "CONFIRMED");
    assert.equal(e.request.userAttributes.identities, undefined);
  });
});

const DOORS = ["cognito", "http-jwt", "lambda-authorizer"];
/** Those doors and iam, Corp mapped. */
const DOORS_MAPPED = { doors: [...DOORS, "iam"], authMode: undefined, ...MAPPED };

describe("a federated admin at the doors (local stack, the trigger recorded)", function () {
  this.timeout(60000);
  let stack: TestDoor;
  before(async () => {
    stack = await startTestDoor("cognito", { extra: DOORS_MAPPED });
  });
  after(async () => {
    await stack?.close();
    if (stack) removeDir(stack.dataDir);
  });

  it("given Dana's upstream groups, when she signs in through Corp at each door, then she is admin", async () => {
    for (const door of DOORS) {
      const outputs = atDoor(stack.outputs, door);
      const tokens = await signIn(outputs, UPSTREAM_USERS[0], { identityProvider: "Corp" });
      const me = await new ContractContext(outputs).call("/me", {
        auth: authorization(outputs, doorToken(outputs, tokens)),
      });
      assert.equal(me.status, 200, `${door}: ${me.text}`);
      assert.equal(me.json.isAdmin, true, door);
      assert.ok(me.json.groups.includes("admins"), door);
      if (door === "lambda-authorizer") assert.equal(me.json.tier, "pro");
    }
  });

  it("given the iam door, when Dana trades her ID token at the identity pool, then she is admin", async () => {
    // The trigger reads the admin group's role at run time (GetGroup, signed with its role's credentials, allowed by
    // the recorded read-groups policy) and names it in cognito:roles and cognito:preferred_role.
    const outputs = atDoor(stack.outputs, "iam");
    const tokens = await signIn(outputs, UPSTREAM_USERS[0], { identityProvider: "Corp" });
    const id = decodeJwt(tokens.id_token!);
    const admins = stack.idp!.pools[0].groupRoles.find((g) => g.name === "admins")!;
    assert.ok(admins.roleArn, "the iam door maps the admin group to a role");
    assert.ok(id["cognito:groups"].includes("admins"));
    assert.deepEqual([id["cognito:roles"], id["cognito:preferred_role"]], [[admins.roleArn], admins.roleArn]);
    const ctx = new ContractContext(outputs);
    // The contract's own sign-in is the pool's form: Dana's tokens come from the stand-in instead.
    ctx.signIn = async () => tokens;
    const credentials = await ctx.identityPoolCredentials({ ...UPSTREAM_USERS[0], username: "dana", groups: [] });
    const me = await ctx.call("/me", { auth: sigv4(credentials, ctx.region) });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual([me.json.id, me.json.isAdmin], [id.sub, true]);
    const stats = await ctx.call("/admin/stats", { auth: sigv4(credentials, ctx.region) });
    assert.equal(stats.status, 200, stats.text);
  });

  it("given the iam door, when a pool user who wrote [engineering] trades a token, then no admin", async () => {
    const outputs = atDoor(stack.outputs, "iam");
    const pool = stack.idp!.pools[0];
    const alice = pool.users.find((u) => u.username === "alice")!;
    const client = pool.clients.find((c) => c.identityProviders.includes("Corp") && c.flows.includes("code"))!;
    const first = await stack.idp!.issueTokens(pool, client, alice);
    const wrote = await userPoolPublicApi({ idp: () => stack.idp, log: () => undefined })("UpdateUserAttributes", {
      AccessToken: first.AccessToken,
      UserAttributes: [{ Name: "custom:idp_groups", Value: "[engineering, notes-readers]" }],
    });
    assert.equal(wrote.status, 200, String(wrote.body));
    const ctx = new ContractContext(outputs);
    const tokens = await ctx.signIn(alice);
    const id = decodeJwt(tokens.id_token!);
    assert.equal(id["custom:idp_groups"], "[engineering, notes-readers]", "the write landed");
    assert.deepEqual([id["cognito:groups"], id["cognito:roles"]], [undefined, undefined]);
    ctx.signIn = async () => tokens;
    const credentials = await ctx.identityPoolCredentials(alice);
    const me = await ctx.call("/me", { auth: sigv4(credentials, ctx.region) });
    assert.deepEqual([me.status, me.json.isAdmin], [200, false]);
    assert.equal((await ctx.call("/admin/stats", { auth: sigv4(credentials, ctx.region) })).status, 403);
  });
});

describe("the trigger at the iam door without its read-groups policy (local stack)", function () {
  this.timeout(60000);
  let stack: TestDoor;
  before(async () => {
    // given the doors' recorded program (the run above, memoized) with the trigger's GetGroup policy removed
    stack = await startTestDoor("cognito", {
      extra: DOORS_MAPPED,
      alter: (run) => void (run.resources = run.resources.filter((r) => !r.name.endsWith("pre-token-read-groups"))),
    });
  });
  after(async () => {
    await stack?.close();
    if (stack) removeDir(stack.dataDir);
  });

  it("when Dana signs in through Corp, then GetGroup is denied and her sign-in fails (closed)", async () => {
    const outputs = atDoor(stack.outputs, "iam");
    // The function's log (Lambda's would go to its log group): caught here, to read it.
    const logged: string[] = [];
    const write = console.error;
    console.error = (line: string) => void logged.push(line);
    try {
      await assert.rejects(
        signIn(outputs, UPSTREAM_USERS[0], { identityProvider: "Corp" }),
        /token endpoint answered 500: server_error/,
      );
    } finally {
      console.error = write;
    }
    const line = JSON.parse(logged.find((l) => l.includes("cannot read the role"))!);
    assert.equal(line.group, "admins");
    assert.match(
      line.message,
      /AccessDeniedException: .*users-pre-token-role.* cognito-idp:GetGroup on resource: arn:/,
    );
  });
});
