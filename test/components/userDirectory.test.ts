import * as assert from "assert";
import { StackRun, one, runMode } from "../support/stack";

describe("UserDirectory", function () {
  let run: StackRun;
  before(async () => {
    run = await runMode("cognito");
  });
  it("signs in by email with a strong password policy and optional TOTP MFA", () => {
    const pool = one(run, "aws:cognito/userPool:UserPool").inputs;
    assert.deepEqual(pool.usernameAttributes, ["email"]);
    assert.ok(pool.passwordPolicy.minimumLength >= 8);
    for (const k of ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"]) assert.equal(pool.passwordPolicy[k], true, k);
    assert.equal(pool.mfaConfiguration, "OPTIONAL");
    assert.deepEqual(pool.softwareTokenMfaConfiguration, { enabled: true });
    assert.equal(pool.deletionProtection, "INACTIVE");
  });
  it("has a SPA client without a secret, with SRP and refresh flows", () => {
    const client = one(run, "aws:cognito/userPoolClient:UserPoolClient", "users-spa").inputs;
    assert.equal(client.generateSecret, false);
    assert.deepEqual(client.explicitAuthFlows.sort(), ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
    assert.equal(client.preventUserExistenceErrors, "ENABLED");
  });
  it("lets anyone sign up by default and sends email with Cognito's default sender", () => {
    const pool = one(run, "aws:cognito/userPool:UserPool").inputs;
    assert.equal(pool.adminCreateUserConfig.allowAdminCreateUserOnly, false);
    assert.deepEqual(pool.emailConfiguration, { emailSendingAccount: "COGNITO_DEFAULT" });
  });
  it("with selfSignUp false and an SES identity: only admins create users, and email goes through SES", async () => {
    const prod = await runMode("cognito", { selfSignUp: false, sesEmailIdentityArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com", emailFrom: "Notes <no-reply@example.com>" });
    const pool = one(prod, "aws:cognito/userPool:UserPool").inputs;
    assert.equal(pool.adminCreateUserConfig.allowAdminCreateUserOnly, true);
    assert.deepEqual(pool.emailConfiguration, { emailSendingAccount: "DEVELOPER", sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com", fromEmailAddress: "Notes <no-reply@example.com>" });
  });
  it("has the admin group", () => {
    assert.equal(one(run, "aws:cognito/userGroup:UserGroup").inputs.name, "admins");
  });
});
