import * as assert from "assert";
import { PRE_TOKEN_GENERATION_ENTRY, USER_ADMIN_SCOPE, UserDirectory } from "../../components/userDirectory";
import { bundleHandler } from "../../components/backend/bundle";
import { GROUP_MAPPING_ENV, readGroupMapping } from "../../handlers/preTokenGeneration";
import { diffRuns } from "../../tools/planDiff";
import { runPolicies } from "../../offline/policyPack";
import { RecordedResource } from "../../offline/mocks";
import { all, buildAlone, only } from "./alone";
import { StackRun, ofType, resourcesUnder, runMode } from "../support/stack";

const ADMIN_ROLE = "arn:aws:iam::123456789012:role/notes-admins";
const FN = "aws:lambda/function:Function";
const POOL = "aws:cognito/userPool:UserPool";

const corp = (groupMapping?: Record<string, string>) => ({
  name: "Corp",
  type: "OIDC" as const,
  settings: { clientId: "notes", issuer: "https://login.example.com" },
  attributeMapping: { email: "email" },
  groupsClaim: "groups",
  ...(groupMapping ? { groupMapping } : {}),
});

describe("UserDirectory with a group mapping: the pre token generation trigger", function () {
  let resources: RecordedResource[];
  before(async () => {
    // given a directory federating Corp with a mapping, a tier group added, and the admin group mapped to a role
    resources = await buildAlone(() => {
      const users = new UserDirectory("users", {
        adminGroup: "admins",
        domainPrefix: "notes-alone",
        selfSignUp: true,
        plan: "LITE",
        federation: { providers: [corp({ "corp-admins": "admins", "corp-pro": "pro" })], secrets: '{"Corp":"c"}' },
      });
      users.addGroup("users-tier-pro", "pro", "Tier pro", { parent: users });
      users.mapAdminGroupToRole(ADMIN_ROLE);
      users.seal();
    });
  });

  it("when built, then the pool runs the trigger's V1_0 event (every plan has it, Lite included)", () => {
    const fn = only(resources, FN);
    assert.deepEqual(only(resources, POOL).inputs.lambdaConfig, {
      preTokenGenerationConfig: { lambdaArn: fn.state.arn, lambdaVersion: "V1_0" },
    });
    assert.equal(fn.inputs.code.assets["index.js"].text, bundleHandler(PRE_TOKEN_GENERATION_ENTRY).code);
    assert.deepEqual([fn.inputs.runtime, fn.inputs.timeout], ["nodejs22.x", 5]);
  });

  it("when built, then only this pool may invoke the trigger, as cognito-idp.amazonaws.com", () => {
    const permission = only(resources, "aws:lambda/permission:Permission");
    assert.deepEqual(
      [permission.inputs.principal, permission.inputs.action, permission.inputs.sourceArn, permission.inputs.function],
      [
        "cognito-idp.amazonaws.com",
        "lambda:InvokeFunction",
        only(resources, POOL).state.arn,
        only(resources, FN).state.name,
      ],
    );
  });

  it("when built, then the trigger's role may write its logs, and read the pool's groups (a policy apart)", () => {
    const policies = all(resources, "aws:iam/rolePolicy:RolePolicy");
    const role = only(resources, "aws:iam/role:Role");
    assert.deepEqual(
      policies.map((p) => [p.name, p.inputs.role]),
      [
        ["users-pre-token-access", role.state.id],
        ["users-pre-token-read-groups", role.state.id],
      ],
    );
    // GetGroup on the exact pool ARN, nothing else: the policy waits for the pool, the function not for the policy.
    assert.deepEqual(
      JSON.parse(policies[1].inputs.policy).Statement.map((s: any) => [s.Effect, s.Action, s.Resource]),
      [["Allow", ["cognito-idp:GetGroup"], only(resources, POOL).state.arn]],
    );
    const statements = JSON.parse(policies[0].inputs.policy).Statement;
    assert.deepEqual(
      statements.map((s: any) => [s.Action, s.Resource]),
      [
        [
          ["logs:CreateLogStream", "logs:PutLogEvents"],
          `${only(resources, "aws:cloudwatch/logGroup:LogGroup").state.arn}:log-stream:*`,
        ],
      ],
    );
  });

  it("when sealed, then the trigger knows the mapping, the groups, which has a role (by name, no ARN)", () => {
    const env = only(resources, FN).inputs.environment.variables;
    assert.deepEqual(readGroupMapping({ [GROUP_MAPPING_ENV]: env[GROUP_MAPPING_ENV] }), {
      providers: { Corp: { "corp-admins": "admins", "corp-pro": "pro" } },
      groups: ["admins", "pro"],
      groupsWithRoles: ["admins"],
    });
    assert.ok(!env[GROUP_MAPPING_ENV].includes(ADMIN_ROLE));
  });

  it(`given a sign-in client allowing ${USER_ADMIN_SCOPE}, then it is refused`, async () => {
    let refused: unknown;
    await buildAlone(() => {
      const users = new UserDirectory("users", {
        adminGroup: "admins",
        domainPrefix: "notes-alone",
        selfSignUp: true,
        plan: "LITE",
        federation: { providers: [corp({ "corp-admins": "admins" })], secrets: '{"Corp":"c"}' },
      });
      try {
        users.addSignInClient("door-login", { allowedOauthScopes: ["openid", USER_ADMIN_SCOPE] }, { parent: users });
      } catch (err) {
        refused = err;
      }
      users.seal();
    });
    assert.match(String(refused), new RegExp(`${USER_ADMIN_SCOPE.replace(/\./g, "\\.")}.*custom:idp_groups`));
  });

  it("given no mapping, then no trigger and no lambdaConfig (a stack without one sees no change)", async () => {
    const plain = await buildAlone(() =>
      new UserDirectory("users", {
        adminGroup: "admins",
        domainPrefix: "notes-alone",
        selfSignUp: true,
        plan: "LITE",
        federation: { providers: [corp()], secrets: '{"Corp":"c"}' },
      }).seal(),
    );
    assert.deepEqual(all(plain, FN), []);
    assert.equal(only(plain, POOL).inputs.lambdaConfig, undefined);
  });

  it("given a mapping but no group with a role, then the trigger reads nothing and may not", async () => {
    const unroled = await buildAlone(() =>
      new UserDirectory("users", {
        adminGroup: "admins",
        domainPrefix: "notes-alone",
        selfSignUp: true,
        plan: "LITE",
        federation: { providers: [corp({ "corp-admins": "admins" })], secrets: '{"Corp":"c"}' },
      }).seal(),
    );
    assert.deepEqual(
      all(unroled, "aws:iam/rolePolicy:RolePolicy").map((p) => p.name),
      ["users-pre-token-access"],
    );
    const env = only(unroled, FN).inputs.environment.variables;
    assert.deepEqual(readGroupMapping(env).groupsWithRoles, []);
  });
});

describe("turning a group mapping on in a running stack", function () {
  const federated = (groupMapping?: Record<string, string>) => ({
    identityProviders: [corp(groupMapping)],
    identityProviderSecrets: JSON.stringify({ Corp: "c-secret" }),
  });
  let before_: StackRun;
  let after: StackRun;
  before(async () => {
    [before_, after] = await Promise.all([
      runMode("cognito", federated()),
      runMode("cognito", federated({ "corp-admins": "admins", "corp-pro": "pro" })),
    ]);
  });

  it("then the pool keeps its URN and is updated in place (lambdaConfig), never replaced; the rest is created", () => {
    const changes = diffRuns(before_.resources, after.resources);
    const pool = ofType(after, POOL)[0];
    assert.deepEqual(
      changes.filter((c) => c.change !== "create").map((c) => [c.change, c.type, c.inputs]),
      [["update", POOL, ["lambdaConfig"]]],
    );
    assert.equal(changes.find((c) => c.type === POOL)?.urn, pool.urn);
    const directory = resourcesUnder(after, "notes-auth:users:UserDirectory").map((r) => r.urn);
    for (const c of changes.filter((c) => c.change === "create")) assert.ok(directory.includes(c.urn), c.urn);
    assert.deepEqual(
      changes
        .filter((c) => c.change === "create")
        .map((c) => c.type)
        .sort(),
      [
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        FN,
        "aws:lambda/permission:Permission",
      ],
    );
  });

  it("then the stack with the trigger passes the policy pack (runtime, scoped permission, no wildcard)", async () =>
    assert.deepEqual(await runPolicies(after), []));

  it("given the iam door, whose admin role trusts the identity pool, then the program completes", async () => {
    // pool -> trigger, and read-groups policy -> (pool, trigger's role): the policy closes no cycle.
    const iam = await runMode("iam", federated({ "corp-admins": "admins" }));
    const env = ofType(iam, FN).find((f) => f.name === "users-pre-token")!.inputs.environment.variables;
    assert.deepEqual(readGroupMapping(env), {
      providers: { Corp: { "corp-admins": "admins" } },
      groups: ["admins", "pro"],
      groupsWithRoles: ["admins"],
    });
    const read = ofType(iam, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "users-pre-token-read-groups")!;
    assert.deepEqual(
      JSON.parse(read.inputs.policy).Statement.map((s: any) => [s.Action, s.Resource]),
      [[["cognito-idp:GetGroup"], ofType(iam, POOL)[0].state.arn]],
    );
    const admins = ofType(iam, "aws:cognito/userGroup:UserGroup").find((g) => g.inputs.name === "admins")!;
    assert.match(String(admins.inputs.roleArn), /^arn:aws:iam::/);
    assert.deepEqual(await runPolicies(iam), []);
  });
});
