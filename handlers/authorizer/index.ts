import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { bearerPrincipal } from "../principal";
import { AuthorizerPolicy, callerPolicy } from "./policy";
import type { AuthorizerPlan, AuthorizerSettings } from "./settings";
import type { TokenVerifier } from "./verify";

/** What a REST Lambda authorizer answers. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html */
export interface AuthorizerResult {
  principalId: string;
  policyDocument: AuthorizerPolicy;
  /** String, number or boolean values only; the notes handler reads them (handlers/doors/lambdaAuthorizer.ts). */
  context: Record<string, string | number | boolean>;
  /** The caller's plan's API key value (the API's apiKeySource is AUTHORIZER). */
  usageIdentifierKey: string;
}

/** Throwing this exact message makes API Gateway answer 401 (anything else is a 500). */
export const UNAUTHORIZED = "Unauthorized";

/** The first plan whose group or scope the caller has, in the configured order; else the default. */
export function choosePlan(plans: readonly AuthorizerPlan[], groups: string[], scopes: string[]): AuthorizerPlan {
  return plans.find((p) => (p.group !== undefined && groups.includes(p.group)) || (p.scope !== undefined && scopes.includes(p.scope)))
    ?? plans.find((p) => !p.group && !p.scope)!;
}

/** `Authorization: Bearer <token>`, by case-insensitive header name. */
export function bearerToken(headers: Record<string, string | undefined> | null | undefined): string | undefined {
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  const m = value ? /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(value.trim()) : null;
  return m?.[1];
}

/**
 * The authorizer: verify the bearer token (no token, or any failure: 401 "Unauthorized"), then
 * answer with a policy over every route (admin routes denied unless admin), the caller's plan key
 * and a context for the notes handler. A valid caller without rights on the route gets the
 * explicit Deny, which API Gateway answers with 403. It never logs a token.
 */
export function createAuthorizer(s: AuthorizerSettings, verify: TokenVerifier) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerResult> => {
    const token = bearerToken(event.headers);
    if (!token) throw new Error(UNAUTHORIZED);
    let identity;
    try {
      identity = await verify(token);
    } catch {
      throw new Error(UNAUTHORIZED);
    }
    const principal = bearerPrincipal(identity, "lambda-authorizer", { cognitoIssuer: s.cognitoIssuer, adminGroup: s.adminGroup, adminScope: s.adminScope, externalGroups: s.groupsClaim !== undefined });
    const policyDocument = principal ? callerPolicy(event.methodArn, principal.isAdmin) : undefined;
    if (!principal || !policyDocument) throw new Error(UNAUTHORIZED);
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
      },
      usageIdentifierKey: plan.key,
    };
  };
}
