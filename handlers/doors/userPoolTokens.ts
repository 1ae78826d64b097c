import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, groupsFromTokenClaim, isCognitoSub } from "../principal";
import { list } from "../settings";
import type { StackEnv } from "../env";

/** App client ids whose tokens the handler accepts (audience pinning), for every door that pins. */
export const allowedClientIds = list("ALLOWED_CLIENT_IDS", { nonEmpty: true });

/**
 * The verified ID token's own payload: the REST user pools authorizer checks the token in the
 * Authorization header (its identity source) and passes its claims flattened to strings, where
 * `cognito:groups` loses its list form ("a,b" cannot tell two groups from one named "a,b"). The
 * payload read here is the one the authorizer verified only if it is the same token: same sub,
 * aud, token_use and jti as the claims. Otherwise it is ignored.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
 */
function verifiedTokenPayload(event: APIGatewayProxyEvent, claims: Record<string, unknown>): Record<string, unknown> | undefined {
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  const token = header?.replace(/^Bearer\s+/i, "");
  const segment = token?.split(".")[1];
  if (!segment) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    const same = ["sub", "aud", "token_use", "jti"].every((k) => typeof payload[k] === "string" && payload[k] === claims[k]);
    return same ? payload : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A REST COGNITO_USER_POOLS authorizer's claims: ID tokens of our app clients, from our pool,
 * only. API Gateway checks signature, issuer and expiry but not the client, so the audience is
 * pinned here; the issuer is required to be ours too, and the sub to be a Cognito UUID.
 */
export function fromUserPoolClaims(event: APIGatewayProxyEvent, clientIds: string[], stack: StackEnv): Principal {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || !isCognitoSub(claims.sub)) throw new Unauthorized();
  if (claims.token_use !== "id") throw new Unauthorized("an ID token is required");
  if (typeof claims.aud !== "string" || !clientIds.includes(claims.aud)) throw new Unauthorized("token was issued to another client");
  if (stack.cognitoIssuer !== undefined && claims.iss !== stack.cognitoIssuer) throw new Unauthorized("token from another issuer");
  const groups = groupsFromTokenClaim(verifiedTokenPayload(event, claims)?.["cognito:groups"]);
  return { id: claims.sub, kind: "user", door: stack.authMode, groups, scopes: [], isAdmin: groups.includes(stack.adminGroup) };
}
