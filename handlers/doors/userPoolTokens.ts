import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, groupsFromRestClaim, isCognitoSub } from "../principal";
import { list } from "../settings";
import type { StackEnv } from "../env";

/** App client ids whose tokens the handler accepts (audience pinning), for every door that pins. */
export const allowedClientIds = list("ALLOWED_CLIENT_IDS", { nonEmpty: true });

/**
 * A REST COGNITO_USER_POOLS authorizer's claims: ID tokens of our app clients, from our pool,
 * only. API Gateway checks signature, issuer and expiry but not the client, so the audience is
 * pinned here; the issuer is required to be ours too, and the sub to be a Cognito UUID. The
 * claims are the authorizer's (it verified the token in the Authorization header and passes its
 * claims flattened to strings): https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
 */
export function fromUserPoolClaims(event: APIGatewayProxyEvent, clientIds: string[], stack: StackEnv): Principal {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || !isCognitoSub(claims.sub)) throw new Unauthorized();
  if (claims.token_use !== "id") throw new Unauthorized("an ID token is required");
  if (typeof claims.aud !== "string" || !clientIds.includes(claims.aud)) throw new Unauthorized("token was issued to another client");
  if (stack.cognitoIssuer !== undefined && claims.iss !== stack.cognitoIssuer) throw new Unauthorized("token from another issuer");
  // Groups only from what the authorizer verified, read by the rule above (an ambiguous value grants nothing).
  const { groups, ambiguous } = groupsFromRestClaim(claims["cognito:groups"]);
  return { id: claims.sub, kind: "user", door: stack.authMode, groups, scopes: [], isAdmin: !ambiguous && groups.includes(stack.adminGroup) };
}
