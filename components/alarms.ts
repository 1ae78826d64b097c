import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DYNAMODB_ACTIONS } from "../handlers/contract/permissions";
import { AUTHORIZER_FAULT } from "../handlers/contract/authorizerFault";
import type { AlarmConfig } from "./config";

/** What a door's alarms watch: its API (name or id, and stage, and the access logs), or its load balancer. */
export type DoorMetrics = (
  | {
      kind: "rest-api";
      apiName: pulumi.Input<string>;
      stage: pulumi.Input<string>;
      accessLogGroupName: pulumi.Input<string>;
    }
  | {
      kind: "http-api";
      apiId: pulumi.Input<string>;
      stage: pulumi.Input<string>;
      accessLogGroupName: pulumi.Input<string>;
    }
  | { kind: "load-balancer"; arnSuffix: pulumi.Input<string> }
) & {
  /**
   * The door's own authorizer function and its log group, if it has one: it fails and throttles apart from the notes
   * function.
   */
  authorizer?: { functionName: pulumi.Input<string>; logGroupName: pulumi.Input<string> };
};

export interface AlarmsArgs {
  config: AlarmConfig;
  functionName: pulumi.Input<string>;
  functionTimeoutSeconds: number;
  tableName: pulumi.Input<string>;
  /**
   * Each door's metrics, and the prefix of its alarms' ids: "" for the primary door (its alarms
   * keep the names they have when it runs alone), `<mode>-` for every other, since alarm names
   * are unique per account and region and two gateway doors' alarms would otherwise share them.
   */
  doors: { metrics: DoorMetrics; prefix: string }[];
}

const FIVE_MINUTES = 300;

/**
 * The alarms an operator needs, each named for what broke, all sent to one SNS topic (a new one
 * with `alarmEmail`, or `alarmTopicArn`). Missing data is not breaching: most of these metrics are
 * only reported when non-zero.
 * - every door: the function's errors, throttles and p99 duration near its timeout; DynamoDB
 *   throttled requests (AWS/Lambda, AWS/DynamoDB);
 * - API Gateway doors: 5xx and 4xx rates (AWS/ApiGateway; errors over Count, in percent). API Gateway has no metric of
 * its own for 429: throttling and exhausted quotas
 *   are 4xx, so the 4xx rate covers them, and a metric filter on the access logs counts status 429
 *   exactly. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 * - the ALB door: ELBAuthError, ELBAuthFailure, ELBAuthLatency p99 and target 5xx (AWS/ApplicationELB).
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */
export class Alarms extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** The primary door's 429 filter (the first door's with access logs). */
  public throttleFilter?: aws.cloudwatch.LogMetricFilter;
  /** Counts the authorizer's real faults (its AUTHORIZER_FAULT log lines), not the tokens it refuses. */
  public authorizerFaultFilter?: aws.cloudwatch.LogMetricFilter;

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:monitoring:Alarms", name, {}, opts);
    const child = { parent: this };
    const c = args.config;
    // Alarm names are unique per account and region, and so are Lambda function names: the
    // function's name (auto-named with a random suffix) tells apart two same-named stacks, of
    // this project or a copy of it, in one account and region. Project and stack lead, for people.
    const prefix = pulumi.interpolate`${pulumi.getProject()}-${pulumi.getStack()}-${args.functionName}`;
    if (c.email) {
      const topic = new aws.sns.Topic(
        `${name}-topic`,
        { displayName: `notes-auth ${pulumi.getStack()} alarms` },
        child,
      );
      new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: c.email }, child);
      this.topicArn = topic.arn;
    } else {
      this.topicArn = pulumi.output(c.topicArn!);
    }
    const alarm = (
      id: string,
      description: string,
      a: Omit<
        aws.cloudwatch.MetricAlarmArgs,
        "name" | "alarmDescription" | "alarmActions" | "okActions" | "treatMissingData"
      >,
    ) => {
      this.alarms.push(
        new aws.cloudwatch.MetricAlarm(
          `${name}-${id}`,
          {
            name: pulumi.interpolate`${prefix}-${id}`,
            alarmDescription: description,
            alarmActions: [this.topicArn],
            okActions: [this.topicArn],
            treatMissingData: "notBreaching",
            evaluationPeriods: 1,
            ...a,
          },
          child,
        ),
      );
    };
    const simple = (
      namespace: pulumi.Input<string>,
      metricName: string,
      dimensions: Record<string, pulumi.Input<string>>,
      statistic: { statistic?: string; extendedStatistic?: string },
    ) => ({
      namespace,
      metricName,
      dimensions,
      period: FIVE_MINUTES,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      ...statistic,
    });

    const fn = { FunctionName: args.functionName };
    alarm("function-errors", "The notes function failed (Lambda Errors)", {
      ...simple("AWS/Lambda", "Errors", fn, { statistic: "Sum" }),
      threshold: c.functionErrors,
    });
    alarm(
      "function-throttles",
      "The notes function was throttled: reserved or account concurrency is exhausted (Lambda Throttles)",
      { ...simple("AWS/Lambda", "Throttles", fn, { statistic: "Sum" }), threshold: c.functionThrottles },
    );
    alarm(
      "function-duration-p99",
      `The notes function's p99 duration is at ${c.durationP99Percent}% of its ${args.functionTimeoutSeconds} s ` +
        `timeout`,
      {
        ...simple("AWS/Lambda", "Duration", fn, { extendedStatistic: "p99" }),
        threshold: (args.functionTimeoutSeconds * 1000 * c.durationP99Percent) / 100,
      },
    );
    // The metric filters' metrics: one namespace per stack instance, as the alarm names.
    const namespace = pulumi.interpolate`NotesAuth/${pulumi.getProject()}-${pulumi.getStack()}/${args.functionName}`;
    // ThrottledRequests is reported per operation: the sum over the operations the handler calls.
    const operations = DYNAMODB_ACTIONS.map((a) => a.replace("dynamodb:", ""));
    alarm("dynamodb-throttles", "DynamoDB throttled requests to the notes table", {
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: c.dynamoThrottles,
      metricQueries: [
        ...operations.map((op, i) => ({
          id: `m${i}`,
          returnData: false,
          metric: {
            namespace: "AWS/DynamoDB",
            metricName: "ThrottledRequests",
            dimensions: { TableName: args.tableName, Operation: op },
            period: FIVE_MINUTES,
            stat: "Sum",
          },
        })),
        {
          id: "throttled",
          expression: `SUM([${operations.map((_, i) => `m${i}`).join(",")}])`,
          label: "ThrottledRequests (all operations)",
          returnData: true,
        },
      ],
    });

    // Each door's own alarms: its gateway's or load balancer's, its authorizer's.
    const doorAlarms = (door: DoorMetrics, prefix: string) => {
      if (door.authorizer !== undefined) {
        // Refusing a token is a thrown "Unauthorized" (API Gateway's documented 401), which Lambda
        // counts in Errors: an Errors alarm would fire on the first expired token. The authorizer logs
        // its real faults (keys unreachable or invalid, misconfiguration) as AUTHORIZER_FAULT lines
        // (handlers/authorizer/faults.ts), counted here. A crash, timeout or malformed answer is a
        // 500 from API Gateway ("message": null, x-amzn-ErrorType AuthorizerConfigurationException),
        // which the gateway 5xx-rate alarm below covers.
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
        const auth = { FunctionName: door.authorizer.functionName };
        this.authorizerFaultFilter ??= new aws.cloudwatch.LogMetricFilter(
          `${name}-${prefix}authorizer-faults`,
          {
            logGroupName: door.authorizer.logGroupName,
            pattern: `"${AUTHORIZER_FAULT}"`,
            metricTransformation: { name: `${prefix}AuthorizerFaults`, namespace, value: "1", defaultValue: "0" },
          },
          child,
        );
        alarm(
          `${prefix}authorizer-errors`,
          "The Lambda authorizer could not verify tokens (its keys unreachable or invalid, or misconfigured): " +
            "callers were refused whatever their token (AUTHORIZER_FAULT log lines, not refused tokens)",
          { ...simple(namespace, `${prefix}AuthorizerFaults`, {}, { statistic: "Sum" }), threshold: c.functionErrors },
        );
        alarm(
          `${prefix}authorizer-throttles`,
          "The Lambda authorizer was throttled: concurrency is exhausted (Lambda Throttles)",
          { ...simple("AWS/Lambda", "Throttles", auth, { statistic: "Sum" }), threshold: c.functionThrottles },
        );
      }
      switch (door.kind) {
        case "rest-api":
        case "http-api": {
          const rest = door.kind === "rest-api";
          const dims: Record<string, pulumi.Input<string>> = rest
            ? { ApiName: door.apiName, Stage: door.stage }
            : { ApiId: door.apiId, Stage: door.stage };
          const [m5, m4] = rest ? ["5XXError", "4XXError"] : ["5xx", "4xx"];
          // The rate as errors / Count, both Sums: the same math for REST (whose Average of 4XXError
          // is documented as the rate) and HTTP APIs (whose docs give only the count).
          const rate = (metricName: string) => ({
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            metricQueries: [
              {
                id: "errors",
                returnData: false,
                metric: {
                  namespace: "AWS/ApiGateway",
                  metricName,
                  dimensions: dims,
                  period: FIVE_MINUTES,
                  stat: "Sum",
                },
              },
              {
                id: "requests",
                returnData: false,
                metric: {
                  namespace: "AWS/ApiGateway",
                  metricName: "Count",
                  dimensions: dims,
                  period: FIVE_MINUTES,
                  stat: "Sum",
                },
              },
              {
                id: "rate",
                expression: "100 * errors / requests",
                label: `${metricName} (% of requests)`,
                returnData: true,
              },
            ],
          });
          alarm(`${prefix}gateway-5xx-rate`, `Over ${c.gateway5xxPercent}% of requests got a 5xx from API Gateway`, {
            ...rate(m5),
            threshold: c.gateway5xxPercent,
          });
          alarm(
            `${prefix}gateway-4xx-rate`,
            `Over ${c.gateway4xxPercent}% of requests got a 4xx (auth refusals, throttles and exhausted quotas ` +
              `included)`,
            { ...rate(m4), threshold: c.gateway4xxPercent },
          );
          // The access logs' JSON has "status" (components/accessLogs.ts); a filter counts the 429s.
          this.throttleFilter ??= new aws.cloudwatch.LogMetricFilter(
            `${name}-${prefix}throttled-429`,
            {
              logGroupName: door.accessLogGroupName,
              pattern: '{ $.status = "429" }',
              metricTransformation: { name: `${prefix}Throttled429`, namespace, value: "1", defaultValue: "0" },
            },
            child,
          );
          alarm(
            `${prefix}gateway-throttled-429`,
            "Clients were answered 429: a throttle or a usage-plan quota is exhausted",
            {
              ...simple(namespace, `${prefix}Throttled429`, {}, { statistic: "Sum" }),
              threshold: c.throttled429,
            },
          );
          break;
        }
        case "load-balancer": {
          const dims = { LoadBalancer: door.arnSuffix };
          alarm(
            `${prefix}alb-auth-error`,
            "The ALB's login could not complete: the IdP or its configuration failed (ELBAuthError)",
            { ...simple("AWS/ApplicationELB", "ELBAuthError", dims, { statistic: "Sum" }), threshold: c.albAuthErrors },
          );
          alarm(`${prefix}alb-auth-failure`, "Logins at the ALB were rejected by the IdP (ELBAuthFailure)", {
            ...simple("AWS/ApplicationELB", "ELBAuthFailure", dims, { statistic: "Sum" }),
            threshold: c.albAuthFailures,
          });
          alarm(`${prefix}alb-auth-latency-p99`, "The ALB's calls to the IdP are slow (ELBAuthLatency p99)", {
            ...simple("AWS/ApplicationELB", "ELBAuthLatency", dims, { extendedStatistic: "p99" }),
            threshold: c.albAuthLatencyMs,
          });
          alarm(`${prefix}alb-target-5xx`, "The notes function answered 5xx through the ALB", {
            ...simple("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, { statistic: "Sum" }),
            threshold: c.albTarget5xx,
          });
          break;
        }
        default: {
          const unreachable: never = door;
          throw new Error(`unknown door metrics ${JSON.stringify(unreachable)}`);
        }
      }
    };
    for (const { metrics, prefix } of args.doors) doorAlarms(metrics, prefix);
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
