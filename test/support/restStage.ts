import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../components/routes";
import { StackRun, ofType, one } from "./stack";

/** Assertions every REST door shares; the iam and api-key suites call them too. */
export function describeRestStage(name: string, getRun: () => StackRun): void {
  describe(`${name}: REST stage`, () => {
    it("has a method for every route, and OPTIONS only as CORS preflight with no auth", () => {
      const methods = ofType(getRun(), "aws:apigateway/method:Method");
      const real = methods.filter((m) => m.inputs.httpMethod !== "OPTIONS");
      assert.equal(real.length, routeKeys(API_ROUTES).length);
      for (const m of methods.filter((m) => m.inputs.httpMethod === "OPTIONS")) {
        assert.equal(m.inputs.authorization, "NONE", m.name);
        assert.equal(m.inputs.apiKeyRequired, false, m.name);
      }
      for (const m of real) assert.notEqual(m.inputs.authorization === "NONE" && !m.inputs.apiKeyRequired, true, `${m.name} is open`);
    });
    it("proxies every method to the one notes function", () => {
      const integrations = ofType(getRun(), "aws:apigateway/integration:Integration").filter((i) => i.inputs.httpMethod !== "OPTIONS");
      assert.equal(integrations.length, routeKeys(API_ROUTES).length);
      for (const i of integrations) {
        assert.equal(i.inputs.type, "AWS_PROXY", i.name);
        assert.match(i.inputs.uri, /function:notes-api\/invocations$/, i.name);
      }
    });
    it("logs access to a log group, logs errors, keeps data trace off, and throttles the stage", () => {
      const run = getRun();
      const stage = one(run, "aws:apigateway/stage:Stage").inputs;
      assert.match(stage.accessLogSettings.destinationArn, /^arn:aws:logs:.*:log-group:.*access-logs$/);
      assert.ok(JSON.parse(stage.accessLogSettings.format).requestId);
      const settings = one(run, "aws:apigateway/methodSettings:MethodSettings").inputs;
      assert.equal(settings.methodPath, "*/*");
      assert.ok(["ERROR", "INFO"].includes(settings.settings.loggingLevel));
      assert.equal(settings.settings.dataTraceEnabled, false);
      assert.equal(settings.settings.throttlingRateLimit, 50);
      assert.equal(settings.settings.throttlingBurstLimit, 100);
    });
    it("redeploys when routes or auth change, and the stage points at that deployment", () => {
      const run = getRun();
      const deployment = one(run, "aws:apigateway/deployment:Deployment");
      assert.match(deployment.inputs.triggers.redeployment, /^[0-9a-f]{64}$/);
      assert.equal(one(run, "aws:apigateway/stage:Stage").inputs.deployment, `${deployment.name}-id`);
    });
    it("sets API Gateway's account CloudWatch role, which execution logging needs", () => {
      const run = getRun();
      const account = one(run, "aws:apigateway/account:Account").inputs;
      const role = one(run, "aws:iam/role:Role", "door-api-cloudwatch-role").inputs;
      assert.equal(account.cloudwatchRoleArn, "arn:aws:iam::123456789012:role/door-api-cloudwatch-role");
      assert.deepEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Principal, { Service: "apigateway.amazonaws.com" });
      assert.deepEqual(role.managedPolicyArns, ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"]);
      assert.equal(one(run, "aws:apigateway/account:Account").options.retainOnDelete, true, "kept on destroy: other APIs in the account rely on it");
    });
    it("lets only this API's stage invoke the function", () => {
      const perms = ofType(getRun(), "aws:lambda/permission:Permission");
      assert.equal(perms.length, 1);
      assert.equal(perms[0].inputs.principal, "apigateway.amazonaws.com");
      assert.match(perms[0].inputs.sourceArn, /^arn:aws:execute-api:us-east-1:123456789012:[\w-]+\/v1\/\*\/\*$/);
    });
    it("answers CORS preflight and 4xx/5xx only for the configured origins", () => {
      const run = getRun();
      const preflight = ofType(run, "aws:apigateway/integrationResponse:IntegrationResponse");
      assert.ok(preflight.length > 0);
      for (const p of preflight) {
        const vtl = p.inputs.responseTemplates["application/json"] as string;
        assert.ok(vtl.includes('#set($allowed = ["https://app.example.com"])') && vtl.includes("#if($allowed.contains($origin))"), p.name);
        assert.ok(!vtl.includes("*"), p.name);
      }
      const responses = ofType(run, "aws:apigateway/response:Response");
      assert.deepEqual(responses.map((r) => r.inputs.responseType).sort(), ["DEFAULT_4XX", "DEFAULT_5XX"]);
      for (const r of responses) assert.equal(r.inputs.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"], "'https://app.example.com'");
    });
  });
}

