import * as assert from "assert";
import { OFFLINE_STACK, runStack } from "../../offline/runStack";
import { DOORS, doorConfig } from "../../components/doors/registry";
import { NOTES_FUNCTION_TIMEOUT_SECONDS } from "../../components/backend/notesBackend";
import { DYNAMODB_ACTIONS } from "../../handlers/contract/permissions";
import { AUTHORIZER_FAULT } from "../../handlers/contract/authorizerFault";
import { StackRun, ofType, one, runMode } from "../support/stack";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-pager";
const alarmsOf = (run: StackRun) =>
  new Map(ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => [r.name.replace(/^alarms-/, ""), r.inputs]));

describe("Alarms", function () {
  let rest: StackRun, http: StackRun, alb: StackRun, authorizer: StackRun;
  const runs: [string, StackRun][] = [];
  before(async () => {
    // given alarms sent to an existing topic, at every door
    rest = await runMode("api-key", { alarmTopicArn: TOPIC, alarmThrottled429: 25 });
    http = await runMode("http-jwt", { alarmTopicArn: TOPIC });
    alb = await runMode("alb-oidc", { alarmTopicArn: TOPIC, alarmAlbAuthErrors: 3, alarmAlbTarget5xx: 7 });
    authorizer = await runMode("lambda-authorizer", { alarmTopicArn: TOPIC });
    runs.push(
      ["api-key", rest],
      ["http-jwt", http],
      ["alb-oidc", alb],
      ["lambda-authorizer", authorizer],
      ["iam", await runMode("iam", { alarmTopicArn: TOPIC })],
      ["cognito", await runMode("cognito", { alarmTopicArn: TOPIC })],
    );
  });

  it("are off unless an operator is named: no alarm nobody receives", async () => {
    const run = await runMode("cognito");
    assert.deepEqual(ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm"), []);
  });

  it(
    "every door: the function's errors, throttles and p99 near its timeout, on this stack's function, to " +
      "the topic",
    () => {
      assert.deepEqual(runs.map(([mode]) => mode).sort(), Object.keys(DOORS).sort(), "every door is checked");
      for (const [mode, run] of runs) {
        const fn = one(run, "aws:lambda/function:Function", "notes-api").state.name;
        const alarms = alarmsOf(run);
        const expect = {
          "function-errors": ["Errors", "Sum", 1],
          "function-throttles": ["Throttles", "Sum", 1],
          "function-duration-p99": ["Duration", "p99", NOTES_FUNCTION_TIMEOUT_SECONDS * 1000 * 0.8],
        } as const;
        for (const [id, [metric, stat, threshold]] of Object.entries(expect)) {
          const a = alarms.get(id)!;
          assert.ok(a, `${mode} ${id}`);
          assert.deepEqual(
            {
              ns: a.namespace,
              metric: a.metricName,
              dims: a.dimensions,
              stat: a.statistic ?? a.extendedStatistic,
              threshold: a.threshold,
              op: a.comparisonOperator,
            },
            {
              ns: "AWS/Lambda",
              metric,
              dims: { FunctionName: fn },
              stat,
              threshold,
              op: "GreaterThanOrEqualToThreshold",
            },
            `${mode} ${id}`,
          );
          assert.deepEqual(
            { alarm: a.alarmActions, ok: a.okActions, missing: a.treatMissingData },
            { alarm: [TOPIC], ok: [TOPIC], missing: "notBreaching" },
            `${mode} ${id}`,
          );
          // Alarm names are unique per account and region, as Lambda function names are: the function's
          // name tells two same-named stacks apart there (a copy of the project in another Pulumi org, say).
          assert.equal(
            a.name,
            `notes-auth-${OFFLINE_STACK}-${fn}-${id}`,
            "named for the project, the stack, this stack's function and what broke",
          );
        }
      }
    },
  );

  it("every door: DynamoDB throttles summed over each operation the handler calls on this stack's table", () => {
    for (const [mode, run] of runs) {
      const table = one(run, "aws:dynamodb/table:Table").state.name;
      const a = alarmsOf(run).get("dynamodb-throttles")!;
      assert.ok(a, mode);
      const metrics = a.metricQueries.filter((q: any) => q.metric);
      // ThrottledRequests has dimensions TableName and Operation (no table-wide series):
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
      assert.deepEqual(
        metrics.map((q: any) => q.metric.dimensions.Operation).sort(),
        DYNAMODB_ACTIONS.map((x) => x.replace("dynamodb:", "")).sort(),
      );
      for (const q of metrics)
        assert.deepEqual(
          {
            ns: q.metric.namespace,
            name: q.metric.metricName,
            table: q.metric.dimensions.TableName,
            stat: q.metric.stat,
          },
          { ns: "AWS/DynamoDB", name: "ThrottledRequests", table, stat: "Sum" },
        );
      const sum = a.metricQueries.find((q: any) => q.returnData);
      assert.equal(sum.expression, `SUM([${metrics.map((q: any) => q.id).join(",")}])`);
      assert.equal(a.threshold, 1);
    }
  });

  it(
    "given two stacks named alike in one account and region, their alarm names differ (each carries its own " +
      "function's name)",
    () => {
      // CloudWatch alarm names and Lambda function names are both unique per account and region;
      // the function's name is Pulumi's auto-name (random suffix), so it differs between the stacks.
      for (const [mode, run] of runs) {
        const fn = one(run, "aws:lambda/function:Function", "notes-api").state.name;
        for (const [id, a] of alarmsOf(run)) assert.ok(a.name.includes(`-${fn}-`), `${mode} ${id}: ${a.name}`);
      }
    },
  );

  it(
    "the lambda-authorizer door: its authorizer function's throttles, apart from the notes function's; no " +
      "other door has them",
    () => {
      const fn = one(authorizer, "aws:lambda/function:Function", "door-authorizer").state.name;
      const a = alarmsOf(authorizer).get("authorizer-throttles")!;
      assert.deepEqual(
        {
          ns: a.namespace,
          metric: a.metricName,
          dims: a.dimensions,
          stat: a.statistic,
          threshold: a.threshold,
          actions: a.alarmActions,
        },
        {
          ns: "AWS/Lambda",
          metric: "Throttles",
          dims: { FunctionName: fn },
          stat: "Sum",
          threshold: 1,
          actions: [TOPIC],
        },
      );
      for (const [mode, run] of runs.filter(([m]) => m !== "lambda-authorizer"))
        assert.deepEqual(
          [...alarmsOf(run).keys()].filter((k) => k.startsWith("authorizer-")),
          [],
          mode,
        );
    },
  );

  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html: throwing
  // "Unauthorized" is how an authorizer answers 401, and Lambda counts it in Errors, so Errors is no alarm.
  it(
    "the lambda-authorizer door: authorizer-errors counts the authorizer's AUTHORIZER_FAULT log lines, " +
      "never Lambda Errors (a refused token is one)",
    () => {
      const group = one(authorizer, "aws:cloudwatch/logGroup:LogGroup", "door-authorizer-logs").state.name;
      const filter = ofType(authorizer, "aws:cloudwatch/logMetricFilter:LogMetricFilter").find(
        (f) => f.name === "alarms-authorizer-faults",
      )!;
      assert.ok(filter, "a metric filter on the authorizer's log");
      assert.deepEqual(
        { group: filter.inputs.logGroupName, pattern: filter.inputs.pattern },
        { group, pattern: `"${AUTHORIZER_FAULT}"` },
      );
      const a = alarmsOf(authorizer).get("authorizer-errors")!;
      assert.notEqual(a.namespace, "AWS/Lambda");
      assert.deepEqual(
        { ns: a.namespace, metric: a.metricName, stat: a.statistic, threshold: a.threshold },
        {
          ns: filter.inputs.metricTransformation.namespace,
          metric: filter.inputs.metricTransformation.name,
          stat: "Sum",
          threshold: 1,
        },
      );
    },
  );

  it(
    "API Gateway doors: 5xx and 4xx as a percentage of requests, on this API's stage (REST names, HTTP API " + "ids)",
    () => {
      const restApi = one(rest, "aws:apigateway/restApi:RestApi").state;
      const restStage = one(rest, "aws:apigateway/stage:Stage").inputs.stageName;
      const httpApi = one(http, "aws:apigatewayv2/api:Api").state;
      const httpStage = one(http, "aws:apigatewayv2/stage:Stage").inputs.name;
      for (const [run, dims, names] of [
        [rest, { ApiName: restApi.name, Stage: restStage }, ["5XXError", "4XXError"]],
        [http, { ApiId: httpApi.id, Stage: httpStage }, ["5xx", "4xx"]],
      ] as const) {
        for (const [id, metric, threshold] of [
          ["gateway-5xx-rate", names[0], 1],
          ["gateway-4xx-rate", names[1], 10],
        ] as const) {
          const a = alarmsOf(run).get(id)!;
          const byId = Object.fromEntries(a.metricQueries.map((q: any) => [q.id, q]));
          assert.deepEqual(
            byId.errors.metric,
            { namespace: "AWS/ApiGateway", metricName: metric, dimensions: dims, period: 300, stat: "Sum" },
            id,
          );
          assert.deepEqual(
            byId.requests.metric,
            { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: dims, period: 300, stat: "Sum" },
            id,
          );
          assert.equal(byId.rate.expression, "100 * errors / requests");
          assert.equal(a.threshold, threshold, id);
        }
      }
    },
  );

  it(
    "API Gateway doors: counts 429s exactly from the access logs (API Gateway has no 429 metric), at the " +
      "configured threshold",
    () => {
      for (const [run, threshold] of [
        [rest, 25],
        [http, 10],
      ] as const) {
        const filter = one(run, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "alarms-throttled-429");
        const logs = ofType(run, "aws:cloudwatch/logGroup:LogGroup").find((g) => /access/.test(g.name))!;
        assert.equal(filter.inputs.logGroupName, logs.state.name ?? logs.inputs.name);
        assert.equal(filter.inputs.pattern, '{ $.status = "429" }');
        // the stage's access log writes status as a JSON string, which is what a quoted pattern compares with
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
        const stage = ofType(run, "aws:apigateway/stage:Stage")[0] ?? one(run, "aws:apigatewayv2/stage:Stage");
        assert.equal(JSON.parse(stage.inputs.accessLogSettings.format).status, "$context.status");
        assert.equal(stage.inputs.accessLogSettings.destinationArn, logs.state.arn);
        const a = alarmsOf(run).get("gateway-throttled-429")!;
        assert.deepEqual(
          { ns: a.namespace, metric: a.metricName, stat: a.statistic },
          {
            ns: filter.inputs.metricTransformation.namespace,
            metric: filter.inputs.metricTransformation.name,
            stat: "Sum",
          },
        );
        assert.equal(a.threshold, threshold);
      }
    },
  );

  it(
    "the alb-oidc door: the login's errors, failures and latency, and target 5xx, on this load balancer; no " +
      "gateway alarms",
    () => {
      const suffix = one(alb, "aws:lb/loadBalancer:LoadBalancer").state.arnSuffix;
      const alarms = alarmsOf(alb);
      // thresholds: alarmAlbAuthErrors 3 and alarmAlbTarget5xx 7 as configured, the others at their defaults
      for (const [id, metric, threshold] of [
        ["alb-auth-error", "ELBAuthError", 3],
        ["alb-auth-failure", "ELBAuthFailure", 10],
        ["alb-auth-latency-p99", "ELBAuthLatency", 2000],
        ["alb-target-5xx", "HTTPCode_Target_5XX_Count", 7],
      ] as const) {
        const a = alarms.get(id)!;
        assert.deepEqual(
          { ns: a.namespace, metric: a.metricName, dims: a.dimensions, threshold: a.threshold },
          { ns: "AWS/ApplicationELB", metric, dims: { LoadBalancer: suffix }, threshold },
          id,
        );
      }
      assert.deepEqual(
        [...alarms.keys()].filter((k) => k.startsWith("gateway-")),
        [],
      );
      assert.deepEqual(ofType(alb, "aws:cloudwatch/logMetricFilter:LogMetricFilter"), []);
    },
  );

  it("alarmEmail makes a topic with that subscription, and the alarms use it", async () => {
    const run = await runMode("http-jwt", { alarmEmail: "ops@example.com" });
    const topic = one(run, "aws:sns/topic:Topic");
    const sub = one(run, "aws:sns/topicSubscription:TopicSubscription").inputs;
    assert.deepEqual(
      { topic: sub.topic, protocol: sub.protocol, endpoint: sub.endpoint },
      { topic: topic.state.arn, protocol: "email", endpoint: "ops@example.com" },
    );
    for (const [, a] of alarmsOf(run)) assert.deepEqual(a.alarmActions, [topic.state.arn]);
  });

  it("refuses both destinations at once, and a malformed email, naming the key", async () => {
    for (const [extra, message] of [
      [
        { alarmEmail: "ops@example.com", alarmTopicArn: TOPIC },
        /notes-auth:alarmEmail and notes-auth:alarmTopicArn are alternatives/,
      ],
      [{ alarmEmail: "ops" }, /notes-auth:alarmEmail is "ops": it must be an email address/],
    ] as const) {
      const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig("http-jwt", extra) });
      assert.match(run.error ?? "", message);
    }
  });
});
