/**
 * Cognito's RevokeToken: revokes a refresh token and every access and ID token issued from it (they stop working at
 * Cognito's own endpoints; a gateway still accepts them until their `exp`, which is what the revoked sessions table is
 * for). A public operation: no SigV4, the app client's id (and secret, which the SPA client has none of) in the body.
 * POST https://cognito-idp.<region>.amazonaws.com/ with X-Amz-Target AWSCognitoIdentityProviderService.RevokeToken.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
 */
import {
  AwsResponse,
  AwsServiceError,
  Clock,
  Credentials,
  RetryPolicy,
  awsDomain,
  errorMessage,
  errorType,
  sendWithRetries,
  systemClock,
} from "../notes/aws";

/** Revokes a refresh token of an app client; rejects with AwsServiceError (Cognito refused) or ServiceUnreachable. */
export type RevokeToken = (token: string, clientId: string) => Promise<void>;

/** RevokeToken's Token pattern: what Cognito would refuse is refused before the call. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9\-_=.]+$/;

/**
 * Throttling (TooManyRequestsException, a 400) and Cognito's own faults (InternalErrorException, 5xx) are worth
 * another attempt; every other answer (a bad token, a client without revocation, WAF's ForbiddenException) is final.
 */
export const isRetryableCognitoAnswer = (res: AwsResponse): boolean =>
  res.status >= 500 || errorType(res) === "TooManyRequestsException";

/** Storage's bounds (handlers/notes/dynamo.ts): 3 s in all, 1 s an attempt, well under the function's 10 s. */
export const COGNITO_POLICY: RetryPolicy = {
  deadlineMs: 3000,
  attemptTimeoutMs: 1000,
  maxAttempts: 4,
  baseDelayMs: 50,
  maxDelayMs: 500,
};

/** Where and how a Cognito user pools API call is sent (one client's settings). */
export interface UserPoolsEndpoint {
  region: string;
  /** AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER (serviceEndpoint); default Cognito's regional endpoint. */
  endpoint?: string;
  clock?: Clock;
}

/**
 * One user pools API operation (AWS JSON 1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.<operation>`), signed
 * when credentials are given (public operations such as RevokeToken are not), retried by isRetryableCognitoAnswer
 * within `policy` (or an earlier `deadline`); the answer's JSON, or AwsServiceError with Cognito's refusal.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonParameters.html
 */
export async function userPoolsCall(
  at: UserPoolsEndpoint,
  policy: RetryPolicy,
  operation: string,
  body: Record<string, unknown>,
  creds?: Credentials,
  deadline?: number,
): Promise<unknown> {
  const clock = at.clock ?? systemClock;
  const res = await sendWithRetries(
    {
      service: "cognito-idp",
      region: at.region,
      url: at.endpoint ?? `https://cognito-idp.${at.region}.${awsDomain(at.region)}/`,
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    },
    creds,
    policy,
    isRetryableCognitoAnswer,
    clock,
    deadline,
  );
  if (res.status !== 200) throw new AwsServiceError(res.status, errorType(res), errorMessage(res));
  return res.body ? JSON.parse(res.body) : {};
}

/**
 * RevokeToken at `endpoint` (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, serviceEndpoint) or Cognito's regional
 * endpoint, within COGNITO_POLICY.
 */
export function cognitoRevoker(opts: UserPoolsEndpoint & { policy?: Partial<RetryPolicy> }): RevokeToken {
  const policy = { ...COGNITO_POLICY, ...opts.policy };
  return async (token, clientId) => {
    await userPoolsCall(opts, policy, "RevokeToken", { Token: token, ClientId: clientId });
  };
}
