import { headerAs } from "../../http";
import { RestStep, routeOf } from "../context";

/**
 * The API key and its usage plan, for a method that requires a key: the key from x-api-key, or
 * the Lambda authorizer's usageIdentifierKey when the API's key source is AUTHORIZER; then the
 * key's usage plan of this stage, its throttle and quota (rest/usagePlans.ts). The key goes on in
 * `requestContext.identity` (apiKey, apiKeyId).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
 */
export const apiKey: RestStep = {
  name: "apiKey",
  run(ctx) {
    const { stage, req } = ctx;
    const route = routeOf(ctx);
    if (!route.method.resource.inputs.apiKeyRequired) return undefined;
    const used = stage.usagePlans.use(
      stage.apiKeySource === "AUTHORIZER" ? ctx.usageIdentifierKey : headerAs("rest", req.headers, "x-api-key"),
    );
    if (!used.ok) return { gatewayResponse: used.type, why: used.reason };
    route.context.identity = { ...route.context.identity, apiKey: used.key.value, apiKeyId: used.key.id };
    return undefined;
  },
};
