import * as assert from "assert";
import { OFFLINE_STACK, runStack } from "../../offline/runStack";
import { doorConfig } from "../../components/doors/registry";
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
    for (const k of ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"])
      assert.equal(pool.passwordPolicy[k], true, k);
    assert.equal(pool.mfaConfiguration, "OPTIONAL");
    assert.deepEqual(pool.softwareTokenMfaConfiguration, { enabled: true });
    assert.equal(pool.deletionProtection, "INACTIVE");
  });
  it(
    "given no protectData, nothing of the directory is protected or retained (an unprotected stack is " +
      "destroyable)",
    () => {
      for (const r of run.resources.filter((r) => r.custom && r.urn.includes("UserDirectory")))
        assert.deepEqual(
          { protect: r.options.protect, retain: r.options.retainOnDelete },
          { protect: false, retain: false },
          r.name,
        );
    },
  );
  it(
    "given protectData, protects and retains the pool and everything the directory adds to it " +
      "(scopes, domain, SPA client, admin group), with the same URNs",
    async () => {
      const protectedRun = await runMode("cognito", { protectData: true });
      const pool = one(protectedRun, "aws:cognito/userPool:UserPool");
      // (the stack's identities in the pool, such as the default tier's group, are not the directory's)
      const directory = one(protectedRun, "notes-auth:users:UserDirectory");
      const children = protectedRun.resources.filter(
        (r) => r.custom && r.inputs.userPoolId === pool.state.id && r.parent === directory.urn,
      );
      assert.deepEqual(children.map((r) => r.name).sort(), [
        "users-admins",
        "users-domain",
        "users-notes-scopes",
        "users-spa",
      ]);
      for (const r of [pool, ...children])
        assert.deepEqual(
          { protect: r.options.protect, retain: r.options.retainOnDelete },
          { protect: true, retain: true },
          r.name,
        );
      const urns = (x: StackRun) =>
        x.resources
          .filter((r) => r.urn.includes("UserDirectory"))
          .map((r) => r.urn)
          .sort();
      assert.deepEqual(urns(protectedRun), urns(run));
    },
  );
  it("has a SPA client without a secret, with SRP and refresh flows", () => {
    const client = one(run, "aws:cognito/userPoolClient:UserPoolClient", "users-spa").inputs;
    assert.equal(client.generateSecret, false);
    assert.deepEqual([...client.explicitAuthFlows].sort(), ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]);
    assert.equal(client.preventUserExistenceErrors, "ENABLED");
  });
  it(
    "given no identity providers nor token keys, then the SPA client's inputs are today's: COGNITO alone, 60-minute " +
      "ID and access tokens, 30-day refresh tokens, no rotation (an existing stack sees no change)",
    () => {
      const client = one(run, "aws:cognito/userPoolClient:UserPoolClient", "users-spa");
      const { supportedIdentityProviders, idTokenValidity, accessTokenValidity, refreshTokenValidity } = client.inputs;
      assert.deepEqual(
        {
          supportedIdentityProviders,
          idTokenValidity,
          accessTokenValidity,
          refreshTokenValidity,
          tokenValidityUnits: client.inputs.tokenValidityUnits,
          rotation: "refreshTokenRotation" in client.inputs,
        },
        {
          supportedIdentityProviders: ["COGNITO"],
          idTokenValidity: 60,
          accessTokenValidity: 60,
          refreshTokenValidity: 30,
          tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
          rotation: false,
        },
      );
      assert.equal(run.resources.filter((r) => r.type === "aws:cognito/identityProvider:IdentityProvider").length, 0);
      assert.equal(one(run, "aws:cognito/userPool:UserPool").inputs.schemas, undefined);
    },
  );
  it("lets anyone sign up by default and sends email with Cognito's default sender", () => {
    const pool = one(run, "aws:cognito/userPool:UserPool").inputs;
    assert.equal(pool.adminCreateUserConfig.allowAdminCreateUserOnly, false);
    assert.deepEqual(pool.emailConfiguration, { emailSendingAccount: "COGNITO_DEFAULT" });
  });
  it("with selfSignUp false and an SES identity: only admins create users, and email goes through SES", async () => {
    const prod = await runMode("cognito", {
      selfSignUp: false,
      sesEmailIdentityArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
      emailFrom: "Notes <no-reply@example.com>",
    });
    const pool = one(prod, "aws:cognito/userPool:UserPool").inputs;
    assert.equal(pool.adminCreateUserConfig.allowAdminCreateUserOnly, true);
    assert.deepEqual(pool.emailConfiguration, {
      emailSendingAccount: "DEVELOPER",
      sourceArn: "arn:aws:ses:us-east-1:123456789012:identity/example.com",
      fromEmailAddress: "Notes <no-reply@example.com>",
    });
  });
  it("has the admin group", () => {
    assert.equal(one(run, "aws:cognito/userGroup:UserGroup", "users-admins").inputs.name, "admins");
  });

  describe("the Cognito plan", () => {
    // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
    it("is Lite unless set (AWS's own default for a new pool is Essentials, so the program always says which)", () => {
      assert.equal(one(run, "aws:cognito/userPool:UserPool").inputs.userPoolTier, "LITE");
    });
    it(
      "uses nothing Lite lacks: the classic hosted UI (managed login is Essentials), no email MFA, no " +
        "password history, no token triggers",
      () => {
        // https://docs.aws.amazon.com/cognito/latest/developerguide/feature-plans-features-essentials.html
        const pool = one(run, "aws:cognito/userPool:UserPool").inputs;
        assert.equal(one(run, "aws:cognito/userPoolDomain:UserPoolDomain").inputs.managedLoginVersion, 1);
        assert.equal(pool.emailMfaConfiguration, undefined);
        assert.equal(pool.passwordPolicy.passwordHistorySize, undefined);
        assert.equal(pool.lambdaConfig, undefined);
        assert.equal(pool.userPoolAddOns, undefined);
      },
    );
    it(
      "a plan change updates the same pool: same URN, only userPoolTier differs (plans switch at any " + "time)",
      async () => {
        const plus = await runMode("cognito", { cognitoPlan: "PLUS" });
        const [a, b] = [one(run, "aws:cognito/userPool:UserPool"), one(plus, "aws:cognito/userPool:UserPool")];
        assert.equal(b.urn, a.urn);
        assert.deepEqual({ ...b.inputs, userPoolTier: undefined }, { ...a.inputs, userPoolTier: undefined });
        assert.equal(b.inputs.userPoolTier, "PLUS");
        assert.deepEqual(b.options, a.options);
      },
    );
    it("threat protection turns on the pool's advanced security on Plus", async () => {
      const plus = await runMode("cognito", { cognitoPlan: "PLUS", cognitoThreatProtection: "ENFORCED" });
      assert.deepEqual(one(plus, "aws:cognito/userPool:UserPool").inputs.userPoolAddOns, {
        advancedSecurityMode: "ENFORCED",
      });
    });
    it(
      "refuses threat protection on a plan without it, naming both keys and the plan it needs, before " +
        "any resource",
      async () => {
        for (const plan of ["LITE", "ESSENTIALS"]) {
          const refused = await runStack({
            stack: OFFLINE_STACK,
            config: doorConfig("cognito", { cognitoPlan: plan, cognitoThreatProtection: "AUDIT" }),
          });
          assert.equal(
            refused.error,
            `notes-auth:cognitoPlan is ${plan}, which lacks threat protection (notes-auth:cognitoThreatProtection ` +
              `AUDIT): it needs PLUS`,
          );
          assert.deepEqual(
            refused.resources.filter((r) => r.custom),
            [],
          );
        }
      },
    );
  });
});
