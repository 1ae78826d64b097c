import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { bearerPrincipal } from "../principal";
import { AuthorizerPolicy, callerPolicy } from "./policy";
import type { AuthorizerPlan, AuthorizerSettings } from "../contract/authorizer";
import type { TokenVerifier } from "./verify";
import { faultLine, isVerificationFault } from "./faults";
import { refuseRepeatedCredentials, repeatedCredentialEntry } from "../http/request";
import { AmbiguousCredentials } from "../http/errors";
import { consoleLog } from "../log";
import { RevocationUnavailable, SessionRevocations } from "../sessions/revocations";

/** What a REST Lambda authorizer answers. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: AuthorizerPolicy;
  /** String, number or boolean values only; the notes handler reads them (handlers/doors/lambda-authorizer.ts). */
  context: Record<string, string | number | boolean>;
  /** The caller's plan's API key value (the API's apiKeySource is AUTHORIZER). */
  usageIdentifierKey: string;
}

/** Throwing this exact message makes API Gateway answer 401 (anything else is a 500). */
export const UNAUTHORIZED = "Unauthorized";

/** The first plan whose group or scope the caller has, in the configured order; else the default. */
export function choosePlan(plans: readonly AuthorizerPlan[], groups: string[], scopes: string[]): AuthorizerPlan {
  return (
    plans.find(
      (p) => (p.group !== undefined && groups.includes(p.group)) || (p.scope !== undefined && scopes.includes(p.scope)),
    ) ?? plans.find((p) => !p.group && !p.scope)!
  );
}

/**
 * `Authorization: Bearer <token>` exactly: the scheme, one space, and a JWS in base64url (RFC 6750
 * §2.1 b64token, narrowed to what a JWT is), by case-insensitive header name. Anything else (other
 * white space, a second space, a trailing one, another case of "Bearer") is no token: API Gateway
 * caches the answer by the header's exact value, so every accepted spelling of one token would be
 * a cache entry of its own, each answered for the full TTL.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-lambda-authorizer-input.html
 */
export function bearerToken(
  headers: Record<string, string | undefined> | null | undefined,
  multiValueHeaders?: Record<string, string[] | undefined> | null,
): string | undefined {
  // A repeated Authorization header is no token either (which one the gateway cached is not said).
  const occurrences = Object.entries(multiValueHeaders ?? {})
    .filter(([k]) => k.toLowerCase() === "authorization")
    .reduce((n, [, v]) => n + (v?.length ?? 0), 0);
  if (occurrences > 1) return undefined;
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  const m = value ? /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(value) : null;
  return m?.[1];
}

/**
 * The authorizer: verify the bearer token (no token, or any failure: 401 "Unauthorized"), then
 * answer with a policy over every route (admin routes denied unless admin), the caller's plan key
 * and a context for the notes handler (the token's `exp` included). A valid caller without rights on the route gets the
 * explicit Deny, which API Gateway answers with 403. With `revocations` (`revocation: true`), a signed-out sign-in
 * session is refused too (401), with one keyed read at most (handlers/sessions/revocations.ts). It never logs a token.
 */
export function createAuthorizer(s: AuthorizerSettings, verify: TokenVerifier, revocations?: SessionRevocations) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> => {
    try {
      // A repeated credential header is refused here too, with the handler's log line: behind this
      // door the request never reaches the handler (API Gateway answers the authorizer's 401).
      refuseRepeatedCredentials("rest-v1", event.headers, event.multiValueHeaders);
    } catch (err) {
      if (err instanceof AmbiguousCredentials) consoleLog(repeatedCredentialEntry(err));
      throw new Error(UNAUTHORIZED);
    }
    const token = bearerToken(event.headers, event.multiValueHeaders);
    if (!token) throw new Error(UNAUTHORIZED);
    let identity;
    try {
      identity = await verify(token);
    } catch (err) {
      // A real fault, apart from refused tokens (handlers/authorizer/faults.ts).
      if (isVerificationFault(err)) console.error(faultLine(err));
      throw new Error(UNAUTHORIZED);
    }
    // A token without an `exp` would stay valid for ever behind the gateway's cache: refused.
    const exp = identity.exp;
    if (exp === undefined) throw new Error(UNAUTHORIZED);
    const principal = bearerPrincipal(identity, "lambda-authorizer", {
      cognitoIssuer: s.cognitoIssuer,
      adminGroup: s.adminGroup,
      adminScope: s.adminScope,
      externalGroups: s.groupsClaim !== undefined,
    });
    const policyDocument = principal ? callerPolicy(event.methodArn, principal.isAdmin) : undefined;
    if (!principal || !policyDocument) throw new Error(UNAUTHORIZED);
    // With revocation: a signed-out session is refused as a bad token is; a record that cannot be read admits nobody
    // (an AUTHORIZER_FAULT line, and a thrown error, which API Gateway answers with a 500).
    let checkedAt: number | undefined;
    // The request this read is for (API Gateway's request id, which it gives the integration too): an answer it caches
    // and replays for a later request carries an older id, so the handler can tell this request's read from a replay.
    const requestId: unknown = event.requestContext?.requestId;
    const checkedFor = typeof requestId === "string" && requestId !== "" ? requestId : undefined;
    if (revocations && principal.session) {
      let status;
      try {
        status = await revocations.status(principal.session.id);
      } catch (err) {
        if (!(err instanceof RevocationUnavailable)) throw err;
        console.error(faultLine(err.cause ?? err));
        throw new Error("the sign-out records are not answering");
      }
      if (status.revoked) throw new Error(UNAUTHORIZED);
      checkedAt = status.readAt;
    }
    const plan = choosePlan(s.plans, identity.groups, identity.scopes);
    return {
      principalId: principal.id,
      policyDocument,
      context: {
        sub: identity.sub,
        iss: identity.iss ?? "",
        clientId: identity.clientId ?? "",
        username: identity.username ?? "",
        // A JSON list: exact whatever a group's name holds (context values must be strings).
        groups: JSON.stringify(identity.groups),
        scopes: identity.scopes.join(" "),
        plan: plan.name,
        // The token's expiry (epoch seconds): an answer the gateway cached for this token is refused by the handler
        // after it.
        exp,
        // The sign-in session (a user of the stack's pool), and when its sign-out record was read: the handler reads
        // it again once that is older than revocationCacheSeconds (a cached answer carries its old time).
        ...(principal.session
          ? { session: principal.session.id, sessionClient: principal.session.clientId ?? "" }
          : {}),
        ...(checkedAt !== undefined ? { revocationCheckedAt: checkedAt } : {}),
        ...(checkedAt !== undefined && checkedFor !== undefined ? { revocationCheckedFor: checkedFor } : {}),
      },
      usageIdentifierKey: plan.key,
    };
  };
}
