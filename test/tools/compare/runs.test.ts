import * as assert from "assert";
import { besideResources, runDoors } from "../../../tools/compare/runs";
import { metersOf } from "../../../tools/compare/meters";
import { stackMeters } from "../../../tools/compare/report";
import type { DoorRuns } from "../../../tools/compare/runs";
import type { StackRun } from "../../support/stack";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const named = (run: StackRun | { resources: StackRun["resources"] }, type: string) =>
  run.resources.filter((r) => r.type === type).map((r) => r.name);

describe("two doors' runs beside each other (what a two-door stack would record)", function () {
  this.timeout(180_000);
  let runs: DoorRuns;
  before(async () => {
    runs = await runDoors(["cognito", "iam", "http-jwt"]);
  });

  it("given cognito and http-jwt with alarms, then the function's alarms are there once, the gateways' twice", () => {
    const beside = named(
      { resources: besideResources([runs.variant["cognito:alarms"], runs.variant["http-jwt:alarms"]]) },
      ALARM,
    );
    const times = (n: string) => beside.filter((x) => x === n).length;
    for (const n of ["alarms-function-errors", "alarms-function-throttles", "alarms-dynamodb-throttles"])
      assert.equal(times(n), 1, n);
    for (const n of ["alarms-gateway-5xx-rate", "alarms-gateway-4xx-rate", "alarms-gateway-throttled-429"])
      assert.equal(times(n), 2, n);
  });

  it("given two REST doors, then the second's REST API and its methods count again, not once", () => {
    const [a, b] = [runs.base.cognito, runs.base.iam];
    const beside = { resources: besideResources([a, b]), outputs: {} };
    assert.equal(named(beside, "aws:apigateway/restApi:RestApi").length, 2);
    assert.equal(
      metersOf(beside).detailedMetrics.metrics,
      metersOf(a).detailedMetrics.metrics + metersOf(b).detailedMetrics.metrics,
    );
    assert.equal(named(beside, "aws:dynamodb/table:Table").length, 1, "one table");
    assert.equal(named(beside, "aws:cognito/userPool:UserPool").length, 1, "one user pool");
  });

  it("given one door, then stackMeters are that door's; given two, the shared alarms are billed once", () => {
    const alone = (m: "cognito" | "http-jwt") => stackMeters(runs, [m]);
    const both = stackMeters(runs, ["cognito", "http-jwt"]);
    assert.deepEqual(alone("cognito"), metersOfAlarmsVariant("cognito"));
    assert.ok(both.alarmMetrics > Math.max(alone("cognito").alarmMetrics, alone("http-jwt").alarmMetrics));
    assert.ok(both.alarmMetrics < alone("cognito").alarmMetrics + alone("http-jwt").alarmMetrics);
    assert.equal(both.machineClients, 1, "http-jwt's machine client, once");
    function metersOfAlarmsVariant(m: "cognito") {
      const v = metersOf(runs.variant[`${m}:alarms`]);
      return { ...metersOf(runs.base[m]), alarmMetrics: v.alarmMetrics, filterMetrics: v.filterMetrics };
    }
  });
});
