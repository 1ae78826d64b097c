/**
 * The access-log line every gateway door writes: who called, how they were authorized, what came
 * back. Never a token. One list of fields; each gateway names its context variables its own way
 * (REST: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference,
 * HTTP: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
 */
const FIELDS: Record<string, { rest?: string; http?: string }> = {
  requestId: { rest: "$context.requestId", http: "$context.requestId" },
  ip: { rest: "$context.identity.sourceIp", http: "$context.identity.sourceIp" },
  caller: { rest: "$context.identity.caller" },
  user: { rest: "$context.identity.user" },
  apiKeyId: { rest: "$context.identity.apiKeyId" },
  sub: { rest: "$context.authorizer.claims.sub", http: "$context.authorizer.claims.sub" },
  clientId: { http: "$context.authorizer.claims.client_id" },
  requestTime: { rest: "$context.requestTime" },
  httpMethod: { rest: "$context.httpMethod" },
  resourcePath: { rest: "$context.resourcePath" },
  routeKey: { http: "$context.routeKey" },
  status: { rest: "$context.status", http: "$context.status" },
  responseLength: { rest: "$context.responseLength", http: "$context.responseLength" },
  authorizeError: { rest: "$context.authorize.error" },
  authorizerError: { http: "$context.authorizer.error" },
  integrationError: { rest: "$context.integration.error", http: "$context.integrationErrorMessage" },
};

/** The JSON access-log format for a REST or an HTTP API stage. */
export function accessLogFormat(gateway: "rest" | "http"): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(FIELDS).flatMap(([k, v]) => (v[gateway] ? [[k, v[gateway]]] : []))),
  );
}
