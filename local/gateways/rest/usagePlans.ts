import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { RecordedProgram } from "../../recorded";
import { TokenBucket } from "../http";

/**
 * API keys and usage plans, from the recorded `ApiKey`, `UsagePlan` and `UsagePlanKey` resources.
 * A key is accepted on a stage when it is enabled and belongs to a usage plan of that stage; each
 * (plan, key) then has its own token bucket (the plan's rate and burst) and its own quota count
 * per period. A key no plan of the stage has is 403 Forbidden; past the bucket, 429 Too Many
 * Requests; past the quota, 429 Limit Exceeded until the period ends.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 * https://docs.aws.amazon.com/apigateway/latest/api/API_QuotaSettings.html
 */

/** An API key as local mode issues it: the recorded key with a value of its own (as API Gateway generates one). */
export interface LocalApiKey {
  id: string;
  name: string;
  /** The local value clients send (or an authorizer returns). */
  value: string;
  /** The value the mocks gave it, which recorded inputs (an authorizer's environment, outputs) carry. */
  recordedValue: string;
  enabled: boolean;
}

/** Where local mode keeps the values it generated for API keys, by key name (as the signing key, under `.local/`). */
export const apiKeysFile = (dataDir: string) => path.join(dataDir, "api-keys.json");

/** 40 letters and digits (API Gateway's generated values are 20 to 128 characters). */
const newKeyValue = () =>
  randomBytes(30)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .padEnd(40, "0")
    .slice(0, 40);

/**
 * A value for each recorded key: its recorded `value` if the program sets one, else one generated once and
 * kept in `dataDir` (api-keys.json), so a key printed yesterday still works after a restart, as a deployed
 * key's value stays until the key is replaced. Without `dataDir`, fresh values.
 */
export function localApiKeys(program: RecordedProgram, dataDir?: string): LocalApiKey[] {
  const file = dataDir ? apiKeysFile(dataDir) : undefined;
  let kept: Record<string, string> = {};
  try {
    if (file && fs.existsSync(file)) kept = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new Error(`${file} is not JSON: delete it to get new API key values`);
  }
  const keys = program.ofType("aws:apigateway/apiKey:ApiKey").map((k) => {
    const name = String(program.stateOf(k).name ?? k.name);
    return {
      id: program.idOf(k),
      name,
      value: k.inputs.value ?? (kept[name] ??= newKeyValue()),
      recordedValue: String(program.stateOf(k).value),
      enabled: k.inputs.enabled !== false,
    };
  });
  if (file) fs.writeFileSync(file, JSON.stringify(kept, null, 2) + "\n", { mode: 0o600 });
  return keys;
}

export type QuotaPeriod = "DAY" | "WEEK" | "MONTH";

/**
 * The start of the quota period that holds `t` (UTC). AWS does not document when a period
 * starts; local mode takes UTC calendar days, weeks starting on Sunday (the old `offset`
 * wording: "WEEK offset 0 = Sunday") and calendar months.
 */
export function periodStart(period: QuotaPeriod, t: number): number {
  const d = new Date(t);
  if (period === "DAY") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === "WEEK") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - d.getUTCDay());
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** A quota: `limit` requests per period; `offset` requests are counted as already made in the first period. */
export class Quota {
  private start: number;
  private used: number;
  constructor(
    private readonly limit: number,
    private readonly period: QuotaPeriod,
    offset: number,
    private readonly now: () => number,
  ) {
    this.start = periodStart(period, now());
    this.used = offset;
  }
  /** Counts a request; false when the period's quota is spent. */
  take(): boolean {
    const start = periodStart(this.period, this.now());
    if (start !== this.start) [this.start, this.used] = [start, 0];
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }
}

export type UsageOutcome =
  | { ok: true; key: LocalApiKey; plan: string }
  | { ok: false; type: "INVALID_API_KEY" | "THROTTLED" | "QUOTA_EXCEEDED"; reason: string };

/** The usage plans of one API stage. */
export class StageUsagePlans {
  private readonly meters = new Map<string, { bucket?: TokenBucket; quota?: Quota }>();
  private readonly plans: {
    id: string;
    name: string;
    throttle?: { rateLimit?: number; burstLimit?: number };
    quota?: { limit: number; period: QuotaPeriod; offset?: number };
  }[];
  private readonly planKeys: { planId: string; keyId: string }[];

  constructor(
    program: RecordedProgram,
    apiId: string,
    stage: string,
    private readonly keys: LocalApiKey[],
    private readonly now: () => number = Date.now,
  ) {
    this.plans = program
      .ofType("aws:apigateway/usagePlan:UsagePlan")
      .filter((p) =>
        (p.inputs.apiStages ?? []).some(
          (s: { apiId: string; stage: string }) => s.apiId === apiId && s.stage === stage,
        ),
      )
      .map((p) => ({
        id: program.idOf(p),
        name: p.name,
        throttle: p.inputs.throttleSettings,
        quota: p.inputs.quotaSettings,
      }));
    this.planKeys = program
      .ofType("aws:apigateway/usagePlanKey:UsagePlanKey")
      .filter((k) => (k.inputs.keyType ?? "API_KEY") === "API_KEY")
      .map((k) => ({ planId: String(k.inputs.usagePlanId), keyId: String(k.inputs.keyId) }));
  }

  /** Checks and counts one request made with a key value (from x-api-key, or an authorizer's usageIdentifierKey). */
  use(value: string | undefined): UsageOutcome {
    const key = value ? this.keys.find((k) => k.value === value) : undefined;
    if (!key || !key.enabled)
      return { ok: false, type: "INVALID_API_KEY", reason: value ? "the key is not a key of this API" : "no API key" };
    const plan = this.plans.find((p) => this.planKeys.some((pk) => pk.planId === p.id && pk.keyId === key.id));
    if (!plan) return { ok: false, type: "INVALID_API_KEY", reason: `key ${key.id} is in no usage plan of this stage` };
    const meterKey = `${plan.id} ${key.id}`;
    let meter = this.meters.get(meterKey);
    if (!meter) {
      const rate = plan.throttle?.rateLimit;
      meter = {
        bucket: rate !== undefined ? new TokenBucket(rate, plan.throttle?.burstLimit ?? rate, this.now) : undefined,
        quota: plan.quota
          ? new Quota(plan.quota.limit, plan.quota.period, plan.quota.offset ?? 0, this.now)
          : undefined,
      };
      this.meters.set(meterKey, meter);
    }
    if (meter.bucket && !meter.bucket.take())
      return { ok: false, type: "THROTTLED", reason: `key ${key.id} is past its plan's rate and burst` };
    if (meter.quota && !meter.quota.take())
      return { ok: false, type: "QUOTA_EXCEEDED", reason: `key ${key.id} has spent its plan's quota for this period` };
    return { ok: true, key, plan: plan.name };
  }
}
