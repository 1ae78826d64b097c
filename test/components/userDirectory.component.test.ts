import * as assert from "assert";
import { UserDirectory } from "../../components/userDirectory";
import { RecordedResource } from "../../offline/mocks";
import { all, buildAlone, only, valueOf } from "./alone";

describe("UserDirectory, built alone", function () {
  let resources: RecordedResource[];
  let users: UserDirectory;
  before(async () => {
    // given a protected directory with MFA on and no self sign-up, whose admin group a door maps to a role
    resources = await buildAlone(() => {
      users = new UserDirectory("users", {
        protectData: true,
        mfa: "ON",
        adminGroup: "operators",
        domainPrefix: "notes-alone",
        selfSignUp: false,
        plan: "ESSENTIALS",
      });
      users.mapAdminGroupToRole("arn:aws:iam::123456789012:role/notes-admins");
      users.seal();
    });
  });

  it("when built, then the pool takes the strict password policy, MFA, sign-up and deletion protection asked", () => {
    const pool = only(resources, "aws:cognito/userPool:UserPool");
    assert.deepEqual(pool.inputs.passwordPolicy, {
      minimumLength: 8,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      temporaryPasswordValidityDays: 3,
    });
    assert.equal(pool.inputs.mfaConfiguration, "ON");
    assert.deepEqual(pool.inputs.softwareTokenMfaConfiguration, { enabled: true });
    assert.equal(pool.inputs.adminCreateUserConfig.allowAdminCreateUserOnly, true);
    assert.equal(pool.inputs.deletionProtection, "ACTIVE");
  });

  it("when built protected, then the pool and everything the directory adds to it are protected and retained", () => {
    const component = only(resources, "notes-auth:users:UserDirectory");
    const children = resources.filter((r) => r.parent === component.urn && r.custom);
    assert.deepEqual(children.map((r) => r.type).sort(), [
      "aws:cognito/resourceServer:ResourceServer",
      "aws:cognito/userGroup:UserGroup",
      "aws:cognito/userPool:UserPool",
      "aws:cognito/userPoolClient:UserPoolClient",
      "aws:cognito/userPoolDomain:UserPoolDomain",
    ]);
    for (const r of children) assert.deepEqual([r.options.protect, r.options.retainOnDelete], [true, true], r.name);
  });

  it("when built, then the SPA client, domain and group belong to this pool, the client asking for its scopes", () => {
    const pool = only(resources, "aws:cognito/userPool:UserPool");
    for (const type of ["userPoolClient:UserPoolClient", "userPoolDomain:UserPoolDomain", "userGroup:UserGroup"])
      for (const r of all(resources, `aws:cognito/${type}`)) assert.equal(r.inputs.userPoolId, pool.state.id, r.name);
    const client = only(resources, "aws:cognito/userPoolClient:UserPoolClient");
    assert.equal(client.inputs.generateSecret, false);
    assert.deepEqual(client.inputs.allowedOauthScopes, [
      "openid",
      "email",
      "profile",
      ...only(resources, "aws:cognito/resourceServer:ResourceServer").state.scopeIdentifiers,
    ]);
    assert.equal(only(resources, "aws:cognito/userPoolDomain:UserPoolDomain").inputs.domain, "notes-alone");
  });

  it("when sealed, then the admin group is named as asked and takes the role the door mapped", async () => {
    const group = only(resources, "aws:cognito/userGroup:UserGroup");
    assert.equal(group.inputs.name, "operators");
    assert.equal(group.inputs.roleArn, "arn:aws:iam::123456789012:role/notes-admins");
    const pool = only(resources, "aws:cognito/userPool:UserPool");
    assert.equal(await valueOf(users.issuer), `https://cognito-idp.us-east-1.amazonaws.com/${pool.state.id}`);
    assert.equal(await valueOf(users.domainUrl), "https://notes-alone.auth.us-east-1.amazoncognito.com");
  });
});
