import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, bearerPrincipal, groupsFromTokenClaim, parseScopes } from "../principal";
import { SettingsOf, optional, settings, text } from "../settings";
import type { StackEnv } from "../env";
import type { HandlerDoor } from "./door";

export const lambdaAuthorizerSettings = settings({
  /** The scope that admin routes need (machines; users also need the admin group). */
  adminScope: text("ADMIN_SCOPE"),
  /** An external issuer's groups claim (`groupsClaim`), read by the authorizer: its users are then admin by the admin group too. */
  groupsClaim: optional("GROUPS_CLAIM"),
});
export type LambdaAuthorizerSettings = SettingsOf<typeof lambdaAuthorizerSettings>;

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * `lambda-authorizer`: REST v1 with OUR authorizer's answer in `requestContext.authorizer`: its
 * `principalId` and the context it set after verifying the token (API Gateway passes both to a
 * proxy integration: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * The principal is derived again from that context by the rule every bearer door shares, and must
 * be the authorizer's principalId: a user's id is their user pool sub, so a switch from `cognito`
 * or `http-jwt` keeps their notes.
 */
export function fromAuthorizerContext(event: APIGatewayProxyEvent, s: LambdaAuthorizerSettings, stack: StackEnv): Principal {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const sub = str(ctx?.sub);
  if (!ctx || !sub) throw new Unauthorized();
  let groups: string[] = [];
  try {
    groups = groupsFromTokenClaim(JSON.parse(String(ctx.groups ?? "[]")));
  } catch {
    throw new Unauthorized();
  }
  const principal = bearerPrincipal(
    { sub, iss: str(ctx.iss), clientId: str(ctx.clientId), username: str(ctx.username), groups, scopes: parseScopes(ctx.scopes) },
    "lambda-authorizer",
    { cognitoIssuer: stack.cognitoIssuer, adminGroup: stack.adminGroup, adminScope: s.adminScope, externalGroups: s.groupsClaim !== undefined },
  );
  if (!principal || principal.id !== ctx.principalId) throw new Unauthorized();
  return principal;
}

export const lambdaAuthorizerDoor: HandlerDoor<LambdaAuthorizerSettings> = {
  shape: "rest-v1",
  settings: lambdaAuthorizerSettings,
  principal: (req, s, stack) => fromAuthorizerContext(req.event as APIGatewayProxyEvent, s, stack),
};
