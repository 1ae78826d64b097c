import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { copyRun, recordedProgram } from "../../../../local/recorded";
import { loadUsers } from "../../../../local/clients/seedUsers";
import { LocalIdp, findUser, newSigningKey, signingKeyFile, startIdp } from "../../../../local/services/idp";
import { userPoolPublicApi } from "../../../../local/services/userPool/publicApi";
import { totpNow } from "../../../../local/services/userPool/totp";
import { decodeJwt } from "../../../../local/clients/oauth";
import { removeDir } from "../../../support/localStack";
import { runMode } from "../../../support/stack";

/**
 * The user pools API against recorded settings the default stack does not have (a pool where only administrators
 * create users and MFA is required; a client with a secret, the password flow and user existence errors), on the user
 * pool's stand-in alone (no gateway, no data services).
 */
describe("the local user pool's public API (recorded settings)", function () {
  let idp: LocalIdp;
  let dataDir: string;
  let api: ReturnType<typeof userPoolPublicApi>;
  const CLIENT = "users-spa-client-id";
  let secret: string;
  const answer = async (operation: string, body: Record<string, unknown>) => {
    const reply = await api(operation, body);
    return { status: reply.status, body: JSON.parse(reply.body!.toString()) };
  };
  const secretHash = (username: string) =>
    crypto
      .createHmac("sha256", secret)
      .update(username + CLIENT)
      .digest("base64");

  before(async () => {
    const run = copyRun(await runMode("cognito"));
    for (const r of run.resources) {
      if (r.type === "aws:cognito/userPool:UserPool") {
        r.inputs.adminCreateUserConfig = { allowAdminCreateUserOnly: true };
        r.inputs.mfaConfiguration = "ON";
      }
      if (r.type === "aws:cognito/userPoolClient:UserPoolClient" && r.state.id === CLIENT) {
        r.inputs.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
        r.inputs.preventUserExistenceErrors = "LEGACY";
        r.inputs.generateSecret = true;
      }
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-idp-"));
    fs.writeFileSync(signingKeyFile(dataDir), JSON.stringify(newSigningKey()));
    idp = await startIdp({ program: recordedProgram(run), users: loadUsers(), dataDir });
    api = userPoolPublicApi({ idp: () => idp, log: () => undefined });
    secret = idp.pools[0].clients.find((c) => c.clientId === CLIENT)!.secret!;
  });
  after(async () => {
    await idp?.close();
    removeDir(dataDir);
  });

  it("given a pool where only administrators create users, when someone signs up, then Cognito refuses", async () => {
    const r = await answer("SignUp", {
      ClientId: CLIENT,
      Username: "new@example.com",
      Password: "New-Passw0rd!",
      SecretHash: secretHash("new@example.com"),
    });
    assert.deepEqual(r, {
      status: 400,
      body: { __type: "NotAuthorizedException", message: "SignUp is not permitted for this user pool" },
    });
  });

  it(
    "given a client with a secret and a pool that requires MFA, when USER_PASSWORD_AUTH comes without, with a " +
      "wrong, or with the right SECRET_HASH, then the first two are refused and the third sets up an authenticator " +
      "app before the client's tokens come; the next sign-in asks for the app's code",
    async () => {
      const signIn = (hash?: string) =>
        answer("InitiateAuth", {
          ClientId: CLIENT,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: {
            USERNAME: "alice@example.com",
            PASSWORD: "Alice-Passw0rd!",
            ...(hash ? { SECRET_HASH: hash } : {}),
          },
        });
      assert.equal(
        (await signIn()).body.message,
        `Client ${CLIENT} is configured for secret but secret was not received`,
      );
      assert.equal((await signIn("bad")).body.message, `Unable to verify secret hash for client ${CLIENT}`);
      const setup = await signIn(secretHash("alice@example.com"));
      assert.equal(setup.body.ChallengeName, "MFA_SETUP");
      const associated = await answer("AssociateSoftwareToken", { Session: setup.body.Session });
      const secretCode = associated.body.SecretCode;
      const verified = await answer("VerifySoftwareToken", {
        Session: associated.body.Session,
        UserCode: totpNow(secretCode),
      });
      assert.equal(verified.body.Status, "SUCCESS");
      const respond = (ChallengeName: string, Session: string, extra: Record<string, string> = {}) =>
        answer("RespondToAuthChallenge", {
          ClientId: CLIENT,
          ChallengeName,
          Session,
          ChallengeResponses: { USERNAME: "alice", SECRET_HASH: secretHash("alice"), ...extra },
        });
      const ok = await respond("MFA_SETUP", verified.body.Session);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const next = await signIn(secretHash("alice@example.com"));
      assert.equal(next.body.ChallengeName, "SOFTWARE_TOKEN_MFA");
      const coded = await respond("SOFTWARE_TOKEN_MFA", next.body.Session, {
        SOFTWARE_TOKEN_MFA_CODE: totpNow(secretCode),
      });
      assert.ok(coded.body.AuthenticationResult?.IdToken, JSON.stringify(coded.body));
      const { IdToken, AccessToken, RefreshToken, ExpiresIn } = ok.body.AuthenticationResult;
      const id = decodeJwt(IdToken);
      assert.equal(id.aud, CLIENT);
      assert.equal(id.iss, idp.pools[0].issuer);
      assert.equal(id.exp - id.iat, 3600, "the recorded idTokenValidity: 60 minutes");
      assert.equal(decodeJwt(AccessToken).client_id, CLIENT);
      assert.equal(ExpiresIn, 3600);
      const other = idp.pools[0].otherClientId;
      const refreshed = await answer("InitiateAuth", {
        ClientId: other,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: RefreshToken },
      });
      assert.equal(refreshed.body.message, "Invalid Refresh Token", "another client's refresh token");
    },
  );

  it(
    "given a client that does not hide unknown users, when an unknown user signs in, then " +
      "UserNotFoundException; and flows the client does not list, or InitiateAuth does not take, are refused",
    async () => {
      const r = await answer("InitiateAuth", {
        ClientId: CLIENT,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: {
          USERNAME: "nobody@example.com",
          PASSWORD: "x",
          SECRET_HASH: secretHash("nobody@example.com"),
        },
      });
      assert.deepEqual(r.body, { __type: "UserNotFoundException", message: "User does not exist." });
      const srp = await answer("InitiateAuth", {
        ClientId: CLIENT,
        AuthFlow: "USER_SRP_AUTH",
        AuthParameters: { USERNAME: "alice@example.com", SRP_A: "abc" },
      });
      assert.equal(srp.body.message, "USER_SRP_AUTH flow not enabled for this client");
      const admin = await answer("InitiateAuth", { ClientId: CLIENT, AuthFlow: "ADMIN_USER_PASSWORD_AUTH" });
      assert.equal(admin.body.message, "Initiate Auth method not supported.");
      const none = await answer("InitiateAuth", { ClientId: "no-such-client", AuthFlow: "USER_PASSWORD_AUTH" });
      assert.equal(none.body.__type, "ResourceNotFoundException");
    },
  );

  it("given a password reset code past its hour, when it is used, then ExpiredCodeException", async () => {
    const sent = await answer("ForgotPassword", {
      ClientId: CLIENT,
      Username: "bob@example.com",
      SecretHash: secretHash("bob@example.com"),
    });
    assert.equal(sent.body.CodeDeliveryDetails.Destination, "b***@e***");
    const bob = findUser(idp.pools[0], "bob@example.com")!;
    bob.code!.exp = Math.floor(Date.now() / 1000) - 1;
    const r = await answer("ConfirmForgotPassword", {
      ClientId: CLIENT,
      Username: "bob@example.com",
      SecretHash: secretHash("bob@example.com"),
      ConfirmationCode: bob.code!.value,
      Password: "Newer-Passw0rd!",
    });
    assert.equal(r.body.__type, "ExpiredCodeException");
    assert.equal(bob.password, "Bob-Passw0rd!");
  });
});
