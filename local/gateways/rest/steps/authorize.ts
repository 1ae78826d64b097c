import type { JWTPayload } from "jose";
import { gatewayClaimStrings } from "../../../../awsRules/gatewayClaims";
import { restAuthorizerEvent } from "../../events";
import type { GatewayDeps } from "../../gateway";
import { headerAs } from "../../http";
import { hasAnyScope, scopesOf, verifySignedToken } from "../../jwt";
import { RestRequest, RestStep, routeOf } from "../context";
import { recordedDomain } from "../../domain";
import { iamAuthorization } from "../iamAuth";
import type { RestMethod } from "../stage";

/**
 * Authorization, by the method's recorded type: NONE lets the request on; COGNITO_USER_POOLS
 * verifies the token (below) and hands the claims on, each a string; AWS_IAM checks the SigV4
 * signature and `execute-api:Invoke` (rest/iamAuth.ts) and hands the caller on; CUSTOM asks the
 * REQUEST Lambda authorizer (rest/requestAuthorizer.ts) and hands its principalId and context on
 * (and its usageIdentifierKey to the apiKey step). A refusal is the gateway response the
 * authorizer names.
 */
export const authorize: RestStep = {
  name: "authorize",
  async run(ctx) {
    const { deps, stage, req } = ctx;
    const route = routeOf(ctx);
    const { method, sourceArn, context } = route;
    const authorization = String(method.resource.inputs.authorization ?? "NONE");
    if (authorization === "COGNITO_USER_POOLS") {
      const outcome = await userPoolAuthorizer(deps, method, req);
      if (!outcome.ok) return { gatewayResponse: "UNAUTHORIZED", why: `the user pool authorizer: ${outcome.reason}` };
      context.authorizer = { claims: gatewayClaimStrings(outcome.payload, "rest") };
    } else if (authorization === "AWS_IAM") {
      const outcome = await iamAuthorization(
        deps.iam,
        { ...req, rawPath: req.rawPath ?? `/${stage.stageName}${req.path}` },
        {
          region: stage.region,
          methodArn: sourceArn,
          now: deps.now,
          // A client may reach the door by its custom domain's name (curl --connect-to): a Host the door answers to.
          hostNames: [recordedDomain(deps.program)?.name ?? ""].filter(Boolean),
        },
      );
      if (!outcome.ok) return { gatewayResponse: outcome.type, why: outcome.message, message: outcome.message };
      context.identity = outcome.identity;
    } else if (authorization === "CUSTOM") {
      const outcome = await stage
        .requestAuthorizerOf(method.authorizer!)
        .authorize(req, sourceArn, () => restAuthorizerEvent(req, context, sourceArn));
      if (!outcome.ok) return { gatewayResponse: outcome.type, why: outcome.reason, message: outcome.message };
      if (outcome.cached) deps.log(`${req.method} ${req.path}: the Lambda authorizer's cached policy allows it`);
      // A proxy integration gets the principalId and the context, each value a string.
      context.authorizer = {
        principalId: outcome.answer.principalId,
        ...outcome.answer.context,
        integrationLatency: 0,
      };
      ctx.usageIdentifierKey = outcome.answer.usageIdentifierKey;
    }
    return undefined;
  },
};

/** The user pool's documented issuer from its ARN: https://cognito-idp.<region>.amazonaws.com/<poolId>. */
export function userPoolIssuer(poolArn: string): string {
  const [, , , region, , resource] = poolArn.split(":");
  return `https://cognito-idp.${region}.amazonaws.com/${resource.replace(/^userpool\//, "")}`;
}

/**
 * The COGNITO_USER_POOLS authorizer: the token in the identity source must be a valid,
 * unexpired token of one of the authorizer's user pools (signature, `iss`, `exp`). Without
 * scopes on the method it must be an ID token; with scopes, an access token holding one of them.
 * The app client (`aud`) is not checked unless `identityValidationExpression` is set.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
 */
async function userPoolAuthorizer(
  deps: GatewayDeps,
  method: RestMethod,
  req: RestRequest["req"],
): Promise<{ ok: true; payload: JWTPayload } | { ok: false; reason: string }> {
  const authorizer = method.authorizer!;
  const header =
    /^method\.request\.header\.(.+)$/.exec(
      String(authorizer.inputs.identitySource ?? "method.request.header.Authorization"),
    )?.[1] ?? "Authorization";
  const token = headerAs("rest", req.headers, header);
  if (!token) return { ok: false, reason: `no ${header} header` };
  const issuers = (authorizer.inputs.providerArns ?? []).map((arn: string) => deps.localize(userPoolIssuer(arn)));
  const iss = unverifiedIssuer(token);
  if (!iss || !issuers.includes(iss)) return { ok: false, reason: "the token is not from the authorizer's user pools" };
  const verified = await verifySignedToken(
    token,
    await deps.keys.byUrl(`${iss}/.well-known/jwks.json`),
    issuers,
    deps.now,
  );
  if (!verified.ok) return verified;
  const scopes: string[] = method.resource.inputs.authorizationScopes ?? [];
  const payload = verified.payload;
  if (scopes.length === 0 && payload.token_use !== "id")
    return { ok: false, reason: "the method has no scopes, so an ID token is required" };
  if (scopes.length > 0 && (payload.token_use !== "access" || !hasAnyScope(scopesOf(payload), scopes)))
    return { ok: false, reason: `an access token with one of ${scopes.join(", ")} is required` };
  const validation = authorizer.inputs.identityValidationExpression;
  if (validation && !new RegExp(`^(?:${validation})$`).test(String(payload.aud ?? "")))
    return { ok: false, reason: "aud does not match the token validation expression" };
  return { ok: true, payload };
}

/** `iss` of a token without verifying it (to pick the pool whose keys verify it). */
function unverifiedIssuer(token: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).iss;
  } catch {
    return undefined;
  }
}
