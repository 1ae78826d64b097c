import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, bearerPrincipal, epochSeconds, groupsFromTokenClaim, parseScopes } from "../principal";
import type { StackEnv } from "../contract/stack";
import type { HandlerDoor } from "./door";
import { LambdaAuthorizerSettings, lambdaAuthorizerSettings } from "../contract/doors/lambda-authorizer";

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** Epoch milliseconds from the context, a number or its digits. */
const epochMillis = (v: unknown) =>
  typeof v === "number" && Number.isSafeInteger(v) && v > 0
    ? v
    : typeof v === "string" && /^[1-9][0-9]{0,15}$/.test(v)
      ? Number(v)
      : undefined;

/**
 * `lambda-authorizer`: REST v1 with OUR authorizer's answer in `requestContext.authorizer`: its
 * `principalId` and the context it set after verifying the token (API Gateway passes both to a
 * proxy integration: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * The principal is derived again from that context by the rule every bearer door shares, and must
 * be the authorizer's principalId: a user's id is their user pool sub, so a switch from `cognito`
 * or `http-jwt` keeps their notes.
 *
 * API Gateway caches the authorizer's answer per token for the authorizer's TTL
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization.html),
 * and a cached answer is used again without the authorizer running, however old the token has
 * become. So the authorizer puts the token's `exp` in the context, and a request whose `exp` has
 * passed (or that has none) is refused here: an expired token stops working at once. A token
 * revoked before its `exp` (sign-out) still works until `exp`, as at every JWT door, unless `revocation` is on: then
 * the session the authorizer passes (`session`, `sessionClient`, `revocationCheckedAt`) is refused once signed out
 * (handlers/sessions/revocations.ts).
 */
export function fromAuthorizerContext(
  event: APIGatewayProxyEvent,
  s: LambdaAuthorizerSettings,
  stack: StackEnv,
  nowSeconds = Date.now() / 1000,
): Principal {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const sub = str(ctx?.sub);
  if (!ctx || !sub) throw new Unauthorized();
  // Our authorizer sets a number; a proxy integration may see it as a string of digits.
  const exp = epochSeconds(ctx.exp);
  if (exp === undefined || exp <= nowSeconds) throw new Unauthorized("the token has expired");
  let groups: string[] = [];
  try {
    groups = groupsFromTokenClaim(JSON.parse(String(ctx.groups ?? "[]")));
  } catch {
    throw new Unauthorized();
  }
  const principal = bearerPrincipal(
    {
      sub,
      iss: str(ctx.iss),
      clientId: str(ctx.clientId),
      username: str(ctx.username),
      groups,
      scopes: parseScopes(ctx.scopes),
      exp,
      // The sign-in session our authorizer read from the token it verified (handlers/authorizer/index.ts).
      originJti: str(ctx.session),
      appClient: str(ctx.sessionClient),
    },
    "lambda-authorizer",
    {
      cognitoIssuer: stack.cognitoIssuer,
      adminGroup: stack.adminGroup,
      adminScope: s.adminScope,
      externalGroups: s.groupsClaim !== undefined,
    },
  );
  if (!principal || principal.id !== ctx.principalId) throw new Unauthorized();
  // The tier whose usage plan meters the caller (handlers/authorizer/index.ts sets `plan`).
  const tier = str(ctx.plan);
  // When the authorizer looked the session up (epoch ms): a cached answer carries an old time.
  const checkedAt = epochMillis(ctx.revocationCheckedAt);
  // Whether that look-up was for this request: the authorizer's input carries the request's `requestContext.requestId`
  // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html), as the
  // integration's does. Should the two ever differ, the handler only reads again (never an admission).
  const requestId = event.requestContext?.requestId;
  const checkedThisRequest =
    checkedAt !== undefined &&
    typeof requestId === "string" &&
    requestId !== "" &&
    ctx.revocationCheckedFor === requestId;
  const session =
    principal.session && checkedAt !== undefined
      ? { ...principal.session, checkedAt, ...(checkedThisRequest ? { checkedThisRequest: true as const } : {}) }
      : principal.session;
  return { ...principal, ...(tier ? { tier } : {}), ...(session ? { session } : {}) };
}

export const lambdaAuthorizerDoor: HandlerDoor<LambdaAuthorizerSettings> = {
  shape: "rest-v1",
  settings: lambdaAuthorizerSettings,
  principal: (req, s, stack) => fromAuthorizerContext(req.event as APIGatewayProxyEvent, s, stack),
};
