/**
 * The gateway responses this emulator raises, with the status, default message and
 * `x-amzn-ErrorType` API Gateway gives them (steps/respond.ts renders them, the recorded
 * `Response` of a type first).
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
