import { fromCognitoIdentityPool } from "@aws-sdk/credential-provider-cognito-identity";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import type { AppConfig } from "../appTypes.js";

/**
 * `iam` in a browser: the user's ID token buys identity-pool credentials (GetId, then
 * GetCredentialsForIdentity, through the AWS SDK's own credential provider; an authenticated
 * user's identity id is not cached anywhere), and each call is signed with SigV4 for
 * `execute-api` by the SDK's signer.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
/** A function that resolves (and renews) AWS credentials: the SDK's credential providers, or Amplify's session. */
export type CredentialsProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

/**
 * The identity pool's credentials for the user's ID token. The provider alone asks Cognito identity on every call
 * (an SDK client memoizes it); the page keeps its credentials until five minutes before they expire.
 */
export function identityPoolCredentials(config: AppConfig, idToken: string): CredentialsProvider {
  const pool = config.identityPool!;
  const provider = fromCognitoIdentityPool({
    identityPoolId: pool.id,
    logins: { [pool.providerName]: idToken },
    clientConfig: { region: config.region, endpoint: pool.endpoint },
  });
  let current: ReturnType<CredentialsProvider> | undefined;
  const fresh = async () => {
    const c = await current?.catch(() => undefined);
    return c && (!c.expiration || c.expiration.getTime() - Date.now() > 5 * 60_000);
  };
  return async () => {
    if (!(await fresh())) current = provider();
    return current!;
  };
}

/** The request's headers with the SigV4 signature (and the session token) added. */
export async function signedHeaders(
  credentials: CredentialsProvider,
  region: string,
  req: { method: string; url: string; headers: Record<string, string>; body?: string },
): Promise<Record<string, string>> {
  const url = new URL(req.url);
  const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: req.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...req.headers, host: url.host },
    body: req.body,
  });
  // The browser sets Host itself (a script may not).
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return headers;
}
