import * as assert from "assert";
import { Alarms } from "../../components/alarms";
import type { AlarmConfig } from "../../components/config";
import { RecordedResource } from "../../offline/mocks";
import { all, buildAlone, only } from "./alone";

const CONFIG: AlarmConfig = {
  email: "ops@example.com",
  functionErrors: 1,
  functionThrottles: 2,
  durationP99Percent: 80,
  dynamoThrottles: 3,
  gateway5xxPercent: 5,
  gateway4xxPercent: 25,
  throttled429: 4,
  albAuthErrors: 1,
  albAuthFailures: 10,
  albAuthLatencyMs: 2000,
  albTarget5xx: 1,
};

describe("Alarms, built alone", function () {
  let resources: RecordedResource[];
  const alarm = (id: string) => only(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", `alarms-${id}`);
  before(async () => {
    // given an alarm email, stub function and table names, and a REST door with a Lambda authorizer
    resources = await buildAlone(
      () =>
        new Alarms("alarms", {
          config: CONFIG,
          functionName: "stub-notes",
          functionTimeoutSeconds: 10,
          tableName: "stub-table",
          doors: [
            {
              prefix: "",
              metrics: {
                kind: "rest-api",
                apiName: "stub-api",
                stage: "v1",
                accessLogGroupName: "stub-access-logs",
                authorizer: { functionName: "stub-authorizer", logGroupName: "stub-authorizer-logs" },
              },
            },
          ],
        }),
    );
  });

  it("when built, then every alarm goes to the new topic, which mails the address given", () => {
    const topic = only(resources, "aws:sns/topic:Topic");
    const subscription = only(resources, "aws:sns/topicSubscription:TopicSubscription");
    assert.deepEqual(
      [subscription.inputs.topic, subscription.inputs.protocol, subscription.inputs.endpoint],
      [topic.state.arn, "email", "ops@example.com"],
    );
    const alarms = all(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.ok(alarms.length > 0);
    for (const a of alarms) {
      assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [[topic.state.arn], [topic.state.arn]], a.name);
      assert.match(a.inputs.name, /^notes-auth-component-stub-notes-/, a.name);
    }
  });

  it("when built, then the function's alarms watch the function named, p99 at its share of the timeout", () => {
    for (const id of ["function-errors", "function-throttles", "function-duration-p99"])
      assert.deepEqual(alarm(id).inputs.dimensions, { FunctionName: "stub-notes" }, id);
    assert.equal(alarm("function-duration-p99").inputs.threshold, 8000);
    assert.deepEqual(alarm("authorizer-throttles").inputs.dimensions, { FunctionName: "stub-authorizer" });
    const dynamo = alarm("dynamodb-throttles").inputs.metricQueries.filter((q: any) => q.metric);
    assert.ok(dynamo.length > 0);
    for (const q of dynamo) assert.equal(q.metric.dimensions.TableName, "stub-table");
  });

  it("when built, then the gateway rates are the REST API's errors over its count, for the API and stage given", () => {
    for (const [id, metric] of [
      ["gateway-5xx-rate", "5XXError"],
      ["gateway-4xx-rate", "4XXError"],
    ]) {
      const queries = alarm(id).inputs.metricQueries;
      const metrics = queries.filter((q: any) => q.metric).map((q: any) => q.metric);
      assert.deepEqual(
        metrics.map((m: any) => m.metricName),
        [metric, "Count"],
      );
      for (const m of metrics) assert.deepEqual(m.dimensions, { ApiName: "stub-api", Stage: "v1" }, id);
      assert.equal(queries.find((q: any) => q.returnData).expression, "100 * errors / requests");
    }
  });

  it("when built, then the metric filters read the access logs and the authorizer's logs passed", () => {
    const filters = all(resources, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    const byName = (n: string) => filters.find((f) => f.name === n)!;
    assert.equal(byName("alarms-throttled-429").inputs.logGroupName, "stub-access-logs");
    assert.equal(byName("alarms-throttled-429").inputs.pattern, '{ $.status = "429" }');
    assert.equal(byName("alarms-authorizer-faults").inputs.logGroupName, "stub-authorizer-logs");
  });
});
