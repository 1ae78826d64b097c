import type { JWTPayload } from "jose";
import type { RecordedResource } from "../../offline/mocks";
import { IncomingRequest, httpV2Event, restV1Event } from "./events";
import { NotEmulatedYet } from "../recorded";
import { GatewayDeps, LocalGateway, accountOf, lambdaOfUri, methodArn } from "./gateway";
import { GatewayReply, TokenBucket, headerAs, headerValues, matchTemplate, messageReply, proxyResult } from "./http";
import { audienceMatches, hasAnyScope, scopesOf, verifySignedToken } from "./jwt";
import { gatewayClaimStrings } from "../../awsRules/gatewayClaims";

/**
 * API Gateway HTTP APIs, from the recorded `Api` (with its `corsConfiguration`), `Route`,
 * `Authorizer`, `Integration` and `Stage` resources: one local gateway per recorded stage.
 * Nothing here knows a door.
 */

const T = {
  api: "aws:apigatewayv2/api:Api",
  route: "aws:apigatewayv2/route:Route",
  authorizer: "aws:apigatewayv2/authorizer:Authorizer",
  integration: "aws:apigatewayv2/integration:Integration",
  stage: "aws:apigatewayv2/stage:Stage",
} as const;

export interface CorsConfiguration {
  allowOrigins?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  allowCredentials?: boolean;
  maxAge?: number;
}

const originAllowed = (cors: CorsConfiguration, origin: string | undefined) =>
  !!origin && (cors.allowOrigins ?? []).some((o) => o === "*" || o.toLowerCase() === origin.toLowerCase());

/**
 * The preflight an HTTP API answers itself when CORS is configured, with or without an OPTIONS
 * route; the allow-headers only for a listed origin.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
export function corsPreflight(cors: CorsConfiguration, origin: string | undefined): GatewayReply {
  const headers: Record<string, string> = {};
  if (originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = origin!;
    if (cors.allowMethods?.length) headers["access-control-allow-methods"] = cors.allowMethods.join(",");
    if (cors.allowHeaders?.length) headers["access-control-allow-headers"] = cors.allowHeaders.join(",");
    if (cors.maxAge !== undefined) headers["access-control-max-age"] = String(cors.maxAge);
    if (cors.allowCredentials) headers["access-control-allow-credentials"] = "true";
  }
  return { status: 204, headers, body: Buffer.alloc(0) };
}

/**
 * CORS on every other response, the gateway's own errors included: API Gateway ignores the CORS
 * headers of the integration and sends those of the configuration.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
export function withCors(
  cors: CorsConfiguration | undefined,
  origin: string | undefined,
  reply: GatewayReply,
): GatewayReply {
  if (!cors) return reply;
  const headers = Object.fromEntries(
    Object.entries(reply.headers).filter(([k]) => !k.toLowerCase().startsWith("access-control-")),
  );
  if (originAllowed(cors, origin)) {
    headers["access-control-allow-origin"] = origin!;
    if (cors.exposeHeaders?.length) headers["access-control-expose-headers"] = cors.exposeHeaders.join(",");
    if (cors.allowCredentials) headers["access-control-allow-credentials"] = "true";
  }
  return { ...reply, headers };
}

/**
 * 401 from the JWT authorizer: `{"message":"Unauthorized"}` with a `www-authenticate` header
 * saying why (the documented form: `Bearer scope="" error="invalid_token" error_description="…"`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html
 */
export function jwtUnauthorized(description: string): GatewayReply {
  return messageReply(401, "Unauthorized", {
    "www-authenticate": `Bearer scope="" error="invalid_token" error_description="${description.replace(/"/g, "'")}"`,
  });
}

/** A route key's method and path template (`GET /notes/{id}`; `$default` matches anything). */
function parseRouteKey(routeKey: string): { method: string; path: string } | "default" {
  if (routeKey === "$default") return "default";
  const [method, path] = routeKey.split(" ");
  return { method: method.toUpperCase(), path };
}

export function httpApiGateways(deps: GatewayDeps): LocalGateway[] {
  const { program } = deps;
  return program.ofType(T.stage).map((stage) => {
    const api = program.byId(T.api, stage.inputs.apiId);
    if (!api) throw new Error(`stage ${stage.name} names no recorded HTTP API`);
    if (api.inputs.protocolType !== "HTTP") throw new NotEmulatedYet(`${api.inputs.protocolType} APIs`);
    return httpStage(deps, api, stage);
  });
}

function httpStage(deps: GatewayDeps, api: RecordedResource, stage: RecordedResource): LocalGateway {
  const { program } = deps;
  const apiId = program.idOf(api);
  const executionArn = String(program.stateOf(api).executionArn);
  const stageName = String(stage.inputs.name);
  const cors: CorsConfiguration | undefined = api.inputs.corsConfiguration;
  const mine = (type: string) => program.ofType(type).filter((r) => r.inputs.apiId === apiId);
  const routes = mine(T.route);
  for (const r of routes) {
    const type = String(r.inputs.authorizationType ?? "NONE");
    if (type !== "NONE" && type !== "JWT") throw new NotEmulatedYet(`HTTP API routes with ${type} authorization`);
  }
  const byPath = new Map<string, Map<string, RecordedResource>>();
  let defaultRoute: RecordedResource | undefined;
  for (const r of routes) {
    const key = parseRouteKey(String(r.inputs.routeKey));
    if (key === "default") defaultRoute = r;
    else byPath.set(key.path, (byPath.get(key.path) ?? new Map()).set(key.method, r));
  }
  // Throttling of the stage's routes: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
  const defaults = stage.inputs.defaultRouteSettings ?? {};
  const buckets = new Map<RecordedResource, TokenBucket | undefined>();
  const bucketOf = (route: RecordedResource) => {
    if (!buckets.has(route)) {
      const own =
        (stage.inputs.routeSettings ?? []).find((s: { routeKey: string }) => s.routeKey === route.inputs.routeKey) ??
        {};
      const rate = own.throttlingRateLimit ?? defaults.throttlingRateLimit;
      const burst = own.throttlingBurstLimit ?? defaults.throttlingBurstLimit;
      buckets.set(route, rate === undefined ? undefined : new TokenBucket(rate, burst ?? rate, deps.now));
    }
    return buckets.get(route);
  };

  const respond = async (req: IncomingRequest): Promise<GatewayReply> => {
    const matched = matchTemplate([...byPath.keys()], req.path);
    const route =
      (matched && (byPath.get(matched.template)!.get(req.method) ?? byPath.get(matched.template)!.get("ANY"))) ??
      defaultRoute;
    // No route: 404 Not Found. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
    if (!route) return messageReply(404, "Not Found");
    const pathParams = route === defaultRoute ? {} : matched!.params;
    if (bucketOf(route)?.take() === false) return messageReply(429, "Too Many Requests");

    let authorizer: Record<string, unknown> | undefined;
    if (route.inputs.authorizationType === "JWT") {
      const outcome = await jwtAuthorizer(deps, route, req);
      if (!outcome.ok) {
        deps.log(`${req.method} ${req.path}: ${outcome.status} from the JWT authorizer: ${outcome.reason}`);
        return outcome.status === 401 ? jwtUnauthorized(outcome.reason) : messageReply(403, "Forbidden");
      }
      const routeScopes: string[] = route.inputs.authorizationScopes ?? [];
      authorizer = {
        jwt: {
          claims: gatewayClaimStrings(outcome.payload, "http"),
          scopes: routeScopes.length ? scopesOf(outcome.payload) : null,
        },
      };
    }

    const integration = program.byId(T.integration, String(route.inputs.target ?? "").replace(/^integrations\//, ""));
    if (!integration || integration.inputs.integrationType !== "AWS_PROXY")
      throw new NotEmulatedYet(`HTTP API integrations of type ${integration?.inputs.integrationType}`);
    const routeKey = String(route.inputs.routeKey);
    const version = integration.inputs.payloadFormatVersion === "1.0" ? "1.0" : "2.0";
    const accountId = accountOf(executionArn);
    const event =
      version === "2.0"
        ? httpV2Event(req, {
            apiId,
            stage: stageName,
            accountId,
            routeKey,
            pathParameters: Object.keys(pathParams).length ? pathParams : undefined,
            authorizer,
          })
        : restV1Event(req, {
            apiId,
            stage: stageName,
            accountId,
            resourcePath: matched?.template ?? req.path,
            pathParameters: pathParams,
            authorizer,
          });
    const sourceArn = methodArn(executionArn, stageName, req.method, req.path);
    const functionRef = lambdaOfUri(String(integration.inputs.integrationUri));
    const invoked = await deps.lambda.invokeAs(
      { principal: "apigateway.amazonaws.com", sourceArn, sourceAccount: accountId },
      functionRef,
      event,
    );
    // A function API Gateway may not invoke, or a malformed answer: 500 Internal Server Error.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
    if (!invoked.allowed) {
      deps.log(`${req.method} ${req.path}: 500, API Gateway may not invoke the function (${invoked.reason})`);
      return messageReply(500, "Internal Server Error");
    }
    if (invoked.error) {
      deps.log(
        `${req.method} ${req.path}: 500, the function failed (${invoked.error.errorType}: ` +
          `${invoked.error.errorMessage})`,
      );
      return messageReply(500, "Internal Server Error");
    }
    return proxyResult(invoked.result, version) ?? messageReply(500, "Internal Server Error");
  };

  return {
    describe: `HTTP API ${api.name} (${apiId}), stage ${stageName}`,
    basePath: stageName === "$default" ? "" : `/${stageName}`,
    invokeUrl: String(program.stateOf(stage).invokeUrl),
    api: { id: apiId, stage: stageName, executeApiEndpoint: api.inputs.disableExecuteApiEndpoint !== true },
    async handle(req) {
      const origin = headerAs("httpApi", req.headers, "origin");
      const preflight =
        req.method === "OPTIONS" && !!origin && headerValues(req.headers, "access-control-request-method").length > 0;
      if (cors && preflight) return corsPreflight(cors, origin);
      return withCors(cors, origin, await respond(req));
    },
  };
}

/**
 * The JWT authorizer: the token from the identity source (with or without `Bearer `), its
 * signature against the issuer's JWKS (found by OIDC discovery; RSA only), `iss`, `aud` or
 * `client_id` among the audiences, `exp`/`nbf`/`iat`; 401 on any failure. Then the route's
 * scopes: none of them in the token is a 403 (the status is what API Gateway answers; the page
 * lists the check but not the code).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html#http-api-jwt-authorizer.evaluation
 */
async function jwtAuthorizer(
  deps: GatewayDeps,
  route: RecordedResource,
  req: IncomingRequest,
): Promise<{ ok: true; payload: JWTPayload } | { ok: false; status: 401 | 403; reason: string }> {
  const authorizer = deps.program.byId(T.authorizer, String(route.inputs.authorizerId));
  if (!authorizer || authorizer.inputs.authorizerType !== "JWT")
    throw new NotEmulatedYet(`HTTP API authorizers of type ${authorizer?.inputs.authorizerType}`);
  const source = String(authorizer.inputs.identitySources?.[0] ?? "$request.header.Authorization");
  const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
  if (!header) throw new NotEmulatedYet(`JWT identity source ${source}`);
  const raw = headerAs("httpApi", req.headers, header);
  if (!raw) return { ok: false, status: 401, reason: "the token is missing" };
  const token = raw.replace(/^Bearer\s+/i, "");
  const config = authorizer.inputs.jwtConfiguration ?? {};
  const issuer = deps.localize(String(config.issuer));
  let keys;
  try {
    keys = await deps.keys.byDiscovery(issuer);
  } catch (err) {
    return {
      ok: false,
      status: 401,
      reason: `the issuer's keys could not be fetched (${err instanceof Error ? err.message : err})`,
    };
  }
  const verified = await verifySignedToken(token, keys, [issuer], deps.now);
  if (!verified.ok) return { ok: false, status: 401, reason: verified.reason };
  if (!audienceMatches(verified.payload, config.audiences ?? []))
    return { ok: false, status: 401, reason: "the token does not have a valid audience" };
  const required: string[] = route.inputs.authorizationScopes ?? [];
  if (required.length && !hasAnyScope(scopesOf(verified.payload), required))
    return { ok: false, status: 403, reason: `the token has none of the route's scopes (${required.join(", ")})` };
  return { ok: true, payload: verified.payload };
}
