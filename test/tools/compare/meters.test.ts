import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { PRICES, cloudWatchCost, monthlyCost } from "../../../tools/compare/cost";
import {
  DETAILED_METRICS_PER_HTTP_ROUTE,
  DETAILED_METRICS_PER_REST_METHOD,
  LAMBDA_PLATFORM_BYTES_PER_INVOCATION,
  NO_METERS,
  StackMeters,
  accessLogLineBytes,
  metersOf,
} from "../../../tools/compare/meters";
import { doorMeters } from "../../../tools/compare/report";
import { runDoors } from "../../../tools/compare/runs";
import { DEFAULT_SCENARIOS } from "../../../tools/compare/scenarios";
import { StackRun, one, runMode } from "../../support/stack";

const p = PRICES["us-east-1"];
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
const meters = (over: Partial<StackMeters>): StackMeters => ({ ...NO_METERS, ...over });

// Prices: https://aws.amazon.com/cloudwatch/pricing/ (alarms per metric, custom metrics, log ingestion),
// https://aws.amazon.com/cognito/pricing/ (a monthly fee per client-credentials app client).
describe("the CloudWatch and machine-client lines of the cost model", function () {
  this.timeout(180_000);
  let cognitoAlarms: StackRun, httpMachines: StackRun;
  before(async () => {
    cognitoAlarms = await runMode("cognito", { alarmEmail: "ops@example.com" });
    httpMachines = await runMode("http-jwt", { m2mClient: true, detailedMetrics: true });
  });

  it(
    "given a stack with alarms, counts each metric its alarms evaluate (a metric-math alarm per metric it " +
      "reads) and its metric filters",
    () => {
      const m = metersOf(cognitoAlarms);
      const alarms = cognitoAlarms.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
      assert.ok(alarms.length > 0);
      const expected = alarms.reduce(
        (n, a) => n + (a.inputs.metricQueries ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1),
        0,
      );
      assert.ok(expected > alarms.length, "the rate and DynamoDB alarms read several metrics each");
      assert.equal(m.alarmMetrics, expected);
      assert.equal(m.filterMetrics, 1, "the 429 filter");
    },
  );

  it(
    "prices alarms at $0.10 per evaluated metric, filters and detailed metrics as custom metrics ($0.30 " +
      "each), logs at $0.50 per GB",
    () => {
      const c = cloudWatchCost(
        meters({
          alarmMetrics: 10,
          filterMetrics: 2,
          detailedMetrics: { on: true, metrics: 70 },
          logBytesPerRequest: 1024,
        }),
        1024 ** 2,
        0,
      );
      close(c.alarms, 1, "10 alarm metrics");
      close(c.filterMetrics, 0.6, "2 filter metrics");
      close(c.detailedMetrics, 21, "70 detailed metrics");
      close(c.logIngestion, 0.5, "1 GiB of logs");
      close(c.total, 1 + 0.6 + 21 + 0.5, "total");
    },
  );

  it("given detailedMetrics off, counts what they would cost but bills nothing for them; on, bills them", () => {
    const off = cloudWatchCost(meters({ detailedMetrics: { on: false, metrics: 70 } }), 0, 0);
    close(off.detailedMetrics, 21, "the price of turning them on");
    close(off.total, 0, "off: not billed");
    close(cloudWatchCost(meters({ detailedMetrics: { on: true, metrics: 70 } }), 0, 0).total, 21, "on");
  });

  it(
    "counts detailed metrics per method (REST, 7 each) or per route (HTTP API, 6 each), and reads " +
      "whether they are on",
    async () => {
      const rest = metersOf(await runMode("cognito"));
      assert.deepEqual(rest.detailedMetrics, {
        on: false,
        metrics: routeKeys(API_ROUTES).length * DETAILED_METRICS_PER_REST_METHOD,
      });
      assert.deepEqual(metersOf(httpMachines).detailedMetrics, {
        on: true,
        metrics: routeKeys(API_ROUTES).length * DETAILED_METRICS_PER_HTTP_ROUTE,
      });
    },
  );

  it("estimates log bytes per request from the stage's access-log format and Lambda's platform records", async () => {
    const stage = one(cognitoAlarms, "aws:apigateway/stage:Stage");
    assert.equal(
      metersOf(cognitoAlarms).logBytesPerRequest,
      accessLogLineBytes(stage.inputs.accessLogSettings.format) + LAMBDA_PLATFORM_BYTES_PER_INVOCATION,
    );
    assert.equal(
      metersOf(await runMode("alb-oidc")).logBytesPerRequest,
      LAMBDA_PLATFORM_BYTES_PER_INVOCATION,
      "the ALB's access logs go to S3, not CloudWatch",
    );
    assert.equal(
      metersOf(await runMode("lambda-authorizer")).authorizerLogBytesPerCall,
      LAMBDA_PLATFORM_BYTES_PER_INVOCATION,
    );
  });

  it("given a machine client, adds its monthly fee ($6.00) to Cognito whatever its traffic", () => {
    const m = metersOf(httpMachines);
    assert.equal(m.machineClients, 1);
    const zero = { ...DEFAULT_SCENARIOS[0], requestsPerMonth: 0, mau: 0, m2mTokenRequestsPerMonth: 0 };
    close(monthlyCost("http-jwt", zero, m).cognito, p.cognito.m2mAppClientPerMonth, "one client, no traffic");
    assert.equal(p.cognito.m2mAppClientPerMonth, 6);
  });

  it(
    "the report prices every door with its alarms (alarmEmail) and, at http-jwt, its machine client: " +
      "CloudWatch is no longer $0",
    async () => {
      const runs = await runDoors(["cognito", "http-jwt", "alb-oidc"]);
      for (const mode of ["cognito", "http-jwt", "alb-oidc"] as const) {
        const m = doorMeters(runs, mode);
        assert.ok(m.alarmMetrics > 0, mode);
        assert.ok(
          monthlyCost(mode, DEFAULT_SCENARIOS[0], m).cloudwatch >=
            m.alarmMetrics * p.cloudwatch.standardAlarmPerMetricMonth,
          mode,
        );
      }
      assert.equal(doorMeters(runs, "http-jwt").machineClients, 1);
      assert.equal(doorMeters(runs, "cognito").machineClients, 0);
    },
  );
});
