import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { describeRestStage, preflightAllowHeaders } from "../../support/restStage";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { headersNotAllowed, preflightRequestHeaders } from "../../../awsRules/cors";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { StackRun, asList, ofType, one, policy, runMode } from "../../support/stack";
import { RoleAttachment, resolveRole } from "../../../awsRules/identityPool";
import { groupRoleClaims } from "../../../awsRules/userPool";
import { machineRoleKey, trustPolicyChars } from "../../../components/doors/iam/machines";
import { IAM_QUOTAS } from "../../../awsRules/iamQuotas";

const API = "arn:aws:execute-api:us-east-1:123456789012:door-api-iam-id";
const REPORTING = "arn:aws:iam::210987654321:role/reporting";
const BILLING = "arn:aws:iam::345678901234:user/billing";
const roleOf = (principal: string) => `door-machine-${machineRoleKey(principal)}`;
const userRouteArns = routeKeys(API_ROUTES)
  .filter((k) => !k.route.admin)
  .map(({ method, path }) => `${API}/v1/${method}/${path.replace(/\{[^}]+\}/g, "*").slice(1)}`);

describe("IamFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode iam with two machine principals; when the program runs under mocks
    run = await runMode("iam", {
      machineRolePrincipals: [REPORTING, BILLING],
      machineRoleExternalId: "notes-reporting-7f3a",
    });
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
    assert.deepEqual(pool.cognitoIdentityProviders, [
      {
        clientId: "users-spa-client-id",
        providerName: "cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool",
        serverSideTokenCheck: true,
      },
    ]);
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
    const invoke = (doc: { Statement: any[] }) =>
      doc.Statement.filter((s) => s.Action === "execute-api:Invoke").flatMap((s) => asList(s.Resource)) as string[];
    assert.deepEqual(invoke(user).sort(), userRouteArns.slice().sort());
    assert.deepEqual(invoke(admin).sort(), [...userRouteArns, `${API}/v1/GET/admin/stats`].sort());
  });

  it("never grants execute-api on a * account, API or stage", () => {
    for (const p of ofType(run, "aws:iam/rolePolicy:RolePolicy")) {
      for (const s of policy(p.inputs.policy).Statement.filter((s) =>
        asList(s.Action).some((a: string) => a.startsWith("execute-api:")),
      )) {
        for (const r of asList(s.Resource) as string[])
          assert.match(
            r,
            /^arn:aws:execute-api:us-east-1:123456789012:door-api-iam-id\/v1\/(GET|POST|PUT|DELETE)\/[a-z]/,
            `${p.name}: ${r}`,
          );
      }
    }
  });

  it("grants users and admins no direct S3 access: attachments go through the API's presigned URLs only", () => {
    for (const name of ["door-user-access", "door-admin-access"]) {
      const actions = policy(one(run, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement.flatMap((st) =>
        asList(st.Action),
      );
      assert.deepEqual(actions, ["execute-api:Invoke"], name);
    }
  });

  it(
    "lets the docs' browser request through the CORS preflight: every header the SigV4 signer sends " + "is allowed",
    async () => {
      // given docs/calling-the-doors.md's example, signed with temporary (identity pool) credentials
      const signer = new SignatureV4({
        service: "execute-api",
        region: "us-east-1",
        credentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "session" },
        sha256: Sha256,
      });
      const signed = await signer.sign({
        method: "PUT",
        protocol: "https:",
        hostname: "api.example.com",
        path: "/v1/notes/1",
        headers: { host: "api.example.com", "content-type": "application/json", "if-match": '"2"' },
        body: "{}",
      });
      // when a browser sends it, it first asks the preflight for every non-safelisted header
      const requested = preflightRequestHeaders(signed.headers as Record<string, string>);
      assert.ok(
        requested.includes("x-amz-content-sha256") && requested.includes("x-amz-security-token"),
        requested.join(","),
      );
      // then the recorded answer allows each of them
      assert.deepEqual(headersNotAllowed(preflightAllowHeaders(run), requested), []);
    },
  );

  describe("identity pool role resolution, as Cognito documents it, on the recorded attachment", () => {
    // https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html
    const attachment = () =>
      one(run, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment").inputs as RoleAttachment;
    const groups = () =>
      ofType(run, "aws:cognito/userGroup:UserGroup").map((g) => ({
        name: g.inputs.name,
        roleArn: g.inputs.roleArn,
        precedence: g.inputs.precedence,
      }));
    const provider = () => attachment().roleMappings![0].identityProvider;
    const USER_ROLE = "arn:aws:iam::123456789012:role/door-user-role";
    const ADMIN_ROLE = "arn:aws:iam::123456789012:role/door-admin-role";

    it("gives a user outside every group the authenticated (user) role", () => {
      assert.deepEqual(resolveRole(attachment(), provider(), groupRoleClaims(groups(), [])), { role: USER_ROLE });
    });
    it("gives a member of the admin group the admin role (its cognito:preferred_role)", () => {
      assert.deepEqual(resolveRole(attachment(), provider(), groupRoleClaims(groups(), ["admins"])), {
        role: ADMIN_ROLE,
      });
    });
    it("refuses an ordinary user who asks for the admin role (CustomRoleArn not in the token's cognito:roles)", () => {
      assert.ok("refused" in resolveRole(attachment(), provider(), groupRoleClaims(groups(), []), ADMIN_ROLE));
    });
    it("keeps the classic flow off, so no client picks its role with AssumeRoleWithWebIdentity", () => {
      assert.equal(one(run, "aws:cognito/identityPool:IdentityPool").inputs.allowClassicFlow, false);
    });
  });

  it(
    "maps roles from the token, gives ambiguous tokens the authenticated role, and points the admin group " +
      "at the admin role",
    () => {
      const attach = one(run, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment").inputs;
      assert.equal(attach.roles.authenticated, "arn:aws:iam::123456789012:role/door-user-role");
      assert.equal(attach.roleMappings.length, 1);
      assert.equal(attach.roleMappings[0].type, "Token");
      assert.equal(attach.roleMappings[0].ambiguousRoleResolution, "AuthenticatedRole");
      assert.equal(
        attach.roleMappings[0].identityProvider,
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool:users-spa-client-id",
      );
      assert.equal(
        one(run, "aws:cognito/userGroup:UserGroup", "users-admins").inputs.roleArn,
        "arn:aws:iam::123456789012:role/door-admin-role",
      );
    },
  );

  it(
    "gives each configured principal its own machine role, trusting that principal alone, that may invoke " +
      "the user routes only",
    () => {
      // given two principals; then two roles, so the handler (iam:<role ARN>) sees two machines
      const machineRoles = ofType(run, "aws:iam/role:Role").filter((r) => r.name.startsWith("door-machine-"));
      assert.deepEqual(machineRoles.map((r) => r.name).sort(), [roleOf(REPORTING), roleOf(BILLING)].sort());
      for (const principal of [REPORTING, BILLING]) {
        const trust = policy(one(run, "aws:iam/role:Role", roleOf(principal)).inputs.assumeRolePolicy);
        assert.deepEqual(
          trust.Statement,
          [
            {
              Effect: "Allow",
              Principal: { AWS: principal },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "sts:ExternalId": "notes-reporting-7f3a" } },
            },
          ],
          principal,
        );
        const access = policy(one(run, "aws:iam/rolePolicy:RolePolicy", `${roleOf(principal)}-access`).inputs.policy);
        assert.deepEqual(
          access.Statement.flatMap((s) => asList(s.Resource)).sort(),
          userRouteArns.slice().sort(),
          principal,
        );
      }
    },
  );

  it(
    "names each machine role from its principal alone, so adding or reordering principals renames no " + "other role",
    async () => {
      const CI = "arn:aws:iam::456789012345:root";
      const more = await runMode("iam", {
        machineRolePrincipals: [CI, BILLING, REPORTING],
        machineRoleExternalId: "notes-reporting-7f3a",
      });
      const urns = (r: StackRun) =>
        ofType(r, "aws:iam/role:Role")
          .filter((x) => x.name.startsWith("door-machine-"))
          .map((x) => x.urn);
      const before = urns(run);
      assert.equal(before.length, 2);
      for (const urn of before) assert.ok(urns(more).includes(urn), urn);
      assert.equal(urns(more).length, 3);
    },
  );

  it("tells each machine which role is its own: client.machineRoleArns maps each principal to its role's ARN", () => {
    assert.deepEqual(run.outputs.client.machineRoleArns, {
      [REPORTING]: `arn:aws:iam::123456789012:role/${roleOf(REPORTING)}`,
      [BILLING]: `arn:aws:iam::123456789012:role/${roleOf(BILLING)}`,
    });
  });

  describe("machine principals AWS would refuse are refused before any resource, naming machineRolePrincipals", () => {
    // IAM and STS quotas: role trust policy 2,048 characters by default (no white space), 1,000
    // roles per account, names 64 characters, paths 512.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    const refusal = async (principals: string[], externalId = "notes-reporting-7f3a") => {
      const r = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("iam", { machineRolePrincipals: principals, machineRoleExternalId: externalId }),
      });
      assert.deepEqual(
        r.resources.filter((x) => !x.type.startsWith("pulumi:")).map((x) => x.name),
        [],
        "no resource registered",
      );
      return r.error ?? "";
    };
    const principal = (pathChars: number, i = 0, partition = "aws") =>
      `arn:${partition}:iam::210987654321:role/${"p".repeat(pathChars - 2)}/${String(i).padStart(64, "r")}`;
    const longest = { machineRoleExternalId: "x".repeat(1224), machineRoleOrgId: `o-${"a".repeat(32)}` };
    it(
      "given the longest principal IAM names allow (512-character path, 64-character name) with the " +
        "longest external id and an organization, then its trust policy would exceed 2,048 characters and it is " +
        "refused",
      async () => {
        const r = await runStack({
          stack: OFFLINE_STACK,
          config: doorConfig("iam", { machineRolePrincipals: [principal(512, 0, "aws-us-gov")], ...longest }),
        });
        assert.deepEqual(
          r.resources.filter((x) => !x.type.startsWith("pulumi:")).map((x) => x.name),
          [],
          "no resource registered",
        );
        assert.match(
          r.error ?? "",
          /notes-auth:machineRolePrincipals has .*trust policy .* above IAM's default quota of 2048/,
        );
      },
    );
    it(
      "given twenty long principals with the longest external id and an organization, then each " +
        "role's recorded trust policy fits 2,048 characters (one shared role grew with the list past the quota)",
      async () => {
        const principals = Array.from({ length: 20 }, (_, i) => principal(400, i));
        const r = await runStack({
          stack: OFFLINE_STACK,
          config: doorConfig("iam", { machineRolePrincipals: principals, ...longest }),
        });
        assert.equal(r.error, undefined);
        const roles = r.resources.filter((x) => x.type === "aws:iam/role:Role" && x.name.startsWith("door-machine-"));
        assert.equal(roles.length, 20);
        for (const role of roles) {
          const chars = trustPolicyChars(policy(role.inputs.assumeRolePolicy).Statement);
          assert.ok(chars <= IAM_QUOTAS.trustPolicyChars && chars > 1800, `${role.name}: ${chars} characters`);
        }
      },
    );
    it("given more principals than an account holds roles (1,000 by default), then it is refused", async () => {
      const many = Array.from({ length: 1001 }, (_, i) => `arn:aws:iam::210987654321:role/machine-${i}`);
      assert.match(await refusal(many), /notes-auth:machineRolePrincipals lists 1001 principals/);
    });
    it("given a role name longer than 64 characters, then it is refused", async () => {
      assert.match(
        await refusal([`arn:aws:iam::210987654321:role/${"r".repeat(65)}`]),
        /notes-auth:machineRolePrincipals .*at most 64 characters/,
      );
    });
    it(
      "given an entry that is no IAM role, user or root ARN (an account id, a wildcard, an " +
        "assumed-role session), then it is refused",
      async () => {
        for (const bad of ["210987654321", "*", "arn:aws:sts::210987654321:assumed-role/reporting/s"]) {
          assert.match(
            await refusal([bad]),
            /notes-auth:machineRolePrincipals has .*an IAM role, user or account-root ARN/,
            bad,
          );
        }
      },
    );
    it(
      "given an account's root beside a role of the same account, then it is refused (the role could " +
        "assume the root's machine role too); roots of other accounts are accepted",
      async () => {
        assert.match(
          await refusal(["arn:aws:iam::210987654321:root", "arn:aws:iam::210987654321:role/reporting"]),
          new RegExp(
            String.raw`notes-auth:machineRolePrincipals has "arn:aws:iam::210987654321:root" and "ar` +
              String.raw`n:aws:iam::210987654321:role\/reporting": a role that trusts an account's root`,
          ),
        );
        const ok = await runStack({
          stack: OFFLINE_STACK,
          config: doorConfig("iam", {
            machineRolePrincipals: ["arn:aws:iam::210987654321:root", "arn:aws:iam::123456789012:role/reporting"],
            machineRoleExternalId: "notes-reporting-7f3a",
          }),
        });
        assert.equal(ok.error, undefined);
      },
    );
    it(
      "given two entries that differ only in case, then it is refused (IAM names are " +
        "case-insensitive: one principal)",
      async () => {
        assert.match(
          await refusal(["arn:aws:iam::210987654321:role/Reporting", "arn:aws:iam::210987654321:role/reporting"]),
          /notes-auth:machineRolePrincipals has .*case-insensitive, so they are one principal/,
        );
      },
    );
    it("given a long but valid principal with a short external id, then it is accepted", async () => {
      const ok = await runStack({
        stack: OFFLINE_STACK,
        config: doorConfig("iam", {
          machineRolePrincipals: [`arn:aws:iam::210987654321:role/${"team/".repeat(100)}reporting`],
          machineRoleExternalId: "notes-reporting-7f3a",
        }),
      });
      assert.equal(ok.error, undefined);
    });
  });

  it("tells the handler the pool and the admin role, and clients the identity pool and machine role", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "iam");
    assert.equal(env.USER_POOL_ID, "us-east-1_userspool");
    assert.equal(env.IAM_ADMIN_ROLE_ARN, "arn:aws:iam::123456789012:role/door-admin-role");
    assert.equal(env.IAM_IDENTITY_POOL_ID, run.outputs.client.identityPoolId);
    assert.match(run.outputs.client.identityPoolId, /^us-east-1:/);
  });

  it("requires an external id or an organization for the machine role's principals", async () => {
    const refused = await runStack({
      stack: OFFLINE_STACK,
      config: doorConfig("iam", { machineRolePrincipals: [REPORTING] }),
    });
    assert.match(refused.error ?? "", /notes-auth:machineRoleExternalId or notes-auth:machineRoleOrgId is required/);
    const org = await runMode("iam", { machineRolePrincipals: [REPORTING], machineRoleOrgId: "o-a1b2c3d4e5" });
    assert.deepEqual(
      policy(one(org, "aws:iam/role:Role", roleOf(REPORTING)).inputs.assumeRolePolicy).Statement[0].Condition,
      { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
    );
  });

  it("creates no machine role when no principal is configured", async () => {
    const plain = await runMode("iam");
    assert.equal(plain.resources.filter((r) => r.name.startsWith("door-machine-")).length, 0);
    assert.deepEqual(plain.outputs.client.machineRoleArns, {});
  });

  describeRestStage("iam", () => run);
});
