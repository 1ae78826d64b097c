import { methodArn } from "../../gateway";
import { matchTemplate } from "../../http";
import type { RestStep } from "../context";

/**
 * The resource and method a request reaches: the resource path that matches (a `{param}` takes a
 * segment, `{proxy+}` the rest), then its method of the request's verb, else its `ANY`. None is
 * a MISSING_AUTHENTICATION_TOKEN (403), as for an unknown resource or method.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
 */
export const route: RestStep = {
  name: "route",
  run(ctx) {
    const { stage, req } = ctx;
    const matched = matchTemplate(stage.templates, req.path);
    const method = matched ? stage.methodOf(matched.template, req.method) : undefined;
    if (!matched || !method) return { gatewayResponse: "MISSING_AUTHENTICATION_TOKEN" };
    const pathParams = matched.params;
    ctx.route = {
      method,
      pathParams,
      sourceArn: methodArn(stage.executionArn, stage.stageName, req.method, req.path),
      context: {
        apiId: stage.apiId,
        stage: stage.stageName,
        accountId: stage.account,
        resourcePath: matched.template,
        pathParameters: Object.keys(pathParams).length ? pathParams : null,
        authorizer: null,
        identity: {},
      },
    };
    return undefined;
  },
};
