import * as assert from "assert";
import type { RecordedResource } from "../../../../offline/mocks";
import type { IncomingRequest } from "../../../../local/gateways/events";
import type { GatewayDeps } from "../../../../local/gateways/gateway";
import { TokenBucket } from "../../../../local/gateways/http";
import type { RestAnswer, RestRequest } from "../../../../local/gateways/rest/context";
import type { RestMethod, RestStage } from "../../../../local/gateways/rest/stage";
import { REST_STEPS } from "../../../../local/gateways/rest";
import { apiKey } from "../../../../local/gateways/rest/steps/apiKey";
import { authorize } from "../../../../local/gateways/rest/steps/authorize";
import { integrate } from "../../../../local/gateways/rest/steps/integrate";
import { respond } from "../../../../local/gateways/rest/steps/respond";
import { route } from "../../../../local/gateways/rest/steps/route";
import { throttle } from "../../../../local/gateways/rest/steps/throttle";
import type { UsageOutcome } from "../../../../local/gateways/rest/usagePlans";

/** A recorded resource with these inputs. */
const recorded = (type: string, inputs: Record<string, any>): RecordedResource =>
  ({ type, name: type.split(":").pop(), inputs }) as unknown as RecordedResource;
const method = (inputs: Record<string, any>, integration?: Record<string, any>, responses: any[] = []): RestMethod => ({
  resource: recorded("aws:apigateway/method:Method", inputs),
  integration: integration && recorded("aws:apigateway/integration:Integration", integration),
  integrationResponses: responses.map((r) => recorded("aws:apigateway/integrationResponse:IntegrationResponse", r)),
});

/** A stage of `/notes` and `/notes/{id}` (GET and ANY), with what a spec changes. */
function stageWith(over: Partial<RestStage> = {}): RestStage {
  const methods: Record<string, RestMethod> = {
    "/notes GET": method({ authorization: "NONE" }),
    "/notes/{id} ANY": method({ authorization: "NONE" }),
  };
  return {
    apiId: "abcdefghij",
    apiName: "door-api",
    stageName: "v1",
    executionArn: "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij",
    region: "eu-west-1",
    account: "123456789012",
    apiKeySource: "HEADER",
    templates: ["/", "/notes", "/notes/{id}"],
    methodOf: (template, verb) => methods[`${template} ${verb}`] ?? methods[`${template} ANY`],
    responses: [],
    usagePlans: { use: () => assert.fail("no usage plan expected") } as unknown as RestStage["usagePlans"],
    requestAuthorizerOf: () => assert.fail("no Lambda authorizer expected"),
    ...over,
  };
}

const logged: string[] = [];
const deps = { log: (line: string) => logged.push(line) } as unknown as GatewayDeps;
const request = (method: string, path: string, headers: IncomingRequest["headers"] = {}): IncomingRequest => ({
  method,
  path,
  headers,
});
/** The context of a request the route step has run on. */
async function routed(req: IncomingRequest, stage = stageWith()): Promise<RestRequest> {
  const ctx: RestRequest = { deps, stage, req };
  assert.equal(await route.run(ctx, undefined), undefined, "the route step finds the method");
  return ctx;
}

describe("local gateways: a REST stage's steps", () => {
  beforeEach(() => logged.splice(0));

  it(
    "given the REST steps, then they run in API Gateway's order: route, throttle, authorize, apiKey, " +
      "integrate, respond",
    () => {
      assert.deepEqual(
        REST_STEPS.map((s) => s.name),
        ["route", "throttle", "authorize", "apiKey", "integrate", "respond"],
      );
    },
  );

  describe("route", () => {
    it(
      "given a path below a resource with a {param}, when the step runs, then the method, path " +
        "parameters, method ARN and requestContext are set",
      async () => {
        const ctx = await routed(request("DELETE", "/notes/42"));
        assert.deepEqual(ctx.route!.pathParams, { id: "42" });
        assert.equal(ctx.route!.sourceArn, "arn:aws:execute-api:eu-west-1:123456789012:abcdefghij/v1/DELETE/notes/42");
        assert.equal(ctx.route!.context.resourcePath, "/notes/{id}");
        assert.deepEqual(ctx.route!.context.pathParameters, { id: "42" });
        assert.equal(ctx.route!.context.accountId, "123456789012");
      },
    );

    it(
      "given an unknown resource or a verb the resource has no method for, when the step runs, then " +
        "it answers MISSING_AUTHENTICATION_TOKEN",
      async () => {
        for (const req of [request("GET", "/nothing"), request("POST", "/notes")]) {
          const ctx: RestRequest = { deps, stage: stageWith(), req };
          assert.deepEqual(await route.run(ctx, undefined), { gatewayResponse: "MISSING_AUTHENTICATION_TOKEN" });
          assert.equal(ctx.route, undefined);
        }
      },
    );
  });

  describe("throttle", () => {
    it(
      "given a stage throttle of burst 1 and no refill, when two requests come, then the second is " + "THROTTLED",
      async () => {
        const stage = stageWith({ bucket: new TokenBucket(0, 1, () => 0) });
        const ctx = await routed(request("GET", "/notes"), stage);
        assert.equal(await throttle.run(ctx, undefined), undefined);
        assert.deepEqual(await throttle.run(ctx, undefined), { gatewayResponse: "THROTTLED" });
      },
    );

    it("given a stage without a throttle, when the step runs, then the request goes on", async () => {
      assert.equal(await throttle.run(await routed(request("GET", "/notes")), undefined), undefined);
    });
  });

  describe("authorize", () => {
    it(
      "given a NONE method, when the step runs, then the request goes on with no authorizer and no " + "identity",
      async () => {
        const ctx = await routed(request("GET", "/notes"));
        assert.equal(await authorize.run(ctx, undefined), undefined);
        assert.equal(ctx.route!.context.authorizer, null);
        assert.deepEqual(ctx.route!.context.identity, {});
      },
    );

    it(
      "given a COGNITO_USER_POOLS method and no token, when the step runs, then it answers " +
        "UNAUTHORIZED with the reason for the log",
      async () => {
        const guarded = method({ authorization: "COGNITO_USER_POOLS" });
        guarded.authorizer = recorded("aws:apigateway/authorizer:Authorizer", { type: "COGNITO_USER_POOLS" });
        const ctx = await routed(request("GET", "/notes"), stageWith({ methodOf: () => guarded }));
        assert.deepEqual(await authorize.run(ctx, undefined), {
          gatewayResponse: "UNAUTHORIZED",
          why: "the user pool authorizer: no Authorization header",
        });
      },
    );
  });

  describe("apiKey", () => {
    const keyed = method({ authorization: "NONE", apiKeyRequired: true });
    const plans = (outcome: UsageOutcome, seen: (string | undefined)[]) =>
      ({ use: (value: string | undefined) => (seen.push(value), outcome) }) as unknown as RestStage["usagePlans"];

    it(
      "given a method that needs a key and a key in x-api-key its plan accepts, when the step runs, " +
        "then the key goes on in the identity",
      async () => {
        const seen: (string | undefined)[] = [];
        const key = { id: "key1", value: "secret-value", enabled: true } as any;
        const stage = stageWith({ methodOf: () => keyed, usagePlans: plans({ ok: true, key, plan: "gold" }, seen) });
        const ctx = await routed(request("GET", "/notes", { "X-Api-Key": "secret-value" }), stage);
        assert.equal(await apiKey.run(ctx, undefined), undefined);
        assert.deepEqual(seen, ["secret-value"]);
        assert.deepEqual(ctx.route!.context.identity, { apiKey: "secret-value", apiKeyId: "key1" });
      },
    );

    it(
      "given the AUTHORIZER key source, when the step runs, then the key is the authorizer's " +
        "usageIdentifierKey, and a refusal is the plan's",
      async () => {
        const seen: (string | undefined)[] = [];
        const refused: UsageOutcome = { ok: false, type: "QUOTA_EXCEEDED", reason: "spent" };
        const stage = stageWith({
          methodOf: () => keyed,
          apiKeySource: "AUTHORIZER",
          usagePlans: plans(refused, seen),
        });
        const ctx = await routed(request("GET", "/notes", { "x-api-key": "from-the-header" }), stage);
        ctx.usageIdentifierKey = "from-the-authorizer";
        assert.deepEqual(await apiKey.run(ctx, undefined), { gatewayResponse: "QUOTA_EXCEEDED", why: "spent" });
        assert.deepEqual(seen, ["from-the-authorizer"]);
      },
    );
  });

  describe("integrate", () => {
    it(
      "given a MOCK integration, when the step runs, then the integration response of the template's " +
        "status answers, its headers mapped",
      async () => {
        const mock = method(
          { authorization: "NONE" },
          { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 204}' } },
          [
            {
              statusCode: "204",
              responseParameters: { "method.response.header.X-Id": "method.request.path.id" },
              responseTemplates: { "application/json": '{"id": "$input.params(\'id\')"}' },
            },
          ],
        );
        const ctx = await routed(request("OPTIONS", "/notes/7"), stageWith({ methodOf: () => mock }));
        const answer = (await integrate.run(ctx, undefined)) as Extract<RestAnswer, { reply: unknown }>;
        assert.equal(answer.reply.status, 204);
        assert.equal(answer.reply.headers["X-Id"], "7");
        assert.equal(answer.reply.headers["content-type"], "application/json");
      },
    );

    it(
      "given a function the gateway may not invoke, when the step runs, then it logs why and answers " +
        "API_CONFIGURATION_ERROR",
      async () => {
        const proxy = method(
          { authorization: "NONE" },
          { type: "AWS_PROXY", uri: "arn:aws:lambda:eu-west-1:1:function:f" },
        );
        const lambda = { invokeAs: async () => ({ allowed: false, reason: "no Permission" }) };
        const ctx = await routed(request("GET", "/notes"), stageWith({ methodOf: () => proxy }));
        const answer = await integrate.run({ ...ctx, deps: { ...deps, lambda } as unknown as GatewayDeps }, undefined);
        assert.deepEqual(answer, { gatewayResponse: "API_CONFIGURATION_ERROR" });
        assert.deepEqual(logged, ["GET /notes: 500, invalid permissions on Lambda function (no Permission)"]);
      },
    );
  });

  describe("respond", () => {
    it("given an integration's reply, when the step runs, then it goes out as it is", async () => {
      const reply = { status: 201, headers: {}, body: Buffer.from("{}") };
      const ctx = await routed(request("GET", "/notes"));
      assert.deepEqual(await respond.run(ctx, { reply }), { reply });
    });

    it(
      "given a refusal and a recorded DEFAULT_4XX, when the step runs, then the recorded status, " +
        "headers and template answer, with x-amzn-ErrorType, and the reason is logged",
      async () => {
        const default4xx = recorded("aws:apigateway/response:Response", {
          responseType: "DEFAULT_4XX",
          statusCode: "400",
          responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" },
          responseTemplates: { "application/json": '{"error": $context.error.messageString}' },
        });
        const ctx = await routed(request("GET", "/notes"), stageWith({ responses: [default4xx] }));
        const answer = await respond.run(ctx, { gatewayResponse: "UNAUTHORIZED", why: "no token" });
        const { reply } = answer as Extract<RestAnswer, { reply: unknown }>;
        assert.equal(reply.status, 400);
        assert.equal(reply.headers["x-amzn-ErrorType"], "UnauthorizedException");
        assert.equal(reply.headers["Access-Control-Allow-Origin"], "*");
        assert.deepEqual(JSON.parse(reply.body.toString()), { error: "Unauthorized" });
        assert.deepEqual(logged, ["GET /notes: 401 UNAUTHORIZED: no token"]);
      },
    );

    it(
      "given a refusal with no recorded response, when the step runs, then the type's own status and " +
        "message answer, and nothing is logged without a reason",
      async () => {
        const ctx: RestRequest = { deps, stage: stageWith(), req: request("GET", "/nothing") };
        const answer = await respond.run(ctx, { gatewayResponse: "MISSING_AUTHENTICATION_TOKEN" });
        const { reply } = answer as Extract<RestAnswer, { reply: unknown }>;
        assert.equal(reply.status, 403);
        assert.equal(reply.headers["x-amzn-ErrorType"], "MissingAuthenticationTokenException");
        assert.deepEqual(JSON.parse(reply.body.toString()), { message: "Missing Authentication Token" });
        assert.deepEqual(logged, []);
      },
    );
  });
});
