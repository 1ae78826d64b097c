import type { GatewayReply } from "../gateways/http";
import { headerValue } from "../gateways/events";
import type { IssuedCredentials, LocalIam } from "./iam";
import { AwsRequest, queryError, queryReply, xmlEscape } from "./protocol";
import { SigV4Failure, signedPart, verifySigV4 } from "./sigv4";

/**
 * AWS STS over the query protocol (`Action=AssumeRole&Version=2011-06-15`), so @aws-sdk/client-sts
 * (and `npm run call:iam`, with `AWS_ENDPOINT_URL_STS`) works against it unchanged. AssumeRole
 * checks the caller's SigV4 signature, then the RECORDED trust policy of the role with the
 * request's `sts:ExternalId` and the caller's `aws:PrincipalOrgID`.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 */

const NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Errors STS sends for a signature it refuses, by why. https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html */
export const SIGNATURE_ERRORS: Record<SigV4Failure, { code: string; status: number }> = {
  missing: { code: "MissingAuthenticationToken", status: 403 },
  incomplete: { code: "IncompleteSignature", status: 400 },
  "unknown-credentials": { code: "InvalidClientTokenId", status: 403 },
  "expired-credentials": { code: "ExpiredToken", status: 400 },
  skew: { code: "SignatureDoesNotMatch", status: 403 },
  scope: { code: "SignatureDoesNotMatch", status: 403 },
  mismatch: { code: "SignatureDoesNotMatch", status: 403 },
};

/**
 * RoleSessionName: 2 to 64 characters of `[\w+=,.@-]`; each broken constraint is named as AWS's
 * validation names it ("Value '<v>' at 'roleSessionName' failed to satisfy constraint: …").
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html (ValidationError)
 */
export function sessionNameError(name: string): string | undefined {
  const broken = [
    ...(name.length < 2 ? ["Member must have length greater than or equal to 2"] : []),
    ...(name.length > 64 ? ["Member must have length less than or equal to 64"] : []),
    ...(/^[\w+=,.@-]*$/.test(name) ? [] : ["Member must satisfy regular expression pattern: [\\w+=,.@-]*"]),
  ];
  return broken.length
    ? `${broken.length} validation error${broken.length > 1 ? "s" : ""} detected: ` +
        broken.map((c) => `Value '${name}' at 'roleSessionName' failed to satisfy constraint: ${c}`).join("; ")
    : undefined;
}

/** DurationSeconds: at least 900, at most the role's maximum session duration (one hour unless set). */
const MIN_SESSION = 900;

export function stsApi(deps: {
  iam: LocalIam;
  region: string;
  log(line: string): void;
  now?: () => number;
}): (req: AwsRequest) => Promise<GatewayReply | undefined> {
  const { iam } = deps;
  return async (req) => {
    if (
      req.method !== "POST" ||
      !(headerValue(req.headers, "content-type") ?? "").startsWith("application/x-www-form-urlencoded")
    )
      return undefined;
    const form = new URLSearchParams(req.body?.toString("utf8") ?? "");
    const action = form.get("Action");
    if (action !== "AssumeRole" && action !== "GetCallerIdentity") return undefined;

    const checked = await verifySigV4<IssuedCredentials>(signedPart(req), {
      service: "sts",
      region: deps.region,
      lookup: (k) => iam.lookup(k),
      now: deps.now,
    });
    if (!checked.ok) {
      const e = SIGNATURE_ERRORS[checked.failure];
      return queryError(NS, e.code, checked.message, e.status);
    }
    const caller = checked.credentials.principal;

    if (action === "GetCallerIdentity") {
      return queryReply(
        action,
        NS,
        `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.userId)}</UserId><Account>` +
          `${caller.account}</Account>`,
      );
    }

    const roleArn = form.get("RoleArn") ?? "";
    const sessionName = form.get("RoleSessionName") ?? "";
    const duration = Number(form.get("DurationSeconds") ?? 3600);
    const maxSession = Number(iam.role(roleArn)?.inputs.maxSessionDuration ?? 3600);
    const invalidName = sessionNameError(sessionName);
    if (invalidName) return queryError(NS, "ValidationError", invalidName);
    if (!Number.isInteger(duration) || duration < MIN_SESSION)
      return queryError(
        NS,
        "ValidationError",
        "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have " +
          "value greater than or equal to 900",
      );
    if (duration > maxSession)
      return queryError(
        NS,
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      );

    const context: Record<string, string> = {
      "aws:PrincipalAccount": caller.account,
      "sts:RoleSessionName": sessionName,
      ...(form.get("ExternalId") !== null ? { "sts:ExternalId": form.get("ExternalId")! } : {}),
      ...(caller.orgId ? { "aws:PrincipalOrgID": caller.orgId } : {}),
    };
    const decision = iam.role(roleArn)
      ? await iam.trusts(
          roleArn,
          { principal: caller.arn, policies: iam.identityPolicies(caller) },
          "sts:AssumeRole",
          context,
        )
      : "ImplicitlyDenied";
    if (decision !== "Allowed") {
      deps.log(`STS: ${caller.arn} may not assume ${roleArn} (${decision}; the recorded trust policy decides)`);
      return queryError(
        NS,
        "AccessDenied",
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const session = iam.roleSession(roleArn, sessionName);
    const creds = iam.issue(session, { ttlSeconds: duration });
    return queryReply(
      action,
      NS,
      `<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>` +
        `${xmlEscape(creds.secretAccessKey)}</SecretAccessKey><SessionToken>` +
        `${xmlEscape(creds.sessionToken!)}</SessionToken><Expiration>` +
        `${new Date(creds.expiration!).toISOString()}</Expiration></Credentials>` +
        (`<AssumedRoleUser><AssumedRoleId>${xmlEscape(session.userId)}</AssumedRoleId><Arn>` +
          `${xmlEscape(session.arn)}</Arn></AssumedRoleUser>`),
    );
  };
}
