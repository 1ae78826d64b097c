import { lambdaOfUri } from "../../gateway";
import { restV1Event } from "../../events";
import { GatewayReply, proxyResult } from "../../http";
import { RestAnswer, RestRequest, RestStep, routeOf } from "../context";
import { mappedHeaders } from "../mapping";
import { TemplateError, renderTemplate } from "../vtl";

/**
 * The method's integration: a MOCK answers from its templates (below); an AWS_PROXY invokes the
 * recorded function through the local Lambda service as API Gateway (the function's Permission
 * for this method ARN decides) with the REST proxy event, and its proxy result is the answer.
 * "Execution failed due to configuration error: Invalid permissions on Lambda function" is a 500;
 * a function error or a malformed proxy result is a 502.
 * https://repost.aws/knowledge-center/api-gateway-internal-server-error
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 */
export const integrate: RestStep = {
  name: "integrate",
  async run(ctx) {
    const { deps, stage, req } = ctx;
    const { method, sourceArn, context } = routeOf(ctx);
    const integration = method.integration;
    if (integration?.inputs.type === "MOCK") return mockIntegration(ctx);
    const functionArn = lambdaOfUri(String(integration?.inputs.uri ?? ""));
    const event = restV1Event(req, context);
    const invoked = await deps.lambda.invokeAs(
      { principal: "apigateway.amazonaws.com", sourceArn, sourceAccount: stage.account },
      functionArn,
      event,
    );
    if (!invoked.allowed) {
      deps.log(`${req.method} ${req.path}: 500, invalid permissions on Lambda function (${invoked.reason})`);
      return { gatewayResponse: "API_CONFIGURATION_ERROR" };
    }
    const reply = invoked.error ? undefined : proxyResult(invoked.result, "1.0");
    if (!reply) {
      deps.log(
        `${req.method} ${req.path}: 502, ` +
          `${
            invoked.error
              ? `the function failed (${invoked.error.errorType}: ` + `${invoked.error.errorMessage})`
              : "malformed Lambda proxy response"
          }`,
      );
      return { gatewayResponse: "INTEGRATION_FAILURE" };
    }
    return { reply };
  },
};

/**
 * A MOCK integration: the request template gives the status code, the integration response for
 * that code maps headers and renders its template (VTL), `$context.responseOverride` applied.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html
 * A template that cannot be evaluated is a configuration error (500).
 */
function mockIntegration(ctx: RestRequest): RestAnswer {
  const { deps, req } = ctx;
  const { method, pathParams } = routeOf(ctx);
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
    const reply: GatewayReply = {
      status: rendered.override.status ?? Number(response.inputs.statusCode),
      headers: { "content-type": "application/json", ...headers, ...rendered.override.header },
      body: Buffer.from(rendered.body),
    };
    return { reply };
  } catch (err) {
    if (!(err instanceof TemplateError) && !(err instanceof SyntaxError)) throw err;
    deps.log(`${req.method} ${req.path}: 500, ${err.message}`);
    return { gatewayResponse: "API_CONFIGURATION_ERROR" };
  }
}
