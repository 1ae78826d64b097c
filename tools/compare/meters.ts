import type { StackRun } from "../../offline/runStack";

/**
 * What a stack records that CloudWatch and Cognito bill by the month, besides traffic: read from
 * the recorded resources of a run, so the cost model prices what the program makes.
 * https://aws.amazon.com/cloudwatch/pricing/, https://aws.amazon.com/cognito/pricing/
 */
export interface StackMeters {
  /** Metrics the alarms evaluate: one per plain alarm, one per metric a metric-math alarm reads. */
  alarmMetrics: number;
  /** Custom metrics the log metric filters publish (one each). */
  filterMetrics: number;
  /**
   * Per-method (REST) or per-route (HTTP API) metrics: how many `detailedMetrics` publishes, and whether the stack has
   * it on.
   */
  detailedMetrics: { on: boolean; metrics: number };
  /** Client-credentials (machine) app clients: Cognito bills each monthly. */
  machineClients: number;
  /** Log bytes CloudWatch ingests per request: the stage's access-log line and the notes function's lines. */
  logBytesPerRequest: number;
  /** Log bytes per Lambda authorizer invocation (cache misses only). */
  authorizerLogBytesPerCall: number;
}

/** Nothing metered: what a bare traffic estimate (the unit specs) uses. */
export const NO_METERS: StackMeters = {
  alarmMetrics: 0,
  filterMetrics: 0,
  detailedMetrics: { on: false, metrics: 0 },
  machineClients: 0,
  logBytesPerRequest: 0,
  authorizerLogBytesPerCall: 0,
};

/**
 * Metrics per method or route that detailed metrics add: REST 4XXError, 5XXError, CacheHitCount,
 * CacheMissCount, Count, IntegrationLatency, Latency by Resource and Method
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html);
 * HTTP 4xx, 5xx, Count, DataProcessed, IntegrationLatency, Latency by Route
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html).
 */
export const DETAILED_METRICS_PER_REST_METHOD = 7;
export const DETAILED_METRICS_PER_HTTP_ROUTE = 6;

/**
 * Lambda's JSON log format writes a platform.start and a platform.report record per invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html): about
 * 150 and 450 bytes. The notes handler writes no line of its own on a successful request
 * (handlers/routes.ts logs warnings and errors), nor does the authorizer on a verified or refused token.
 */
export const LAMBDA_PLATFORM_BYTES_PER_INVOCATION = 600;
/** A typical value of one access-log variable (request ids 36, times 26, IPs 13, statuses 3, …). */
export const ACCESS_LOG_VALUE_BYTES = 24;

/** The bytes of one access-log line in this format, each `$context.…` variable taken at a typical length. */
export function accessLogLineBytes(format: string): number {
  return format.replace(/\$context\.[A-Za-z.]+/g, "x".repeat(ACCESS_LOG_VALUE_BYTES)).length + 1;
}

/** Reads the meters from a run's recorded resources. */
export function metersOf(run: StackRun): StackMeters {
  const of = (type: string) => run.resources.filter((r) => r.type === type);
  const alarmMetrics = of("aws:cloudwatch/metricAlarm:MetricAlarm").reduce(
    (n, a) =>
      n + (Array.isArray(a.inputs.metricQueries) ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1),
    0,
  );
  const restMethods = of("aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS").length;
  const httpRoutes = of("aws:apigatewayv2/route:Route").length;
  const restOn = of("aws:apigateway/methodSettings:MethodSettings").some(
    (s) => s.inputs.settings?.metricsEnabled === true,
  );
  const httpOn = of("aws:apigatewayv2/stage:Stage").some(
    (s) => s.inputs.defaultRouteSettings?.detailedMetricsEnabled === true,
  );
  const stages = [...of("aws:apigateway/stage:Stage"), ...of("aws:apigatewayv2/stage:Stage")];
  const accessLog = stages
    .map((s) => s.inputs.accessLogSettings?.format)
    .find((f): f is string => typeof f === "string");
  const functions = of("aws:lambda/function:Function");
  return {
    alarmMetrics,
    filterMetrics: of("aws:cloudwatch/logMetricFilter:LogMetricFilter").length,
    detailedMetrics: {
      on: restOn || httpOn,
      metrics: restMethods * DETAILED_METRICS_PER_REST_METHOD + httpRoutes * DETAILED_METRICS_PER_HTTP_ROUTE,
    },
    machineClients: of("aws:cognito/userPoolClient:UserPoolClient").filter((c) =>
      (c.inputs.allowedOauthFlows ?? []).includes("client_credentials"),
    ).length,
    logBytesPerRequest: (accessLog ? accessLogLineBytes(accessLog) : 0) + LAMBDA_PLATFORM_BYTES_PER_INVOCATION,
    authorizerLogBytesPerCall: functions.length > 1 ? LAMBDA_PLATFORM_BYTES_PER_INVOCATION : 0,
  };
}
