import type { IncomingRequest } from "../events";
import type { IssuedCredentials, LocalIam } from "../../services/iam";
import { SigV4Failure, signedPart, verifySigV4 } from "../../services/sigv4";

/**
 * A REST method with `AWS_IAM` authorization: the caller's SigV4 signature (service
 * `execute-api`, the API's region, five minutes of clock skew, the session token of temporary
 * credentials) against credentials the local services issued, then `execute-api:Invoke` on the
 * request's method ARN, evaluated against the caller's RECORDED identity policies. On success,
 * the caller as API Gateway reports it in `requestContext.identity`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html ($context.identity.*)
 */

/** The gateway response API Gateway raises for each refused signature (status 403 for all). */
const RESPONSE_OF: Record<
  SigV4Failure,
  "MISSING_AUTHENTICATION_TOKEN" | "INVALID_SIGNATURE" | "EXPIRED_TOKEN" | "UNRECOGNIZED_CLIENT"
> = {
  missing: "MISSING_AUTHENTICATION_TOKEN",
  incomplete: "INVALID_SIGNATURE",
  "unknown-credentials": "UNRECOGNIZED_CLIENT",
  "expired-credentials": "EXPIRED_TOKEN",
  skew: "INVALID_SIGNATURE",
  scope: "INVALID_SIGNATURE",
  mismatch: "INVALID_SIGNATURE",
};

export type IamOutcome =
  | { ok: true; identity: Record<string, unknown> }
  | {
      ok: false;
      type:
        | "MISSING_AUTHENTICATION_TOKEN"
        | "INVALID_SIGNATURE"
        | "EXPIRED_TOKEN"
        | "UNRECOGNIZED_CLIENT"
        | "ACCESS_DENIED";
      message: string;
    };

export async function iamAuthorization(
  iam: LocalIam,
  req: IncomingRequest,
  opts: { region: string; methodArn: string; now?: () => number; hostNames?: string[] },
): Promise<IamOutcome> {
  const checked = await verifySigV4<IssuedCredentials>(signedPart(req), {
    service: "execute-api",
    region: opts.region,
    lookup: (k) => iam.lookup(k),
    now: opts.now,
    hostNames: opts.hostNames,
  });
  if (!checked.ok) return { ok: false, type: RESPONSE_OF[checked.failure], message: checked.message };
  const creds = checked.credentials;
  const who = creds.principal;
  const decision = await iam.allows(who, "execute-api:Invoke", opts.methodArn);
  if (decision !== "Allowed") {
    // "User: <arn> is not authorized to perform: execute-api:Invoke on resource: <arn>"
    // https://repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden
    return {
      ok: false,
      type: "ACCESS_DENIED",
      message:
        `User: ${who.arn} is not authorized to perform: execute-api:Invoke on resource: ` +
        `${opts.methodArn}${decision === "ExplicitlyDenied" ? " with an explicit deny" : ""}`,
    };
  }
  return {
    ok: true,
    identity: {
      accountId: who.account,
      caller: who.userId,
      user: who.userId,
      userArn: who.arn,
      accessKey: creds.accessKeyId,
      ...(who.cognito
        ? {
            cognitoIdentityPoolId: who.cognito.identityPoolId,
            cognitoIdentityId: who.cognito.identityId,
            cognitoAuthenticationType: who.cognito.authenticationType,
            cognitoAuthenticationProvider: who.cognito.authenticationProvider,
          }
        : {}),
    },
  };
}
