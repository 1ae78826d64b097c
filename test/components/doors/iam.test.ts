import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { describeRestStage, preflightAllowHeaders } from "../../support/restStage";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { headersNotAllowed, preflightRequestHeaders } from "../../../aws/cors";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { StackRun, asList, ofType, one, policy, runMode } from "../../support/stack";
import { RoleAttachment, resolveRole } from "../../../aws/identityPool";
import { groupRoleClaims } from "../../../aws/userPool";

const API = "arn:aws:execute-api:us-east-1:123456789012:door-api-id";
const userRouteArns = routeKeys(API_ROUTES).filter((k) => !k.route.admin).map(({ method, path }) => `${API}/v1/${method}/${path.replace(/\{[^}]+\}/g, "*").slice(1)}`);

describe("IamFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode iam with one machine principal; when the program runs under mocks
    run = await runMode("iam", { machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"], machineRoleExternalId: "notes-reporting-7f3a" });
  });

  it("requires AWS_IAM on every non-OPTIONS method", () => {
    const methods = ofType(run, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
    assert.equal(methods.length, routeKeys().length);
    for (const m of methods) assert.equal(m.inputs.authorization, "AWS_IAM", m.name);
  });

  it("binds an identity pool to this pool's SPA client: no guests, no classic flow, server-side token check", () => {
    const pool = one(run, "aws:cognito/identityPool:IdentityPool").inputs;
    assert.equal(pool.allowUnauthenticatedIdentities, false);
    assert.equal(pool.allowClassicFlow, false);
    assert.deepEqual(pool.cognitoIdentityProviders, [{
      clientId: "users-spa-client-id",
      providerName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool",
      serverSideTokenCheck: true,
    }]);
  });

  for (const role of ["door-user-role", "door-admin-role"]) {
    it(`${role} trusts only authenticated identities of this identity pool`, () => {
      const trust = policy(one(run, "aws:iam/role:Role", role).inputs.assumeRolePolicy);
      assert.equal(trust.Statement.length, 1);
      const [s] = trust.Statement;
      assert.deepEqual(s.Principal, { Federated: "cognito-identity.amazonaws.com" });
      assert.equal(s.Action, "sts:AssumeRoleWithWebIdentity");
      const poolId = one(run, "aws:cognito/identityPool:IdentityPool").name;
      assert.match(s.Condition.StringEquals["cognito-identity.amazonaws.com:aud"], new RegExp(`^us-east-1:`), poolId);
      assert.equal(s.Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"], "authenticated");
    });
  }

  it("lets users invoke exactly the user routes of this stage, and admins also /admin/*", () => {
    const user = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-user-access").inputs.policy);
    const admin = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-admin-access").inputs.policy);
    const invoke = (doc: { Statement: any[] }) => doc.Statement.filter((s) => s.Action === "execute-api:Invoke").flatMap((s) => asList(s.Resource)) as string[];
    assert.deepEqual(invoke(user).sort(), userRouteArns.slice().sort());
    assert.deepEqual(invoke(admin).sort(), [...userRouteArns, `${API}/v1/GET/admin/stats`].sort());
  });

  it("never grants execute-api on a * account, API or stage", () => {
    for (const p of ofType(run, "aws:iam/rolePolicy:RolePolicy")) {
      for (const s of policy(p.inputs.policy).Statement.filter((s) => asList(s.Action).some((a: string) => a.startsWith("execute-api:")))) {
        for (const r of asList(s.Resource) as string[]) assert.match(r, /^arn:aws:execute-api:us-east-1:123456789012:door-api-id\/v1\/(GET|POST|PUT|DELETE)\/[a-z]/, `${p.name}: ${r}`);
      }
    }
  });

  it("grants users and admins no direct S3 access: attachments go through the API's presigned URLs only", () => {
    for (const name of ["door-user-access", "door-admin-access"]) {
      const actions = policy(one(run, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement.flatMap((st) => asList(st.Action));
      assert.deepEqual(actions, ["execute-api:Invoke"], name);
    }
  });

  it("lets the README's browser request through the CORS preflight: every header the SigV4 signer sends is allowed", async () => {
    // given the README's example, signed with temporary (identity pool) credentials
    const signer = new SignatureV4({ service: "execute-api", region: "us-east-1", credentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "session" }, sha256: Sha256 });
    const signed = await signer.sign({ method: "PUT", protocol: "https:", hostname: "api.example.com", path: "/v1/notes/1", headers: { host: "api.example.com", "content-type": "application/json", "if-match": '"2"' }, body: "{}" });
    // when a browser sends it, it first asks the preflight for every non-safelisted header
    const requested = preflightRequestHeaders(signed.headers as Record<string, string>);
    assert.ok(requested.includes("x-amz-content-sha256") && requested.includes("x-amz-security-token"), requested.join(","));
    // then the recorded answer allows each of them
    assert.deepEqual(headersNotAllowed(preflightAllowHeaders(run), requested), []);
  });

  describe("identity pool role resolution, as Cognito documents it, on the recorded attachment", () => {
    // https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html
    const attachment = () => one(run, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment").inputs as RoleAttachment;
    const groups = () => ofType(run, "aws:cognito/userGroup:UserGroup").map((g) => ({ name: g.inputs.name, roleArn: g.inputs.roleArn, precedence: g.inputs.precedence }));
    const provider = () => attachment().roleMappings![0].identityProvider;
    const USER_ROLE = "arn:aws:iam::123456789012:role/door-user-role";
    const ADMIN_ROLE = "arn:aws:iam::123456789012:role/door-admin-role";

    it("gives a user outside every group the authenticated (user) role", () => {
      assert.deepEqual(resolveRole(attachment(), provider(), groupRoleClaims(groups(), [])), { role: USER_ROLE });
    });
    it("gives a member of the admin group the admin role (its cognito:preferred_role)", () => {
      assert.deepEqual(resolveRole(attachment(), provider(), groupRoleClaims(groups(), ["admins"])), { role: ADMIN_ROLE });
    });
    it("refuses an ordinary user who asks for the admin role (CustomRoleArn not in the token's cognito:roles)", () => {
      assert.ok("refused" in resolveRole(attachment(), provider(), groupRoleClaims(groups(), []), ADMIN_ROLE));
    });
    it("keeps the classic flow off, so no client picks its role with AssumeRoleWithWebIdentity", () => {
      assert.equal(one(run, "aws:cognito/identityPool:IdentityPool").inputs.allowClassicFlow, false);
    });
  });

  it("maps roles from the token, gives ambiguous tokens the authenticated role, and points the admin group at the admin role", () => {
    const attach = one(run, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment").inputs;
    assert.equal(attach.roles.authenticated, "arn:aws:iam::123456789012:role/door-user-role");
    assert.equal(attach.roleMappings.length, 1);
    assert.equal(attach.roleMappings[0].type, "Token");
    assert.equal(attach.roleMappings[0].ambiguousRoleResolution, "AuthenticatedRole");
    assert.equal(attach.roleMappings[0].identityProvider, "cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool:users-spa-client-id");
    assert.equal(one(run, "aws:cognito/userGroup:UserGroup").inputs.roleArn, "arn:aws:iam::123456789012:role/door-admin-role");
  });

  it("lets the configured principals assume a machine role that may invoke the user routes only", () => {
    const trust = policy(one(run, "aws:iam/role:Role", "door-machine-role").inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement, [{
      Effect: "Allow", Principal: { AWS: ["arn:aws:iam::210987654321:role/reporting"] }, Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "notes-reporting-7f3a" } },
    }]);
    const access = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-machine-access").inputs.policy);
    assert.deepEqual(access.Statement.flatMap((s) => asList(s.Resource)).sort(), userRouteArns.slice().sort());
  });

  it("tells the handler the pool and the admin role, and clients the identity pool and machine role", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "iam");
    assert.equal(env.USER_POOL_ID, "us-east-1_userspool");
    assert.equal(env.IAM_ADMIN_ROLE_ARN, "arn:aws:iam::123456789012:role/door-admin-role");
    assert.equal(env.IAM_IDENTITY_POOL_ID, run.outputs.client.identityPoolId);
    assert.match(run.outputs.client.identityPoolId, /^us-east-1:/);
    assert.equal(run.outputs.client.machineRoleArn, "arn:aws:iam::123456789012:role/door-machine-role");
  });

  it("requires an external id or an organization for the machine role's principals", async () => {
    const refused = await runStack({ stack: OFFLINE_STACK, config: doorConfig("iam", { machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"] }) });
    assert.match(refused.error ?? "", /notes-auth:machineRoleExternalId or notes-auth:machineRoleOrgId is required/);
    const org = await runMode("iam", { machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"], machineRoleOrgId: "o-a1b2c3d4e5" });
    assert.deepEqual(policy(one(org, "aws:iam/role:Role", "door-machine-role").inputs.assumeRolePolicy).Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
  });

  it("creates no machine role when no principal is configured", async () => {
    const plain = await runMode("iam");
    assert.equal(plain.resources.filter((r) => r.name === "door-machine-role").length, 0);
    assert.equal(plain.outputs.client.machineRoleArn, "");
  });

  describeRestStage("iam", () => run);
});
