import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { describeRestStage } from "../../support/restStage";
import { StackRun, asList, ofType, one, policy, runMode } from "../../support/stack";

const API = "arn:aws:execute-api:us-east-1:123456789012:door-api-id";
const userRouteArns = routeKeys(API_ROUTES).filter((k) => !k.route.admin).map(({ method, path }) => `${API}/v1/${method}/${path.replace(/\{[^}]+\}/g, "*").slice(1)}`);

describe("IamFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode iam with one machine principal; when the program runs under mocks
    run = await runMode("iam", { machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"] });
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

  it("scopes direct S3 access to private/${cognito-identity.amazonaws.com:sub}/, literally", () => {
    const doc = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-user-access").inputs.policy);
    const objects = doc.Statement.find((s) => asList(s.Action).includes("s3:PutObject"));
    assert.deepEqual(asList(objects.Action).sort(), ["s3:GetObject", "s3:PutObject"]);
    assert.equal(objects.Resource, "arn:aws:s3:::notes-attachments/private/${cognito-identity.amazonaws.com:sub}/*");
    const list = doc.Statement.find((s) => s.Action === "s3:ListBucket");
    assert.equal(list.Resource, "arn:aws:s3:::notes-attachments");
    assert.deepEqual(list.Condition, { StringLike: { "s3:prefix": "private/${cognito-identity.amazonaws.com:sub}/*" } });
  });

  it("maps roles from the token, denies ambiguous ones, and points the admin group at the admin role", () => {
    const attach = one(run, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment").inputs;
    assert.equal(attach.roles.authenticated, "arn:aws:iam::123456789012:role/door-user-role");
    assert.equal(attach.roleMappings.length, 1);
    assert.equal(attach.roleMappings[0].type, "Token");
    assert.equal(attach.roleMappings[0].ambiguousRoleResolution, "Deny");
    assert.equal(attach.roleMappings[0].identityProvider, "cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool:users-spa-client-id");
    assert.equal(one(run, "aws:cognito/userGroup:UserGroup").inputs.roleArn, "arn:aws:iam::123456789012:role/door-admin-role");
  });

  it("lets the configured principals assume a machine role that may invoke the user routes only", () => {
    const trust = policy(one(run, "aws:iam/role:Role", "door-machine-role").inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement, [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::210987654321:role/reporting"] }, Action: "sts:AssumeRole" }]);
    const access = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-machine-access").inputs.policy);
    assert.deepEqual(access.Statement.flatMap((s) => asList(s.Resource)).sort(), userRouteArns.slice().sort());
  });

  it("tells the handler the pool and the admin role, and clients the identity pool and machine role", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "iam");
    assert.equal(env.USER_POOL_ID, "us-east-1_userspool");
    assert.equal(env.IAM_ADMIN_ROLE_NAME, "door-admin-role");
    assert.match(run.outputs.client.identityPoolId, /^us-east-1:/);
    assert.equal(run.outputs.client.machineRoleArn, "arn:aws:iam::123456789012:role/door-machine-role");
  });

  it("creates no machine role when no principal is configured", async () => {
    const plain = await runMode("iam");
    assert.equal(plain.resources.filter((r) => r.name === "door-machine-role").length, 0);
    assert.equal(plain.outputs.client.machineRoleArn, "");
  });

  describeRestStage("iam", () => run);
});
