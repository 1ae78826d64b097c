import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import {
  DEFAULT_GROUPS_CLAIM,
  Principal,
  bearerPrincipal,
  epochSeconds,
  groupsFromHttpApiClaim,
  parseScopes,
} from "../principal";
import type { StackEnv } from "../contract/stack";
import type { HandlerDoor } from "./door";
import { HttpJwtSettings, httpJwtSettings } from "../contract/doors/http-jwt";

/**
 * The audiences the JWT authorizer checked, by its own rule: `aud` when the token has one, else
 * `client_id` ("API Gateway validates client_id only if aud is not present", so a token with both
 * passed on its `aud` alone). The handler pins the same claim, so it never refuses a token the
 * gateway accepted for one of our clients, nor accepts one on a `client_id` the gateway ignored.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 * The HTTP API renders a list claim as "[a b]" (handlers/principal.ts), read the same way here.
 */
export function audiencesAsGatewayChecks(claims: Record<string, unknown>): string[] {
  const value = claims.aud !== undefined && claims.aud !== null && claims.aud !== "" ? claims.aud : claims.client_id;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string" || value === "") return [];
  return groupsFromHttpApiClaim(value);
}

/** HTTP API JWT authorizer: access tokens for our clients; client credentials are machines. */
export function fromJwt(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  s: HttpJwtSettings,
  stack: StackEnv,
): Principal {
  const jwt = event.requestContext?.authorizer?.jwt;
  const claims = jwt?.claims as Record<string, unknown> | undefined;
  if (!claims || typeof claims.sub !== "string" || claims.sub === "") throw new Unauthorized();
  if (claims.token_use !== undefined && claims.token_use !== "access")
    throw new Unauthorized("an access token is required");
  const audiences = audiencesAsGatewayChecks(claims);
  if (!audiences.some((a) => s.allowedClientIds.includes(a)))
    throw new Unauthorized("token was issued to another client");
  const principal = bearerPrincipal(
    {
      sub: claims.sub,
      iss: typeof claims.iss === "string" ? claims.iss : undefined,
      clientId: typeof claims.client_id === "string" ? claims.client_id : undefined,
      username: typeof claims.username === "string" ? claims.username : undefined,
      groups: groupsFromHttpApiClaim(claims[s.groupsClaim ?? DEFAULT_GROUPS_CLAIM]),
      scopes: jwt?.scopes && jwt.scopes.length > 0 ? jwt.scopes : parseScopes(claims.scope),
      // The sign-in session (the JWT authorizer's claims; `exp` as epoch seconds, awsRules/gatewayClaims.ts).
      exp: epochSeconds(claims.exp),
      originJti: typeof claims.origin_jti === "string" ? claims.origin_jti : undefined,
      appClient: typeof claims.client_id === "string" ? claims.client_id : undefined,
    },
    "http-jwt",
    {
      cognitoIssuer: stack.cognitoIssuer,
      adminGroup: stack.adminGroup,
      adminScope: s.adminScope,
      externalGroups: s.groupsClaim !== undefined,
    },
  );
  if (!principal) throw new Unauthorized();
  return principal;
}

/** `http-jwt`: HTTP API payload 2.0 with the JWT authorizer's claims and scopes. */
export const httpJwtDoor: HandlerDoor<HttpJwtSettings> = {
  shape: "http-v2",
  settings: httpJwtSettings,
  principal: (req, s, stack) => fromJwt(req.event as APIGatewayProxyEventV2WithJWTAuthorizer, s, stack),
};
