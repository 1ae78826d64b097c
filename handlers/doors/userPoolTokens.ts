import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, parseGroups } from "../principal";
import { list } from "../settings";
import type { StackEnv } from "../env";

/** App client ids whose tokens the handler accepts (audience pinning), for every door that pins. */
export const allowedClientIds = list("ALLOWED_CLIENT_IDS", { nonEmpty: true });

/**
 * A REST COGNITO_USER_POOLS authorizer's claims: ID tokens of our app clients only. API Gateway
 * checks signature, issuer and expiry but not the client, so the audience is pinned here.
 */
export function fromUserPoolClaims(event: APIGatewayProxyEvent, clientIds: string[], stack: StackEnv): Principal {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || typeof claims.sub !== "string" || claims.sub === "") throw new Unauthorized();
  if (claims.token_use !== "id") throw new Unauthorized("an ID token is required");
  if (typeof claims.aud !== "string" || !clientIds.includes(claims.aud)) throw new Unauthorized("token was issued to another client");
  if (stack.cognitoIssuer && claims.iss !== undefined && claims.iss !== stack.cognitoIssuer) throw new Unauthorized("token from another issuer");
  const groups = parseGroups(claims["cognito:groups"]);
  return { id: claims.sub, kind: "user", door: stack.authMode, groups, scopes: [], isAdmin: groups.includes(stack.adminGroup) };
}
