import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../components/routes";
import { StackRun, ofType, one } from "./stack";
import { headersNotAllowed, preflightRequestHeaders } from "../../awsRules/cors";
import { SNAPSHOT_TYPES, deploymentTrigger } from "../../components/rest/deploymentTrigger";

/** The Access-Control-Allow-Headers every recorded REST preflight answers (one value, asserted equal). */
export function preflightAllowHeaders(run: StackRun): string {
  const values = [
    ...new Set(
      ofType(run, "aws:apigateway/integrationResponse:IntegrationResponse").map((r) =>
        String(r.inputs.responseParameters["method.response.header.Access-Control-Allow-Headers"]).replace(
          /^'|'$/g,
          "",
        ),
      ),
    ),
  ];
  assert.equal(values.length, 1, `one allow list: ${values.join(" | ")}`);
  return values[0];
}

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
      for (const m of real)
        assert.notEqual(m.inputs.authorization === "NONE" && !m.inputs.apiKeyRequired, true, `${m.name} is open`);
    });
    it("proxies every method to the one notes function", () => {
      const integrations = ofType(getRun(), "aws:apigateway/integration:Integration").filter(
        (i) => i.inputs.httpMethod !== "OPTIONS",
      );
      assert.equal(integrations.length, routeKeys(API_ROUTES).length);
      for (const i of integrations) {
        assert.equal(i.inputs.type, "AWS_PROXY", i.name);
        assert.match(i.inputs.uri, /function:notes-api:live\/invocations$/, i.name);
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
    it("redeploys when anything the deployment snapshots changes, and the stage points at that deployment", () => {
      const run = getRun();
      const deployment = one(run, "aws:apigateway/deployment:Deployment");
      // given every method, integration, response, authorizer and resource as recorded
      const parts = run.resources
        .filter((r) => (SNAPSHOT_TYPES as readonly string[]).includes(r.type))
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
      assert.ok(parts.some((p) => p.type === "aws:apigateway/integration:Integration"));
      // then the trigger is the hash of exactly their inputs
      assert.equal(deployment.inputs.triggers.redeployment, deploymentTrigger(parts));
      // and changing any one input (a replaced user pool, a new function version's URI) changes it
      for (const i of [0, parts.length - 1]) {
        const changed = parts.map((p, j) => (j === i ? { ...p, inputs: { ...p.inputs, changed: true } } : p));
        assert.notEqual(deploymentTrigger(changed), deployment.inputs.triggers.redeployment, parts[i].name);
      }
      assert.equal(one(run, "aws:apigateway/stage:Stage").inputs.deployment, `${deployment.name}-id`);
    });
    it("sets API Gateway's account CloudWatch role, which execution logging needs, and keeps it on destroy", () => {
      const run = getRun();
      const account = one(run, "aws:apigateway/account:Account");
      const role = one(run, "aws:iam/role:Role", "apigateway-logging-cloudwatch-role");
      assert.equal(
        account.inputs.cloudwatchRoleArn,
        "arn:aws:iam::123456789012:role/apigateway-logging-cloudwatch-role",
      );
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal, {
        Service: "apigateway.amazonaws.com",
      });
      assert.deepEqual(role.inputs.managedPolicyArns, [
        "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
      ]);
      assert.equal(account.options.retainOnDelete, true, "kept on destroy: other APIs in the account rely on it");
      assert.equal(role.options.retainOnDelete, true);
    });
    it(
      "creates the stage and its logging settings only after the account's CloudWatch role is set (AWS " +
        "refuses logging before)",
      () => {
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
        const run = getRun();
        const account = one(run, "aws:apigateway/account:Account").urn;
        for (const type of ["aws:apigateway/stage:Stage", "aws:apigateway/methodSettings:MethodSettings"]) {
          const r = one(run, type);
          assert.ok(
            r.dependencies.includes(account),
            `${r.name} depends on the Account setting: ${r.dependencies.join(", ")}`,
          );
        }
      },
    );
    it("lets only this API's stage invoke the notes function", () => {
      const perms = ofType(getRun(), "aws:lambda/permission:Permission").filter(
        (p) => p.inputs.function === "notes-api",
      );
      assert.equal(perms.length, 1);
      assert.equal(perms[0].inputs.principal, "apigateway.amazonaws.com");
      assert.match(perms[0].inputs.sourceArn, /^arn:aws:execute-api:us-east-1:123456789012:[\w-]+\/v1\/\*\/\*$/);
    });
    it("lets a browser send the API's own request headers (JSON bodies, If-Match) through the preflight", () => {
      const requested = preflightRequestHeaders({ "content-type": "application/json", "if-match": '"3"' });
      assert.deepEqual(headersNotAllowed(preflightAllowHeaders(getRun()), requested), []);
    });
    it("answers CORS preflight and 4xx/5xx only for the configured origins", () => {
      const run = getRun();
      const preflight = ofType(run, "aws:apigateway/integrationResponse:IntegrationResponse");
      assert.ok(preflight.length > 0);
      for (const p of preflight) {
        const vtl = p.inputs.responseTemplates["application/json"] as string;
        assert.ok(
          vtl.includes('#set($allowed = ["https://app.example.com"])') &&
            vtl.includes("#if($allowed.contains($origin))"),
          p.name,
        );
        assert.ok(!vtl.includes("*"), p.name);
      }
      const responses = ofType(run, "aws:apigateway/response:Response");
      assert.deepEqual(responses.map((r) => r.inputs.responseType).sort(), ["DEFAULT_4XX", "DEFAULT_5XX"]);
      for (const r of responses)
        assert.equal(
          r.inputs.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"],
          "'https://app.example.com'",
        );
    });
  });
}
