import * as assert from "assert";
import { DOORS } from "../../../components/doors/registry";
import { doorReport } from "../../../components/doors/reportRegistry";
import { AuthMode } from "../../../components/config";
import { StackRun, ofType, one, runMode } from "../../support/stack";

/** The doors whose stage is a REST API stage (components/rest/restApi.ts). */
const REST_DOORS = (Object.keys(DOORS) as AuthMode[]).filter(
  (m) => doorReport(m).pricing.gateway === "api-gateway-rest",
);

describe("NotesRestApi", function () {
  const runs = new Map<AuthMode, StackRun>();
  before(async () => {
    // given every REST door with a 90-day retention
    // the runs side by side (one worker per core), kept in the doors' order
    const modes = REST_DOORS;
    const done = await Promise.all(modes.map((mode) => runMode(mode, { logRetentionDays: 90 })));
    modes.forEach((mode, i) => runs.set(mode, done[i]));
  });

  it("covers the four REST doors", () =>
    assert.deepEqual(REST_DOORS.slice().sort(), ["api-key", "cognito", "iam", "lambda-authorizer"]));

  // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html and
  // .../rest-api-execution-logging.html: execution logging writes to
  // API-Gateway-Execution-Logs_{rest-api-id}/{stage_name},
  // which API Gateway creates itself (no retention) when it does not exist, and no destroy deletes.
  it(
    "given execution logging on a stage, when built, then its execution-log group is declared with the " +
      "configured retention, and the stage and its logging settings wait for it",
    () => {
      for (const [mode, run] of runs) {
        const api = one(run, "aws:apigateway/restApi:RestApi");
        const stage = one(run, "aws:apigateway/stage:Stage");
        const settings = one(run, "aws:apigateway/methodSettings:MethodSettings");
        assert.ok(["ERROR", "INFO"].includes(settings.inputs.settings.loggingLevel), mode);
        const name = `API-Gateway-Execution-Logs_${api.state.id}/${stage.inputs.stageName}`;
        const groups = ofType(run, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.inputs.name === name);
        assert.equal(groups.length, 1, `${mode}: one group named ${name}`);
        assert.equal(groups[0].inputs.retentionInDays, 90, mode);
        for (const r of [stage, settings])
          assert.ok(r.dependencies.includes(groups[0].urn), `${mode}: ${r.name} depends on ${groups[0].name}`);
      }
    },
  );

  it(
    "given the lambda-authorizer door, its authorizer function logs to a declared group with the configured " +
      "retention",
    () => {
      const run = runs.get("lambda-authorizer")!;
      const fn = one(run, "aws:lambda/function:Function", "door-authorizer");
      const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "door-authorizer-logs");
      assert.equal(fn.inputs.loggingConfig.logGroup, group.state.name);
      assert.equal(group.inputs.retentionInDays, 90);
    },
  );

  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html:
  // per-method metrics (the Resource and Method dimensions) are CloudWatch custom metrics, billed.
  it("given no detailedMetrics, per-method metrics are off; given detailedMetrics true, they are on", async () => {
    for (const [mode, run] of runs)
      assert.equal(
        one(run, "aws:apigateway/methodSettings:MethodSettings").inputs.settings.metricsEnabled,
        false,
        mode,
      );
    for (const mode of REST_DOORS) {
      const on = await runMode(mode, { detailedMetrics: true });
      assert.equal(one(on, "aws:apigateway/methodSettings:MethodSettings").inputs.settings.metricsEnabled, true, mode);
    }
  });

  it("given the http-jwt door, per-route metrics follow detailedMetrics too (off by default)", async () => {
    const route = (run: StackRun) =>
      one(run, "aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings.detailedMetricsEnabled;
    assert.equal(route(await runMode("http-jwt")), false);
    assert.equal(route(await runMode("http-jwt", { detailedMetrics: true })), true);
  });
});
