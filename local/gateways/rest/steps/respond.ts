import { messageReply } from "../../http";
import type { RestStep } from "../context";
import { GATEWAY_RESPONSES } from "../gatewayResponses";
import { mappedHeaders } from "../mapping";
import { renderTemplate } from "../vtl";

/**
 * The answer as the client gets it; runs on every request. An integration's reply goes out as
 * it is. A gateway response (gatewayResponses.ts) is the recorded `Response` of its type, else
 * the recorded DEFAULT_4XX / DEFAULT_5XX, else the type's own: the recorded status code, its
 * `gatewayresponse.header.*` parameters and its `application/json` template (VTL, with
 * `$context.error.message`, `.messageString` and `.responseType`); `x-amzn-ErrorType` always.
 * A refusal with a reason is logged (the local equivalent of execution logs).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html
 */
export const respond: RestStep = {
  name: "respond",
  runs: "always",
  run(ctx, answer) {
    if (!answer) throw new Error(`${ctx.req.method} ${ctx.req.path}: no REST step answered`);
    if ("reply" in answer) return answer;
    const { deps, stage, req } = ctx;
    const type = answer.gatewayResponse;
    const base = GATEWAY_RESPONSES[type];
    if (answer.why !== undefined) deps.log(`${req.method} ${req.path}: ${base.status} ${type}: ${answer.why}`);
    const pathParams = ctx.route?.pathParams ?? {};
    const text = answer.message === undefined ? base.message : answer.message;
    const fallback = base.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
    const recorded =
      stage.responses.find((r) => r.inputs.responseType === type) ??
      stage.responses.find((r) => r.inputs.responseType === fallback);
    const status = recorded?.inputs.statusCode ? Number(recorded.inputs.statusCode) : base.status;
    const headers = {
      "x-amzn-ErrorType": base.errorType,
      ...mappedHeaders(recorded?.inputs.responseParameters, "gatewayresponse.header.", req, pathParams),
    };
    const template = recorded?.inputs.responseTemplates?.["application/json"];
    if (!template) return { reply: messageReply(status, text, headers) };
    const body = renderTemplate(template, req, pathParams, {
      error: { message: text, messageString: JSON.stringify(text), responseType: type },
    }).body;
    return {
      reply: { status, headers: { "content-type": "application/json", ...headers }, body: Buffer.from(body) },
    };
  },
};
