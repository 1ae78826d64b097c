import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { HandlerEnv } from "../env";
import { ApiRequest, EventShape } from "../http/request";
import { Unauthorized } from "../http/errors";
import { AlbIdentityVerifier } from "./alb";
import { Principal, parseGroups, parseScopes } from "./principal";

export type { Principal } from "./principal";

/** The event shape each door produces; any other shape has no verified identity for it. */
const SHAPE_OF_DOOR: Record<HandlerEnv["authMode"], EventShape> = {
  iam: "rest-v1",
  cognito: "rest-v1",
  "api-key": "rest-v1",
  "http-jwt": "http-v2",
  "alb-oidc": "alb",
};

/**
 * The caller, derived ONLY from what this stack's door verified: the REST authorizer's claims,
 * the IAM identity API Gateway checked, the JWT authorizer's claims, or the ALB-signed header.
 * Never from the body, the path, the query or a client header. No principal: Unauthorized.
 */
export async function principalOf(req: ApiRequest, env: HandlerEnv, alb?: AlbIdentityVerifier): Promise<Principal> {
  if (req.shape !== SHAPE_OF_DOOR[env.authMode]) throw new Unauthorized();
  const mode = env.authMode;
  switch (mode) {
    case "cognito":
      return fromUserPoolClaims(req.event as APIGatewayProxyEvent, env);
    case "api-key":
      return env.apiKeyUserTokens ? fromUserPoolClaims(req.event as APIGatewayProxyEvent, env) : fromApiKey(req.event as APIGatewayProxyEvent, env);
    case "iam":
      return fromIam(req.event as APIGatewayProxyEvent, env);
    case "http-jwt":
      return fromJwt(req.event as APIGatewayProxyEventV2WithJWTAuthorizer, env);
    case "alb-oidc":
      return fromAlb(req, env, alb);
    default: {
      const unreachable: never = mode;
      throw new Unauthorized(`no principal for ${unreachable}`);
    }
  }
}

/** REST COGNITO_USER_POOLS authorizer: ID tokens of our app client only. */
export function fromUserPoolClaims(event: APIGatewayProxyEvent, env: HandlerEnv): Principal {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || typeof claims.sub !== "string" || claims.sub === "") throw new Unauthorized();
  if (claims.token_use !== "id") throw new Unauthorized("an ID token is required");
  if (typeof claims.aud !== "string" || !env.allowedClientIds.includes(claims.aud)) throw new Unauthorized("token was issued to another client");
  if (env.cognitoIssuer && claims.iss !== undefined && claims.iss !== env.cognitoIssuer) throw new Unauthorized("token from another issuer");
  const groups = parseGroups(claims["cognito:groups"]);
  return { id: claims.sub, kind: "user", door: env.authMode, groups, scopes: [], isAdmin: groups.includes(env.adminGroup) };
}

/** REST API key: identifies an application, never a user. */
export function fromApiKey(event: APIGatewayProxyEvent, env: HandlerEnv): Principal {
  const keyId = event.requestContext?.identity?.apiKeyId;
  if (!keyId) throw new Unauthorized();
  return { id: `apikey:${keyId}`, kind: "machine", door: "api-key", groups: [], scopes: [], isAdmin: env.adminApiKeyIds.includes(keyId) };
}

/** `cognito-idp.<region>.amazonaws.com/<poolId>,cognito-idp.<region>.amazonaws.com/<poolId>:CognitoSignIn:<sub>` */
const PROVIDER = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+),cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+):CognitoSignIn:([0-9a-f-]{36})$/;

/** REST AWS_IAM: an identity-pool user (their user pool sub) or an IAM caller (iam:<ARN>). */
export function fromIam(event: APIGatewayProxyEvent, env: HandlerEnv): Principal {
  const identity = event.requestContext?.identity;
  if (!identity) throw new Unauthorized();
  const userArn = identity.userArn ?? undefined;
  const isAdmin = !!env.iamAdminRoleName && !!userArn && userArn.split("/")[0].endsWith(":assumed-role") && userArn.split("/")[1] === env.iamAdminRoleName;
  if (identity.cognitoAuthenticationType === "authenticated" && identity.cognitoAuthenticationProvider) {
    const m = PROVIDER.exec(identity.cognitoAuthenticationProvider);
    if (!m || m[1] !== env.userPoolId || m[2] !== env.userPoolId) throw new Unauthorized("identity from another user pool");
    return { id: m[3], kind: "user", door: "iam", groups: isAdmin ? [env.adminGroup] : [], scopes: [], isAdmin };
  }
  if (identity.cognitoAuthenticationType) throw new Unauthorized("unauthenticated identities are not accepted");
  if (!userArn || !/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(userArn)) throw new Unauthorized();
  return { id: `iam:${userArn}`, kind: "machine", door: "iam", groups: [], scopes: [], isAdmin };
}

/** HTTP API JWT authorizer: access tokens for our clients; client credentials are machines. */
export function fromJwt(event: APIGatewayProxyEventV2WithJWTAuthorizer, env: HandlerEnv): Principal {
  const jwt = event.requestContext?.authorizer?.jwt;
  const claims = jwt?.claims as Record<string, unknown> | undefined;
  if (!claims || typeof claims.sub !== "string" || claims.sub === "") throw new Unauthorized();
  if (claims.token_use !== undefined && claims.token_use !== "access") throw new Unauthorized("an access token is required");
  const audience = (claims.client_id ?? claims.aud) as unknown;
  const audiences = Array.isArray(audience) ? audience.map(String) : [String(audience)];
  if (!audiences.some((a) => env.allowedClientIds.includes(a))) throw new Unauthorized("token was issued to another client");
  const scopes = jwt?.scopes && jwt.scopes.length > 0 ? jwt.scopes : parseScopes(claims.scope);
  const groups = parseGroups(claims["cognito:groups"]);
  const hasAdminScope = !!env.adminScope && scopes.includes(env.adminScope);
  const isMachine = typeof claims.client_id === "string" && claims.sub === claims.client_id && claims.username === undefined;
  if (isMachine) return { id: `client:${claims.client_id}`, kind: "machine", door: "http-jwt", groups: [], scopes, isAdmin: hasAdminScope };
  const fromOurPool = env.cognitoIssuer !== undefined && claims.iss === env.cognitoIssuer;
  // Any user of the SPA client may ask for the admin scope, so users also need the admin group.
  const isAdmin = hasAdminScope && (fromOurPool ? groups.includes(env.adminGroup) : true);
  return { id: fromOurPool ? claims.sub : `oidc:${claims.sub}`, kind: "user", door: "http-jwt", groups, scopes, isAdmin };
}

/** ALB: the signed x-amzn-oidc-data header, verified here (the ALB is not the only way in). */
export async function fromAlb(req: ApiRequest, env: HandlerEnv, alb?: AlbIdentityVerifier): Promise<Principal> {
  const token = req.headers["x-amzn-oidc-data"];
  if (!token || !alb) throw new Unauthorized();
  const claims = await alb.verify(token);
  const groups = parseGroups(claims["cognito:groups"]);
  const fromOurPool = env.cognitoIssuer !== undefined && claims.iss === env.cognitoIssuer;
  return { id: fromOurPool ? claims.sub : `oidc:${claims.sub}`, kind: "user", door: "alb-oidc", groups, scopes: [], isAdmin: groups.includes(env.adminGroup) };
}
