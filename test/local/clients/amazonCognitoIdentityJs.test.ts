import * as assert from "assert";
import {
  AuthenticationDetails,
  CognitoRefreshToken,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  CognitoUserSession,
} from "amazon-cognito-identity-js";
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { decodeJwt } from "../../../local/clients/oauth";
import { atDoor, authorization, signIn, userTokenKind } from "../../../local/clients/doorClient";
import { totpNow } from "../../../local/services/userPool/totp";
import { TestDoor, lastCode, removeDir, startTestDoor } from "../../support/localStack";

/**
 * amazon-cognito-identity-js, unmodified, against local mode: configured only by its documented `endpoint` (the
 * local AWS endpoint), it signs in with SRP, refreshes, signs up and confirms, and signs out; the cognito door takes
 * the ID token it gets.
 */

/** A node-style callback API as a promise. */
const call = <T>(f: (cb: (err: any, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => f((err, value) => (err ? reject(err) : resolve(value))));

/** SRP sign-in (the library's default flow); rejects with Cognito's error. */
function authenticate(user: CognitoUser, username: string, password: string): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
    }),
  );
}

/** The doors whose clients present a user pool token, in one local stack. */
const TOKEN_DOORS = ["cognito", "lambda-authorizer", "http-jwt"];

describe("amazon-cognito-identity-js against the local user pool (the cognito door)", function () {
  let door: TestDoor;
  let pool: CognitoUserPool;
  const me = async (idToken: string) =>
    fetch(`${door.outputs.url.replace(/\/$/, "")}/me`, { headers: { authorization: idToken } });
  const userOf = (name: string) => new CognitoUser({ Username: name, Pool: pool });
  /**
   * REFRESH_TOKEN_AUTH through the AWS SDK: the library retries a refused refresh for seconds (as it does against
   * Cognito), the SDK answers at once.
   */
  const refreshWithSdk = (refreshToken: string) =>
    new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws }).send(
      new InitiateAuthCommand({
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: String(door.outputs.client.userPoolClientId),
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );

  before(async () => {
    // the cognito door first (the primary), with the other doors that take a user pool token beside it
    door = await startTestDoor("cognito", { extra: { doors: TOKEN_DOORS, authMode: undefined } });
    pool = new CognitoUserPool({
      UserPoolId: String(door.outputs.client.userPoolId),
      ClientId: String(door.outputs.client.userPoolClientId),
      endpoint: door.outputs.local.endpoints.aws,
    });
  });
  after(async () => {
    await door?.close();
    if (door) removeDir(door.dataDir);
  });

  it(
    "given alice's password, when the client signs in with SRP, then the cognito door takes its ID token, " +
      "whose claims are those of a hosted UI sign-in",
    async () => {
      const session = await authenticate(userOf("alice@example.com"), "alice@example.com", "Alice-Passw0rd!");
      const res = await me(session.getIdToken().getJwtToken());
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as any).id, "a11ce000-0000-4000-8000-00000000a11c");
      const hosted = await signIn(door.outputs, { email: "alice@example.com", password: "Alice-Passw0rd!" });
      const keys = (t: string) => Object.keys(decodeJwt(t)).sort();
      assert.deepEqual(keys(session.getIdToken().getJwtToken()), keys(hosted.id_token!));
      assert.deepEqual(keys(session.getAccessToken().getJwtToken()), keys(hosted.access_token));
      assert.equal(session.getAccessToken().decodePayload().scope, "aws.cognito.signin.user.admin");
    },
  );

  it(
    "given alice's SRP sign-in, when she calls each token door with the token it takes, then lambda-authorizer " +
      "serves her as at cognito, and http-jwt refuses it (403): its routes want notes/* scopes, which an SRP " +
      "access token never has",
    async () => {
      const session = await authenticate(userOf("alice@example.com"), "alice@example.com", "Alice-Passw0rd!");
      const answers = await Promise.all(
        TOKEN_DOORS.map(async (d) => {
          const at = atDoor(door.outputs, d);
          const kind = userTokenKind(at)!;
          const token = kind.token === "id" ? session.getIdToken() : session.getAccessToken();
          const res = await fetch(`${at.url.replace(/\/$/, "")}/me`, {
            headers: { authorization: authorization(at, token.getJwtToken()) },
          });
          return [d, res.status, res.status === 200 ? ((await res.json()) as any).id : undefined];
        }),
      );
      const alice = "a11ce000-0000-4000-8000-00000000a11c";
      assert.deepEqual(answers, [
        ["cognito", 200, alice],
        ["lambda-authorizer", 200, alice],
        ["http-jwt", 403, undefined],
      ]);
    },
  );

  it(
    "given a wrong password, an unknown user, or the password flow the client does not allow, when the client " +
      "signs in, then Cognito's errors come back",
    async () => {
      await assert.rejects(authenticate(userOf("alice@example.com"), "alice@example.com", "Wrong-Passw0rd!"), {
        code: "NotAuthorizedException",
        message: "Incorrect username or password.",
      });
      // The recorded client prevents user existence errors: an unknown user reads as a wrong password.
      await assert.rejects(authenticate(userOf("nobody@example.com"), "nobody@example.com", "Alice-Passw0rd!"), {
        code: "NotAuthorizedException",
        message: "Incorrect username or password.",
      });
      const passwordFlow = userOf("alice@example.com");
      passwordFlow.setAuthenticationFlowType("USER_PASSWORD_AUTH");
      await assert.rejects(authenticate(passwordFlow, "alice@example.com", "Alice-Passw0rd!"), {
        code: "InvalidParameterException",
        message: "USER_PASSWORD_AUTH flow not enabled for this client",
      });
    },
  );

  it(
    "given a signed-in session, when the client refreshes it, then new tokens come back that the door takes, " +
      "and GetUser answers with the user's attributes",
    async () => {
      const user = userOf("bob@example.com");
      const session = await authenticate(user, "bob@example.com", "Bob-Passw0rd!");
      const refreshed = await call<CognitoUserSession>((cb) => user.refreshSession(session.getRefreshToken(), cb));
      assert.notEqual(refreshed.getIdToken().getJwtToken(), session.getIdToken().getJwtToken());
      assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken(), "not rotated");
      assert.equal((await me(refreshed.getIdToken().getJwtToken())).status, 200);
      const data = await call<any>((cb) => user.getUserData(cb, { bypassCache: true }));
      assert.equal(data.Username, "bob");
      assert.ok(data.UserAttributes.some((a: any) => a.Name === "email" && a.Value === "bob@example.com"));
    },
  );

  it(
    "given a new address, when the client signs up, then sign-in waits for the code written under the data " +
      "folder, a wrong or replaced code is refused, and the last one sent confirms the user, whose token the door " +
      "takes",
    async () => {
      const email = `new-${Date.now()}@example.com`;
      const result = await call<any>((cb) =>
        pool.signUp(email, "New-Passw0rd!", [new CognitoUserAttribute({ Name: "email", Value: email })], [], cb),
      );
      assert.equal(result.userConfirmed, false);
      assert.equal(result.codeDeliveryDetails.DeliveryMedium, "EMAIL");
      await assert.rejects(
        call((cb) => pool.signUp(email, "New-Passw0rd!", [], [], cb)),
        { code: "UsernameExistsException" },
      );
      await assert.rejects(
        call((cb) => pool.signUp(`weak-${email}`, "weak", [], [], cb)),
        {
          code: "InvalidPasswordException",
          message: "Password did not conform with policy: Password not long enough",
        },
      );
      await assert.rejects(authenticate(userOf(email), email, "New-Passw0rd!"), { code: "UserNotConfirmedException" });
      await assert.rejects(
        call((cb) => userOf(email).confirmRegistration("000000x", true, cb)),
        {
          code: "CodeMismatchException",
        },
      );
      assert.ok(
        door.logs.some((l) => l.includes(`confirmation code for ${email}`)),
        "the code is in the log too",
      );
      const first = lastCode(door, email, "SIGN_UP");
      await call((cb) => userOf(email).resendConfirmationCode(cb));
      const second = lastCode(door, email, "SIGN_UP");
      if (second !== first)
        await assert.rejects(
          call((cb) => userOf(email).confirmRegistration(first, true, cb)),
          {
            code: "CodeMismatchException",
          },
        );
      await call((cb) => userOf(email).confirmRegistration(second, true, cb));
      const session = await authenticate(userOf(email), email, "New-Passw0rd!");
      const res = await me(session.getIdToken().getJwtToken());
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as any).id, result.userSub);
    },
  );

  it(
    "given a user who forgot the password, when the client asks for a code and confirms a new password, " +
      "then the new password signs in and the old one no longer does",
    async () => {
      const email = `forgetful-${Date.now()}@example.com`;
      await call((cb) => pool.signUp(email, "Old-Passw0rd!", [], [], cb));
      await call((cb) => userOf(email).confirmRegistration(lastCode(door, email, "SIGN_UP"), true, cb));
      await new Promise((resolve, reject) => userOf(email).forgotPassword({ onSuccess: resolve, onFailure: reject }));
      await new Promise((resolve, reject) =>
        userOf(email).confirmPassword(lastCode(door, email, "FORGOT_PASSWORD"), "New-Passw0rd!", {
          onSuccess: resolve,
          onFailure: reject,
        }),
      );
      await assert.rejects(authenticate(userOf(email), email, "Old-Passw0rd!"), { code: "NotAuthorizedException" });
      await authenticate(userOf(email), email, "New-Passw0rd!");
    },
  );

  it(
    "given a signed-in session, when the client signs out (revoking its refresh token), then the refresh token " +
      "is refused; and after a global sign-out, so are the other sessions' refresh and access tokens",
    async () => {
      const user = userOf("carol@example.com");
      const first = await authenticate(user, "carol@example.com", "Carol-Passw0rd!");
      assert.ok(first.getAccessToken().decodePayload().origin_jti, "revocable (the client revokes only then)");
      await new Promise<void>((resolve, reject) => user.signOut((err?: Error) => (err ? reject(err) : resolve())));
      await assert.rejects(refreshWithSdk(first.getRefreshToken().getToken()), {
        name: "NotAuthorizedException",
        message: "Refresh Token has been revoked",
      });

      const other = userOf("carol@example.com");
      const second = await authenticate(other, "carol@example.com", "Carol-Passw0rd!");
      const third = await authenticate(userOf("carol@example.com"), "carol@example.com", "Carol-Passw0rd!");
      await new Promise((resolve, reject) => other.globalSignOut({ onSuccess: resolve, onFailure: reject }));
      await assert.rejects(refreshWithSdk(third.getRefreshToken().getToken()), {
        name: "NotAuthorizedException",
        message: "Refresh Token has been revoked",
      });
      // A fresh client object holding the old session: GetUser with its access token is refused.
      const holder = userOf("carol@example.com");
      holder.setSignInUserSession(second);
      await assert.rejects(
        call((cb) => holder.getUserData(cb, { bypassCache: true })),
        {
          code: "NotAuthorizedException",
          message: "Access Token has been revoked",
        },
      );
    },
  );

  it(
    "given the hosted UI's refresh token, when it is refreshed at /oauth2/token, then new tokens come; after " +
      "RevokeToken the same grant is refused",
    async () => {
      const hosted = await signIn(door.outputs, { email: "dave@example.com", password: "Dave-Passw0rd!" });
      const refreshToken = (hosted as any).refresh_token as string;
      assert.ok(refreshToken, "the code flow gives a refresh token");
      const client_id = String(door.outputs.client.userPoolClientId);
      const refresh = () =>
        fetch(String(door.outputs.local.idp!.tokenEndpoint), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id }),
        });
      const ok = await refresh();
      assert.equal(ok.status, 200, await ok.clone().text());
      const tokens: any = await ok.json();
      assert.equal((await me(tokens.id_token)).status, 200);
      // The library's refreshSession takes the hosted UI's refresh token too (REFRESH_TOKEN_AUTH), as Cognito does.
      const user = userOf("dave@example.com");
      const viaApi = await call<CognitoUserSession>((cb) =>
        user.refreshSession(new CognitoRefreshToken({ RefreshToken: refreshToken }), cb),
      );
      assert.equal((await me(viaApi.getIdToken().getJwtToken())).status, 200);
      await new Promise<void>((resolve, reject) => user.signOut((err?: Error) => (err ? reject(err) : resolve())));
      const refused = await refresh();
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as any).error, "invalid_grant");
    },
  );
  it(
    "given a user an administrator created, when the client signs in with the temporary password, then it is " +
      "asked for a new one, and the new one under the pool's policy gives a session the door takes",
    async () => {
      const email = `created-${Date.now()}@example.com`;
      const operator = door.outputs.local.principals.operator;
      await new CognitoIdentityProviderClient({
        region: "us-east-1",
        endpoint: door.outputs.local.endpoints.aws,
        credentials: { accessKeyId: operator.accessKeyId, secretAccessKey: operator.secretAccessKey },
      }).send(
        new AdminCreateUserCommand({
          UserPoolId: String(door.outputs.client.userPoolId),
          Username: email,
          TemporaryPassword: "Temp-Passw0rd!",
          MessageAction: "SUPPRESS",
        }),
      );
      const user = userOf(email);
      const session = await new Promise<CognitoUserSession>((resolve, reject) =>
        user.authenticateUser(new AuthenticationDetails({ Username: email, Password: "Temp-Passw0rd!" }), {
          onSuccess: () => reject(new Error("signed in without a new password")),
          onFailure: reject,
          newPasswordRequired: () => {
            user.completeNewPasswordChallenge(
              "weak",
              {},
              {
                onSuccess: () => reject(new Error("a weak password was taken")),
                onFailure: (err) => {
                  assert.equal(err.code, "InvalidPasswordException");
                  user.completeNewPasswordChallenge("Perm-Passw0rd!", {}, { onSuccess: resolve, onFailure: reject });
                },
              },
            );
          },
        }),
      );
      assert.equal((await me(session.getIdToken().getJwtToken())).status, 200);
      await authenticate(userOf(email), email, "Perm-Passw0rd!");
    },
  );

  it(
    "given a user who sets up and turns on an authenticator app (the pool's MFA is optional), when the client " +
      "signs in again, then it is asked for the app's code, a wrong code is refused, and the right one gives tokens",
    async () => {
      const email = `mfa-${Date.now()}@example.com`;
      await call((cb) => pool.signUp(email, "Mfa-Passw0rd!", [], [], cb));
      await call((cb) => userOf(email).confirmRegistration(lastCode(door, email, "SIGN_UP"), true, cb));
      const user = userOf(email);
      await authenticate(user, email, "Mfa-Passw0rd!");
      const secret = await new Promise<string>((resolve, reject) =>
        user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
      );
      await new Promise((resolve, reject) =>
        user.verifySoftwareToken(totpNow(secret), "phone", { onSuccess: resolve, onFailure: reject }),
      );
      // A verified app asks for codes only once the user turns it on.
      await authenticate(userOf(email), email, "Mfa-Passw0rd!");
      await call((cb) => user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, cb));

      const again = userOf(email);
      const session = await new Promise<CognitoUserSession>((resolve, reject) =>
        again.authenticateUser(new AuthenticationDetails({ Username: email, Password: "Mfa-Passw0rd!" }), {
          onSuccess: () => reject(new Error("signed in without the app's code")),
          onFailure: reject,
          totpRequired: () =>
            again.sendMFACode(
              "000000",
              {
                onSuccess: () => reject(new Error("a wrong code was taken")),
                onFailure: (err) => {
                  assert.equal(err.code, "CodeMismatchException");
                  again.sendMFACode(totpNow(secret), { onSuccess: resolve, onFailure: reject }, "SOFTWARE_TOKEN_MFA");
                },
              },
              "SOFTWARE_TOKEN_MFA",
            ),
        }),
      );
      assert.equal((await me(session.getIdToken().getJwtToken())).status, 200);
    },
  );
  it(
    "given the client's refresh token (an SRP sign-in), when it is refreshed at /oauth2/token, then new tokens " +
      "come; after a global sign-out it is refused there too",
    async () => {
      const user = userOf("bob@example.com");
      const session = await authenticate(user, "bob@example.com", "Bob-Passw0rd!");
      const refresh = () =>
        fetch(String(door.outputs.local.idp!.tokenEndpoint), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: session.getRefreshToken().getToken(),
            client_id: String(door.outputs.client.userPoolClientId),
          }),
        });
      const ok = await refresh();
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.equal((await me(((await ok.json()) as any).id_token)).status, 200);
      await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
      const refused = await refresh();
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as any).error, "invalid_grant");
    },
  );
});
