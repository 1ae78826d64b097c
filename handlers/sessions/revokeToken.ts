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

/**
 * RevokeToken at `endpoint` (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, serviceEndpoint) or Cognito's regional
 * endpoint, within COGNITO_POLICY.
 */
export function cognitoRevoker(opts: {
  region: string;
  endpoint?: string;
  policy?: Partial<RetryPolicy>;
  clock?: Clock;
}): RevokeToken {
  const url = opts.endpoint ?? `https://cognito-idp.${opts.region}.${awsDomain(opts.region)}/`;
  const policy = { ...COGNITO_POLICY, ...opts.policy };
  return async (token, clientId) => {
    const res = await sendWithRetries(
      {
        service: "cognito-idp",
        region: opts.region,
        url,
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.RevokeToken",
        },
        body: JSON.stringify({ Token: token, ClientId: clientId }),
      },
      undefined,
      policy,
      isRetryableCognitoAnswer,
      opts.clock ?? systemClock,
    );
    if (res.status !== 200) throw new AwsServiceError(res.status, errorType(res), errorMessage(res));
  };
}
