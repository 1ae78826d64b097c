import { AUTH_MODES, AuthMode } from "../../components/config";
import { DoorPricing } from "../../components/doors/report";
import { doorReport } from "../../components/doors/reportRegistry";
import PRICE_DATA from "./prices.json";
import { Scenario } from "./scenarios";
import type { CognitoPlan } from "../../awsRules/userPool";
import { NO_METERS, StackMeters } from "./meters";

export type DoorId = AuthMode;
export type RegionPrices = (typeof PRICE_DATA)["us-east-1"];
export const PRICES: Record<string, RegionPrices> = PRICE_DATA;

/** USD per month, by where it is spent. */
export interface CostBreakdown {
  gateway: number;
  cognito: number;
  lambda: number;
  dynamodb: number;
  /** Alarms, custom metrics (metric filters; detailed metrics when on) and log ingestion. */
  cloudwatch: number;
  dataTransfer: number;
  /** Fixed extras: the ALB's public IPv4 addresses. */
  other: number;
  total: number;
  notes: string[];
}

export interface Band {
  upTo: number | null;
  price: number;
}

/** Graduated pricing: each unit is priced by the band it falls in (bands in ascending `upTo`). */
export function tiered(quantity: number, bands: Band[], unit = 1): number {
  let cost = 0;
  let from = 0;
  for (const b of bands) {
    if (quantity <= from) break;
    const to = b.upTo === null ? quantity : Math.min(quantity, b.upTo);
    cost += ((to - from) / unit) * b.price;
    from = to;
  }
  return cost;
}

export const HOURS_PER_MONTH = 730;
const GB = 1024 ** 3;
/** The ALB door spans two AZs: two load balancer nodes, two public IPv4 addresses. */
export const ALB_PUBLIC_IPS = 2;
/** Conservative: every request opens a new connection (keep-alive only lowers the LCU count). */
export const REQUESTS_PER_CONNECTION = 1;
/** Average request size the ALB processes besides the response. */
export const AVG_REQUEST_BYTES = 1024;

/** What CloudWatch bills a month for a stack's meters and its traffic, line by line. */
export function cloudWatchCost(
  m: StackMeters,
  requestsPerMonth: number,
  authorizerCalls: number,
  p: RegionPrices = PRICES["us-east-1"],
) {
  return cloudWatchBill(m, logBytes(m, requestsPerMonth, authorizerCalls), p);
}

/** The log bytes a month of a door's traffic sends to CloudWatch (its access-log lines, its functions' records). */
const logBytes = (m: StackMeters, requests: number, authorizerCalls: number) =>
  requests * m.logBytesPerRequest + authorizerCalls * m.authorizerLogBytesPerCall;

/** CloudWatch's bill for a stack's alarms and metrics (`m`) and the log bytes it ingests a month. */
function cloudWatchBill(m: StackMeters, bytesPerMonth: number, p: RegionPrices) {
  const cw = p.cloudwatch;
  const metric = (n: number) => tiered(n, cw.customMetricsPerMonth);
  const lines = {
    alarms: m.alarmMetrics * cw.standardAlarmPerMetricMonth,
    filterMetrics: metric(m.filterMetrics),
    /** What the detailed metrics cost, whether on or not (the report shows the price of turning them on). */
    detailedMetrics: metric(m.filterMetrics + m.detailedMetrics.metrics) - metric(m.filterMetrics),
    logIngestion: (bytesPerMonth / GB) * cw.logsIngestionPerGb,
  };
  return {
    ...lines,
    total: lines.alarms + lines.filterMetrics + (m.detailedMetrics.on ? lines.detailedMetrics : 0) + lines.logIngestion,
  };
}

/** One door of a stack: its share of the stack's requests (the shares add up to 1) and what its own run records. */
export interface DoorShare {
  door: DoorId;
  share: number;
  meters: StackMeters;
}

/**
 * The monthly cost of one door in one scenario, from the door module's pricing and what its stack
 * records (`meters`: alarms, metric filters, detailed metrics, machine clients, log bytes).
 */
export function monthlyCost(
  door: DoorId,
  s: Scenario,
  meters: StackMeters = NO_METERS,
  p: RegionPrices = PRICES["us-east-1"],
): CostBreakdown {
  return stackCost([{ door, share: 1, meters }], s, meters, p);
}

/**
 * The monthly cost of a stack that runs the doors of `doors` at once over one backend and one user
 * pool, the scenario's requests split by each door's share. Each door pays its gateway (doors of
 * one API type on their combined requests: the price tiers count the account's monthly requests,
 * not one API's) or its load balancer's hours, and the log bytes of its own requests; the backend
 * (Lambda, DynamoDB, data transfer) and the users are billed once, for all requests: Cognito
 * bills a monthly active user of the pool once, whichever doors they use
 * (https://aws.amazon.com/cognito/pricing/). `stack`: what the whole stack records by the month
 * (alarms, metric filters, detailed metrics, machine clients), each resource once.
 */
export function stackCost(
  doors: readonly DoorShare[],
  s: Scenario,
  stack: StackMeters,
  p: RegionPrices = PRICES["us-east-1"],
): CostBreakdown {
  const notes: string[] = [];
  const requests = (d: DoorShare) => s.requestsPerMonth * d.share;
  const pricing = (d: DoorShare): DoorPricing => doorReport(d.door).pricing;
  let gateway = 0;
  let other = 0;
  const kinds = [...new Set(doors.map((d) => pricing(d).gateway))];
  for (const kind of kinds) {
    const of = doors.filter((d) => pricing(d).gateway === kind);
    const combined = of.reduce((n, d) => n + requests(d), 0);
    switch (kind) {
      case "api-gateway-rest":
        gateway += tiered(combined, p.apiGatewayRest.perMillionRequests, 1e6);
        notes.push("REST API requests at the graduated per-million price; no 12-month free tier.");
        break;
      case "api-gateway-http": {
        const units = Math.max(1, Math.ceil(s.avgResponseBytes / p.apiGatewayHttp.meteredIncrementBytes));
        gateway += tiered(combined * units, p.apiGatewayHttp.perMillionRequests, 1e6);
        notes.push("HTTP API requests metered in 512 KB increments; no 12-month free tier.");
        break;
      }
      case "alb": {
        const l = p.alb.lcu;
        for (const d of of) {
          const perSecond = requests(d) / (HOURS_PER_MONTH * 3600);
          const gbPerHour = (requests(d) * (s.avgResponseBytes + AVG_REQUEST_BYTES)) / GB / HOURS_PER_MONTH;
          const lcus = Math.max(
            perSecond / REQUESTS_PER_CONNECTION / l.newConnectionsPerSecond,
            gbPerHour / l.processedGbPerHourLambdaTargets,
          );
          gateway += HOURS_PER_MONTH * (p.alb.perHour + lcus * p.alb.perLcuHour);
          other += ALB_PUBLIC_IPS * HOURS_PER_MONTH * p.publicIpv4.perAddressHour;
        }
        notes.push(
          `ALB: ${HOURS_PER_MONTH} h a month plus LCU-hours from traffic spread evenly (one new connection per ` +
            `request; 0.4 GB/h per LCU for Lambda targets; 2 listener rules, under the 10 free).`,
        );
        notes.push(
          `ALB: ${ALB_PUBLIC_IPS} public IPv4 addresses (two AZs). The VPC itself has no NAT gateway, so no ` +
            `further charge.`,
        );
        break;
      }
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown gateway ${unreachable}`);
      }
    }
  }

  let cognito = doors.some((d) => pricing(d).billsMau) ? cognitoMauCost(s.mau, s.cognitoPlan, p) : 0;
  for (const d of doors)
    if (pricing(d).billsMachineTokens)
      cognito += ((s.m2mTokenRequestsPerMonth * d.share) / 1000) * p.cognito.m2mPerThousandTokenRequests;
  cognito += stack.machineClients * p.cognito.m2mAppClientPerMonth;
  if (stack.machineClients > 0)
    notes.push(
      `Cognito: each client-credentials app client the stack makes costs ` +
        `$${p.cognito.m2mAppClientPerMonth.toFixed(2)} a month, whatever its traffic.`,
    );
  notes.push(...doors.flatMap((d) => pricing(d).notes));
  const plan = p.cognito.plans[s.cognitoPlan];
  notes.push(`Cognito ${s.cognitoPlan} plan (\`cognitoPlan\`): ${describePlan(plan)}.`);

  // The notes function on every request; a Lambda authorizer on each cache miss (same account, same free tier).
  const authorizerCalls = (d: DoorShare) => {
    const a = pricing(d).authorizer;
    return a ? requests(d) * (1 - a.cacheHitRatio) : 0;
  };
  const allAuthorizerCalls = doors.reduce((n, d) => n + authorizerCalls(d), 0);
  const invocations = s.requestsPerMonth + allAuthorizerCalls;
  const gbSeconds =
    s.requestsPerMonth * (s.lambdaMs / 1000) * (s.lambdaMemoryMb / 1024) +
    doors.reduce((n, d) => {
      const a = pricing(d).authorizer;
      return n + (a ? authorizerCalls(d) * (a.ms / 1000) * (a.memoryMb / 1024) : 0);
    }, 0);
  const lambda =
    (Math.max(0, invocations - p.lambda.freeRequests) / 1e6) * p.lambda.perMillionRequests +
    tiered(Math.max(0, gbSeconds - p.lambda.freeGbSeconds), p.lambda.arm64PerGbSecond);
  notes.push("Lambda arm64 with the always-free tier (1M requests, 400,000 GB-s).");

  const reads = s.requestsPerMonth * s.readShare;
  const writes = s.requestsPerMonth - reads;
  const dynamodb =
    (reads / 1e6) * p.dynamodb.onDemandPerMillionReadUnits + (writes / 1e6) * p.dynamodb.onDemandPerMillionWriteUnits;
  notes.push(
    "DynamoDB on demand: one read unit per read and one write unit per write (items under 1 KB / 4 KB); storage " +
      "not counted.",
  );

  const bytes = doors.reduce((n, d) => n + logBytes(d.meters, requests(d), authorizerCalls(d)), 0);
  const cloudwatch = cloudWatchBill(stack, bytes, p).total;
  if (stack !== NO_METERS)
    notes.push(
      "CloudWatch: the alarms and metric filters the stack records, detailed metrics only when " +
        "`detailedMetrics` is on, and log ingestion estimated per request from the access-log line and Lambda's " +
        "JSON platform records; the account-wide free tier is not applied, log storage not counted.",
    );

  const egressGb = (s.requestsPerMonth * s.avgResponseBytes) / GB;
  const dataTransfer = tiered(Math.max(0, egressGb - p.dataTransfer.freeGbPerMonth), p.dataTransfer.perGb);
  notes.push("Data transfer out: responses only, first 100 GB a month free.");

  const total = gateway + cognito + lambda + dynamodb + cloudwatch + dataTransfer + other;
  return { gateway, cognito, lambda, dynamodb, cloudwatch, dataTransfer, other, total, notes: [...new Set(notes)] };
}

/** What a month of `mau` signed-in users costs on a Cognito feature plan (its free MAU are its first band, at $0). */
export function cognitoMauCost(mau: number, plan: CognitoPlan, p: RegionPrices = PRICES["us-east-1"]): number {
  return tiered(mau, p.cognito.plans[plan].mauBands);
}

/** A plan's price in words: "10,000 MAU free, then per MAU $0.0055 to 100,000, ..." */
export function describePlan(plan: { freeMau: number; mauBands: Band[] }): string {
  const paid = plan.mauBands.filter((b) => b.price > 0);
  const rates = paid
    .map(
      (b) =>
        `$${b.price}${paid.length > 1 ? (b.upTo === null ? " beyond" : ` to ${b.upTo.toLocaleString("en-US")}`) : ""}`,
    )
    .join(", ");
  return (
    `${plan.freeMau ? `${plan.freeMau.toLocaleString("en-US")} MAU free, then ` : "no free MAU, "}per MAU ` + `${rates}`
  );
}

/** Every door in every scenario, each with its stack's meters. */
export function costTable(
  scenarios: Scenario[],
  doors: readonly DoorId[] = AUTH_MODES,
  meters: Partial<Record<DoorId, StackMeters>> = {},
): Record<string, Record<DoorId, CostBreakdown>> {
  return Object.fromEntries(
    scenarios.map((s) => [
      s.name,
      Object.fromEntries(doors.map((d) => [d, monthlyCost(d, s, meters[d])])) as Record<DoorId, CostBreakdown>,
    ]),
  );
}
