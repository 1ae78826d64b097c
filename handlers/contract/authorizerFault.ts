/**
 * Refusing a token is the authorizer's everyday answer: it throws "Unauthorized", which API Gateway
 * documents as the way to answer 401, and which Lambda nonetheless counts in its `Errors` metric
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * So an alarm on `Errors` fires on the first expired token. A real fault (the issuer's keys cannot
 * be fetched or are malformed, a misconfiguration) is logged as one line carrying this marker, and
 * the `authorizer-faults` alarm counts those lines with a metric filter (components/alarms.ts).
 */
export const AUTHORIZER_FAULT = "AUTHORIZER_FAULT";
