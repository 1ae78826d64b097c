import type { JWTPayload } from "jose";
import type { RecordedResource } from "../../../offline/mocks";
import { IncomingRequest, RestContext, restAuthorizerEvent, restV1Event } from "../events";
import { NotEmulatedYet } from "../../recorded";
import { GatewayDeps, LocalGateway, accountOf, lambdaOfUri, methodArn } from "../gateway";
import { GatewayReply, TokenBucket, headerValues, matchTemplate, messageReply, proxyResult } from "../http";
import { iamAuthorization } from "../iamAuth";
import { hasAnyScope, scopesOf, verifySignedToken } from "../jwt";
import { RequestAuthorizer } from "../requestAuthorizer";
import { StageUsagePlans } from "../usagePlans";
import { gatewayClaimStrings } from "../../../awsRules/gatewayClaims";
import { TemplateError, renderTemplate } from "../vtl";

/**
 * API Gateway REST APIs, from the recorded `RestApi`, `Resource`, `Method`, `Integration`,
 * `IntegrationResponse`, `Authorizer` (user pools, REQUEST Lambda), `Response` (gateway
 * responses), `Stage`, `MethodSettings`, `ApiKey`, `UsagePlan` and `UsagePlanKey` resources, and
 * the recorded IAM policies for AWS_IAM methods: one local gateway per recorded stage. Nothing
 * here knows a door.
 */

const T = {
  restApi: "aws:apigateway/restApi:RestApi",
  resource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  gatewayResponse: "aws:apigateway/response:Response",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
} as const;

/**
 * The gateway responses this emulator raises, with the status, default message and
 * `x-amzn-ErrorType` API Gateway gives them.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * Messages and error types: "Missing Authentication Token" (api-gateway-gatewayResponse-definition.html),
 * "Unauthorized", "Forbidden" (an API key), "Too Many Requests", "Limit Exceeded" (a quota),
 * "Signature expired", "The security token included in the request is invalid." and "Internal
 * server error" (AWS Knowledge Center: api-gateway-troubleshoot-403-forbidden, api-gateway-429-limit,
 * api-gateway-internal-server-error, api-gateway-403-error-lambda-authorizer); a failing Lambda
 * authorizer's 500 carries a null message.
 * UNRECOGNIZED_CLIENT is no configurable type of its own: its answer is a DEFAULT_4XX.
 */
export const GATEWAY_RESPONSES = {
  MISSING_AUTHENTICATION_TOKEN: {
    status: 403,
    message: "Missing Authentication Token",
    errorType: "MissingAuthenticationTokenException",
  },
  UNAUTHORIZED: { status: 401, message: "Unauthorized", errorType: "UnauthorizedException" },
  ACCESS_DENIED: {
    status: 403,
    message: "User is not authorized to access this resource",
    errorType: "AccessDeniedException",
  },
  INVALID_SIGNATURE: { status: 403, message: "Forbidden", errorType: "InvalidSignatureException" },
  EXPIRED_TOKEN: { status: 403, message: "Signature expired", errorType: "InvalidSignatureException" },
  UNRECOGNIZED_CLIENT: {
    status: 403,
    message: "The security token included in the request is invalid.",
    errorType: "UnrecognizedClientException",
  },
  INVALID_API_KEY: { status: 403, message: "Forbidden", errorType: "ForbiddenException" },
  THROTTLED: { status: 429, message: "Too Many Requests", errorType: "TooManyRequestsException" },
  QUOTA_EXCEEDED: { status: 429, message: "Limit Exceeded", errorType: "LimitExceededException" },
  AUTHORIZER_FAILURE: { status: 500, message: null, errorType: "AuthorizerFailureException" },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, message: null, errorType: "AuthorizerConfigurationException" },
  API_CONFIGURATION_ERROR: { status: 500, message: "Internal server error", errorType: "InternalServerErrorException" },
  INTEGRATION_FAILURE: { status: 502, message: "Internal server error", errorType: "InternalServerErrorException" },
} as const;
export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

/**
 * The value of a response parameter mapping: a quoted literal (`'value'`) or a request
 * parameter (`method.request.header.Origin`, `.querystring.`, `.path.`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
export function mappedValue(
  expression: string,
  req: IncomingRequest,
  pathParams: Record<string, string>,
): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const param = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(expression);
  if (!param) return undefined;
  const [, where, name] = param;
  if (where === "header") return headerValues(req.headers, name)[0];
  if (where === "querystring") return new URLSearchParams(req.rawQuery ?? "").get(name) ?? undefined;
  return pathParams[name];
}

/** Headers of a mapping's `<prefix><Header-Name>` keys, evaluated for a request. */
function mappedHeaders(
  params: Record<string, string> | undefined,
  prefix: string,
  req: IncomingRequest,
  pathParams: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, expr] of Object.entries(params ?? {})) {
    if (!key.startsWith(prefix)) continue;
    const value = mappedValue(expr, req, pathParams);
    if (value !== undefined && value !== "") out[key.slice(prefix.length)] = value;
  }
  return out;
}

/** The user pool's documented issuer from its ARN: https://cognito-idp.<region>.amazonaws.com/<poolId>. */
export function userPoolIssuer(poolArn: string): string {
  const [, , , region, , resource] = poolArn.split(":");
  return `https://cognito-idp.${region}.amazonaws.com/${resource.replace(/^userpool\//, "")}`;
}

interface Method {
  resource: RecordedResource;
  integration?: RecordedResource;
  integrationResponses: RecordedResource[];
  authorizer?: RecordedResource;
}

export function restApiGateways(deps: GatewayDeps): LocalGateway[] {
  const { program } = deps;
  return program.ofType(T.stage).map((stage) => {
    const api = program.byId(T.restApi, stage.inputs.restApi);
    if (!api) throw new Error(`stage ${stage.name} names no recorded REST API`);
    return restStage(deps, api, stage);
  });
}

function restStage(deps: GatewayDeps, api: RecordedResource, stage: RecordedResource): LocalGateway {
  const { program } = deps;
  const apiId = program.idOf(api);
  const apiState = program.stateOf(api);
  const stageName = String(stage.inputs.stageName);
  const mine = (type: string, field = "restApi") => program.ofType(type).filter((r) => r.inputs[field] === apiId);

  // The resource tree: each Resource's full path from its parent's.
  const paths = new Map<string, string>([[String(apiState.rootResourceId), "/"]]);
  const resources = mine(T.resource);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of resources) {
      const parent = paths.get(r.inputs.parentId);
      if (parent !== undefined && !paths.has(program.idOf(r))) {
        paths.set(program.idOf(r), `${parent === "/" ? "" : parent}/${r.inputs.pathPart}`);
        grew = true;
      }
    }
  }

  const key = (resourceId: string, verb: string) => `${resourceId} ${verb}`;
  const methods = new Map<string, Method>();
  for (const m of mine(T.method)) {
    const at = (r: RecordedResource) =>
      r.inputs.resourceId === m.inputs.resourceId && r.inputs.httpMethod === m.inputs.httpMethod;
    const authorizer = m.inputs.authorizerId ? program.byId(T.authorizer, m.inputs.authorizerId) : undefined;
    methods.set(key(m.inputs.resourceId, m.inputs.httpMethod), {
      resource: m,
      integration: mine(T.integration).find(at),
      integrationResponses: mine(T.integrationResponse).filter(at),
      authorizer,
    });
    checkEmulated(m, authorizer, mine(T.integration).find(at));
  }
  const templates = [...paths.values()];
  const idOfPath = new Map([...paths].map(([id, p]) => [p, id]));
  const responses = mine(T.gatewayResponse, "restApiId");
  const settings = mine(T.methodSettings).filter(
    (s) => s.inputs.stageName === stageName && s.inputs.methodPath === "*/*",
  )[0]?.inputs.settings;
  const executionArn = String(apiState.executionArn);
  const region = executionArn.split(":")[3];
  const account = accountOf(executionArn);
  const apiKeySource = String(api.inputs.apiKeySource ?? "HEADER");
  const usagePlans = new StageUsagePlans(program, apiId, stageName, deps.apiKeys, deps.now);
  const requestAuthorizers = new Map<RecordedResource, RequestAuthorizer>();
  const requestAuthorizerOf = (authorizer: RecordedResource) => {
    let found = requestAuthorizers.get(authorizer);
    if (!found) {
      found = new RequestAuthorizer(authorizer, {
        iam: deps.iam,
        lambda: () => deps.lambda,
        account,
        authorizerArn: `${executionArn}/authorizers/${program.idOf(authorizer)}`,
        now: deps.now,
      });
      requestAuthorizers.set(authorizer, found);
    }
    return found;
  };
  // Stage throttling (MethodSettings */*): https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
  const bucket =
    settings?.throttlingRateLimit !== undefined && settings.throttlingRateLimit >= 0
      ? new TokenBucket(
          settings.throttlingRateLimit,
          settings.throttlingBurstLimit ?? settings.throttlingRateLimit,
          deps.now,
        )
      : undefined;

  /** A gateway response: the recorded one of its type, else DEFAULT_4XX / DEFAULT_5XX, for status, headers and body. */
  const gatewayResponse = (
    type: GatewayResponseType,
    req: IncomingRequest,
    pathParams: Record<string, string> = {},
    message?: string | null,
  ): GatewayReply => {
    const base = GATEWAY_RESPONSES[type];
    const text = message === undefined ? base.message : message;
    const fallback = base.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
    const recorded =
      responses.find((r) => r.inputs.responseType === type) ??
      responses.find((r) => r.inputs.responseType === fallback);
    const status = recorded?.inputs.statusCode ? Number(recorded.inputs.statusCode) : base.status;
    const headers = {
      "x-amzn-ErrorType": base.errorType,
      ...mappedHeaders(recorded?.inputs.responseParameters, "gatewayresponse.header.", req, pathParams),
    };
    const template = recorded?.inputs.responseTemplates?.["application/json"];
    if (!template) return messageReply(status, text, headers);
    const body = renderTemplate(template, req, pathParams, {
      error: { message: text, messageString: JSON.stringify(text), responseType: type },
    }).body;
    return { status, headers: { "content-type": "application/json", ...headers }, body: Buffer.from(body) };
  };

  return {
    describe: `REST API ${api.name} (${apiId}), stage ${stageName}`,
    basePath: `/${stageName}`,
    invokeUrl: String(program.stateOf(stage).invokeUrl),
    api: { id: apiId, stage: stageName, executeApiEndpoint: api.inputs.disableExecuteApiEndpoint !== true },
    async handle(req) {
      const matched = matchTemplate(templates, req.path);
      const resourceId = matched ? idOfPath.get(matched.template)! : undefined;
      const method = resourceId
        ? (methods.get(key(resourceId, req.method)) ?? methods.get(key(resourceId, "ANY")))
        : undefined;
      // An unknown resource or method: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
      if (!matched || !method) return gatewayResponse("MISSING_AUTHENTICATION_TOKEN", req);
      const pathParams = matched.params;
      if (bucket && !bucket.take()) return gatewayResponse("THROTTLED", req, pathParams);
      const refuse = (type: GatewayResponseType, why: string, message?: string | null) => {
        deps.log(`${req.method} ${req.path}: ${GATEWAY_RESPONSES[type].status} ${type}: ${why}`);
        return gatewayResponse(type, req, pathParams, message);
      };
      const sourceArn = methodArn(executionArn, stageName, req.method, req.path);
      const context: RestContext = {
        apiId,
        stage: stageName,
        accountId: account,
        resourcePath: matched.template,
        pathParameters: Object.keys(pathParams).length ? pathParams : null,
        authorizer: null,
        identity: {},
      };

      // Authorization, by the method's recorded type.
      let usageIdentifierKey: string | undefined;
      const authorization = String(method.resource.inputs.authorization ?? "NONE");
      if (authorization === "COGNITO_USER_POOLS") {
        const outcome = await userPoolAuthorizer(deps, method, req);
        if (!outcome.ok) return refuse("UNAUTHORIZED", `the user pool authorizer: ${outcome.reason}`);
        context.authorizer = { claims: gatewayClaimStrings(outcome.payload, "rest") };
      } else if (authorization === "AWS_IAM") {
        const outcome = await iamAuthorization(
          deps.iam,
          { ...req, rawPath: req.rawPath ?? `/${stageName}${req.path}` },
          { region, methodArn: sourceArn, now: deps.now },
        );
        if (!outcome.ok) return refuse(outcome.type, outcome.message, outcome.message);
        context.identity = outcome.identity;
      } else if (authorization === "CUSTOM") {
        const outcome = await requestAuthorizerOf(method.authorizer!).authorize(req, sourceArn, () =>
          restAuthorizerEvent(req, context, sourceArn),
        );
        if (!outcome.ok) return refuse(outcome.type, outcome.reason, outcome.message);
        if (outcome.cached) deps.log(`${req.method} ${req.path}: the Lambda authorizer's cached policy allows it`);
        // A proxy integration gets the principalId and the context, each value a string.
        context.authorizer = {
          principalId: outcome.answer.principalId,
          ...outcome.answer.context,
          integrationLatency: 0,
        };
        usageIdentifierKey = outcome.answer.usageIdentifierKey;
      }

      // The API key and its usage plan: from x-api-key, or the authorizer's usageIdentifierKey.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
      if (method.resource.inputs.apiKeyRequired) {
        const used = usagePlans.use(
          apiKeySource === "AUTHORIZER" ? usageIdentifierKey : headerValues(req.headers, "x-api-key")[0],
        );
        if (!used.ok) return refuse(used.type, used.reason);
        context.identity = { ...context.identity, apiKey: used.key.value, apiKeyId: used.key.id };
      }

      const integration = method.integration;
      if (integration?.inputs.type === "MOCK")
        return mockIntegration(
          method,
          req,
          pathParams,
          () => gatewayResponse("API_CONFIGURATION_ERROR", req, pathParams),
          deps,
        );
      const functionArn = lambdaOfUri(String(integration?.inputs.uri ?? ""));
      const event = restV1Event(req, context);
      const invoked = await deps.lambda.invokeAs(
        { principal: "apigateway.amazonaws.com", sourceArn, sourceAccount: account },
        functionArn,
        event,
      );
      if (!invoked.allowed) {
        // "Execution failed due to configuration error: Invalid permissions on Lambda function", a 500:
        // https://repost.aws/knowledge-center/api-gateway-internal-server-error
        deps.log(`${req.method} ${req.path}: 500, invalid permissions on Lambda function (${invoked.reason})`);
        return gatewayResponse("API_CONFIGURATION_ERROR", req, pathParams);
      }
      const reply = invoked.error ? undefined : proxyResult(invoked.result, "1.0");
      if (!reply) {
        deps.log(
          `${req.method} ${req.path}: 502, ${invoked.error ? `the function failed (${invoked.error.errorType}: ${invoked.error.errorMessage})` : "malformed Lambda proxy response"}`,
        );
        return gatewayResponse("INTEGRATION_FAILURE", req, pathParams);
      }
      return reply;
    },
  };
}

/** What this emulator cannot reproduce stops local mode at start, naming it. */
function checkEmulated(
  method: RecordedResource,
  authorizer: RecordedResource | undefined,
  integration: RecordedResource | undefined,
): void {
  const auth = String(method.inputs.authorization ?? "NONE");
  if (!["NONE", "COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM"].includes(auth))
    throw new NotEmulatedYet(`REST methods with ${auth} authorization`);
  if (auth === "COGNITO_USER_POOLS" && authorizer?.inputs.type !== "COGNITO_USER_POOLS")
    throw new NotEmulatedYet(`REST authorizers of type ${authorizer?.inputs.type}`);
  if (auth === "CUSTOM" && authorizer?.inputs.type !== "REQUEST")
    throw new NotEmulatedYet(`REST Lambda authorizers of type ${authorizer?.inputs.type}`);
  if (integration && !["AWS_PROXY", "MOCK"].includes(integration.inputs.type))
    throw new NotEmulatedYet(`REST integrations of type ${integration.inputs.type}`);
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
  method: Method,
  req: IncomingRequest,
): Promise<{ ok: true; payload: JWTPayload } | { ok: false; reason: string }> {
  const authorizer = method.authorizer!;
  const header =
    /^method\.request\.header\.(.+)$/.exec(
      String(authorizer.inputs.identitySource ?? "method.request.header.Authorization"),
    )?.[1] ?? "Authorization";
  const token = headerValues(req.headers, header)[0];
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

/**
 * A MOCK integration: the request template gives the status code, the integration response for
 * that code maps headers and renders its template (VTL), `$context.responseOverride` applied.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html
 * A template that cannot be evaluated is a configuration error (500).
 */
function mockIntegration(
  method: Method,
  req: IncomingRequest,
  pathParams: Record<string, string>,
  configurationError: () => GatewayReply,
  deps: GatewayDeps,
): GatewayReply {
  try {
    const requestTemplate = method.integration?.inputs.requestTemplates?.["application/json"] ?? '{"statusCode": 200}';
    const statusCode = String(JSON.parse(renderTemplate(requestTemplate, req, pathParams).body).statusCode ?? 200);
    const response =
      method.integrationResponses.find(
        (r) => String(r.inputs.statusCode) === statusCode && !r.inputs.selectionPattern,
      ) ?? method.integrationResponses.find((r) => !r.inputs.selectionPattern);
    if (!response) throw new TemplateError(`no integration response for status ${statusCode}`);
    const headers = mappedHeaders(response.inputs.responseParameters, "method.response.header.", req, pathParams);
    const template = response.inputs.responseTemplates?.["application/json"];
    const rendered = template
      ? renderTemplate(template, req, pathParams)
      : { body: "", override: { header: {} as Record<string, string> } };
    return {
      status: rendered.override.status ?? Number(response.inputs.statusCode),
      headers: { "content-type": "application/json", ...headers, ...rendered.override.header },
      body: Buffer.from(rendered.body),
    };
  } catch (err) {
    if (!(err instanceof TemplateError) && !(err instanceof SyntaxError)) throw err;
    deps.log(`${req.method} ${req.path}: 500, ${err.message}`);
    return configurationError();
  }
}
