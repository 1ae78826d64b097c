import type { RestStep } from "../context";

/**
 * Stage throttling (MethodSettings `*` `/` `*`): a token bucket of the recorded rate and burst; a
 * request past it is THROTTLED (429). A usage plan's own throttle is the apiKey step's.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export const throttle: RestStep = {
  name: "throttle",
  run({ stage }) {
    if (stage.bucket && !stage.bucket.take()) return { gatewayResponse: "THROTTLED" };
    return undefined;
  },
};
