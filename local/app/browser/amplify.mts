import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn, signOut } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { sharedInMemoryStorage } from "aws-amplify/utils";
import type { AppConfig } from "../appTypes.js";
import type { Tokens } from "./codeFlow.mjs";
import type { CredentialsProvider } from "./sigv4.mjs";

/**
 * The second way in: Amplify JS v6, unmodified, signing in with SRP (`USER_SRP_AUTH`, Amplify's default) through
 * the user pools API, and at `iam` fetching the identity pool's credentials, both at the endpoints its documented
 * settings name (`userPoolEndpoint`, `identityPoolEndpoint`). Its tokens stay in memory (Amplify's in-memory
 * key-value storage instead of its default, localStorage), as the hosted UI's do.
 * https://docs.amplify.aws/javascript/build-a-backend/auth/connect-your-frontend/sign-in/
 * https://docs.amplify.aws/javascript/build-a-backend/auth/manage-user-session/
 */

type AmplifySettings = NonNullable<AppConfig["amplify"]>;

export function configureAmplify(a: AmplifySettings): void {
  const userPool = {
    userPoolId: a.userPoolId,
    userPoolClientId: a.userPoolClientId,
    userPoolEndpoint: a.endpoint,
    loginWith: { email: true },
  };
  Amplify.configure({
    Auth: a.identityPoolId
      ? { Cognito: { ...userPool, identityPoolId: a.identityPoolId, identityPoolEndpoint: a.endpoint } }
      : { Cognito: userPool },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(sharedInMemoryStorage);
}

/** SRP sign-in; the session's ID and access tokens. */
export async function amplifySignIn(username: string, password: string): Promise<Tokens> {
  const { isSignedIn, nextStep } = await signIn({ username, password });
  if (!isSignedIn) throw new Error(`Amplify: the user pool asks for another step (${nextStep.signInStep})`);
  const { tokens } = await fetchAuthSession();
  if (!tokens?.idToken) throw new Error("Amplify: signed in, but the session holds no tokens");
  return { id_token: tokens.idToken.toString(), access_token: tokens.accessToken.toString() };
}

/** `iam`: the identity pool's credentials for the signed-in user, as Amplify fetches (and renews) them. */
export const amplifyCredentials: CredentialsProvider = async () => {
  const { credentials } = await fetchAuthSession();
  if (!credentials) throw new Error("Amplify: the identity pool gave no credentials");
  return credentials;
};

/** Amplify's sign-out: revokes the session's refresh token (RevokeToken) and forgets its tokens. */
export const amplifySignOut = () => signOut();
