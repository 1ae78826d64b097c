import * as assert from "assert";
import { Amplify } from "aws-amplify";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from "aws-amplify/auth";
import { CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { send, sigv4 } from "../../../local/clients/doorClient";
import { TestDoor, lastCode, removeDir, startTestDoor } from "../../support/localStack";

/**
 * Amplify JS v6 (`aws-amplify`), unmodified, against local mode at the `iam` door: configured only by its
 * documented endpoint settings (`userPoolEndpoint`, `identityPoolEndpoint`: the local AWS endpoint), it signs in
 * with SRP, fetches the identity pool's credentials, signs requests to the door with them, and signs out.
 * https://docs.amplify.aws/javascript/build-a-backend/auth/connect-your-frontend/sign-in/
 */

/** Amplify's token store, kept here so a spec can see the refresh token it holds (setKeyValueStorage). */
class Storage {
  readonly items = new Map<string, string>();
  async setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  async getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  async removeItem(key: string) {
    this.items.delete(key);
  }
  async clear() {
    this.items.clear();
  }
  refreshToken(): string | undefined {
    return [...this.items].find(([k]) => k.endsWith(".refreshToken"))?.[1];
  }
}

describe("Amplify JS v6 against local mode (the iam door)", function () {
  let door: TestDoor;
  const storage = new Storage();

  before(async () => {
    door = await startTestDoor("iam");
    const c = door.outputs.client;
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: String(c.userPoolId),
          userPoolClientId: String(c.userPoolClientId),
          identityPoolId: String(c.identityPoolId),
          userPoolEndpoint: door.outputs.local.endpoints.aws,
          identityPoolEndpoint: door.outputs.local.endpoints.aws,
          loginWith: { email: true },
        },
      },
    });
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  });
  after(async () => {
    await door?.close();
    if (door) removeDir(door.dataDir);
  });

  /** GET /me at the door, signed with SigV4 (service execute-api) with the given credentials. */
  const me = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const url = `${door.outputs.url.replace(/\/$/, "")}/me`;
    const signed = await sigv4(credentials, String(door.outputs.client.region))({ method: "GET", url, headers: {} });
    return send(signed);
  };

  const refreshWithSdk = (refreshToken: string) =>
    new CognitoIdentityProviderClient({ region: "us-east-1", endpoint: door.outputs.local.endpoints.aws }).send(
      new InitiateAuthCommand({
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: String(door.outputs.client.userPoolClientId),
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );

  afterEach(async () => {
    // Amplify refuses a sign-in while another user is signed in: a failed spec must not leave one.
    if (storage.refreshToken()) await signOut();
  });

  it(
    "given alice's password, when Amplify signs in (SRP), then it holds her tokens; after signOut her refresh " +
      "token is refused",
    async () => {
      const result = await signIn({ username: "alice@example.com", password: "Alice-Passw0rd!" });
      assert.equal(result.isSignedIn, true, JSON.stringify(result.nextStep));
      // The user pool's tokens alone (fetchAuthSession also asks the identity pool: the spec below).
      const tokens = await cognitoUserPoolsTokenProvider.getTokens();
      assert.equal(tokens?.idToken?.payload.sub, "a11ce000-0000-4000-8000-00000000a11c");
      const refreshToken = storage.refreshToken();
      assert.ok(refreshToken, "Amplify holds a refresh token");
      assert.ok((await refreshWithSdk(refreshToken)).AuthenticationResult?.IdToken, "valid before sign-out");
      await signOut();
      await assert.rejects(refreshWithSdk(refreshToken), {
        name: "NotAuthorizedException",
        message: "Refresh Token has been revoked",
      });
    },
  );

  // Amplify names the login provider by its ID token's `iss`, the local issuer, which the local identity pool reads
  // as the recorded provider (cognito-idp.<region>.amazonaws.com/<poolId>): local/services/identityPool.ts.
  it(
    "given carol signed in with Amplify, when it fetches the session, then the identity pool's credentials " +
      "call the iam door as carol",
    async () => {
      await signIn({ username: "carol@example.com", password: "Carol-Passw0rd!" });
      const session = await fetchAuthSession();
      assert.ok(session.credentials, "identity pool credentials");
      const res = await me(session.credentials);
      assert.equal(res.status, 200, await res.clone().text());
      const who = (await res.json()) as any;
      assert.equal(who.door, "iam");
      assert.equal(who.kind, "user");
    },
  );

  it(
    "given bob signed in with Amplify, when he signs out globally, then his refresh token is refused and a new " +
      "sign-in works again",
    async () => {
      await signIn({ username: "bob@example.com", password: "Bob-Passw0rd!" });
      const refreshToken = storage.refreshToken()!;
      await signOut({ global: true });
      await assert.rejects(refreshWithSdk(refreshToken), {
        name: "NotAuthorizedException",
        message: "Refresh Token has been revoked",
      });
      // GlobalSignOut refuses tokens issued up to its second: a new sign-in a second later is a new session.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await signIn({ username: "bob@example.com", password: "Bob-Passw0rd!" })).isSignedIn, true);
      assert.ok((await cognitoUserPoolsTokenProvider.getTokens())?.idToken);
    },
  );

  it(
    "given a new address, when Amplify signs up and confirms with the code the local pool wrote, then she signs " +
      "in; a forced refresh (REFRESH_TOKEN_AUTH) gives her new tokens of the same sign-in",
    async () => {
      const email = `amplify-${Date.now()}@example.com`;
      const password = "Amplify-Passw0rd!";
      const up = await signUp({ username: email, password, options: { userAttributes: { email } } });
      assert.equal(up.nextStep.signUpStep, "CONFIRM_SIGN_UP");
      const confirmed = await confirmSignUp({ username: email, confirmationCode: lastCode(door, email, "SIGN_UP") });
      assert.equal(confirmed.isSignUpComplete, true);
      assert.equal((await signIn({ username: email, password })).isSignedIn, true);
      const first = (await cognitoUserPoolsTokenProvider.getTokens())!;
      const refreshed = (await fetchAuthSession({ forceRefresh: true })).tokens!;
      assert.notEqual(refreshed.idToken!.toString(), first.idToken!.toString());
      assert.equal(refreshed.idToken!.payload.sub, first.idToken!.payload.sub);
      assert.equal(refreshed.accessToken.payload.origin_jti, first.accessToken.payload.origin_jti);
    },
  );
});
