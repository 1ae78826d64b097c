import { COGNITO_PLANS, CognitoPlan, DEFAULT_COGNITO_PLAN } from "../../awsRules/userPool";

/** One traffic scenario for the cost model. */
export interface Scenario {
  name: string;
  /** Monthly active users (signed-in people). */
  mau: number;
  requestsPerMonth: number;
  /** Client-credentials token requests (http-jwt machines). */
  m2mTokenRequestsPerMonth: number;
  /** Average response size, bytes. */
  avgResponseBytes: number;
  /** Average billed Lambda duration per request, ms. */
  lambdaMs: number;
  lambdaMemoryMb: number;
  /** Share of requests that read (1 RRU); the rest write (1 WRU). */
  readShare: number;
  /** The user pool's feature plan the MAU are billed at (`cognitoPlan`). */
  cognitoPlan: CognitoPlan;
}

const BASE = {
  avgResponseBytes: 2048,
  lambdaMs: 20,
  lambdaMemoryMb: 256,
  readShare: 0.8,
  cognitoPlan: DEFAULT_COGNITO_PLAN,
};

export const DEFAULT_SCENARIOS: Scenario[] = [
  { name: "1k MAU / 100k requests", mau: 1_000, requestsPerMonth: 100_000, m2mTokenRequestsPerMonth: 0, ...BASE },
  {
    name: "100k MAU / 10M requests",
    mau: 100_000,
    requestsPerMonth: 10_000_000,
    m2mTokenRequestsPerMonth: 10_000,
    ...BASE,
  },
  {
    name: "1M MAU / 100M requests",
    mau: 1_000_000,
    requestsPerMonth: 100_000_000,
    m2mTokenRequestsPerMonth: 100_000,
    ...BASE,
  },
];

/** A scenario flag is wrong; the message names the field and what is allowed. */
export class ScenarioError extends Error {}

const FIELDS: Record<string, { key: keyof Scenario; min: number; max: number; integer: boolean }> = {
  mau: { key: "mau", min: 0, max: 1e10, integer: true },
  requests: { key: "requestsPerMonth", min: 0, max: 1e13, integer: true },
  m2m: { key: "m2mTokenRequestsPerMonth", min: 0, max: 1e12, integer: true },
  responseBytes: { key: "avgResponseBytes", min: 0, max: 10 * 1024 * 1024, integer: true },
  lambdaMs: { key: "lambdaMs", min: 1, max: 900_000, integer: false },
  memoryMb: { key: "lambdaMemoryMb", min: 128, max: 10240, integer: true },
  readShare: { key: "readShare", min: 0, max: 1, integer: false },
};
const ALLOWED = `name, plan, ${Object.keys(FIELDS).join(", ")}`;

/**
 * Reads `--scenario name=…,mau=…,requests=…[,…]`, repeatable; the optional fields are
 * `plan=LITE|ESSENTIALS|PLUS`, `m2m=…`, `responseBytes=…`, `lambdaMs=…`, `memoryMb=…` and `readShare=…`.
 */
export function parseScenarioFlags(argv: string[]): Scenario[] {
  const out: Scenario[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== "--scenario") continue;
    const spec = argv[i + 1];
    if (spec === undefined || spec.startsWith("--"))
      throw new ScenarioError("--scenario needs a value such as name=startup,mau=1000,requests=100000");
    i++;
    const s: Partial<Scenario> = { ...BASE, m2mTokenRequestsPerMonth: 0 };
    for (const part of spec.split(",")) {
      const eq = part.indexOf("=");
      if (eq <= 0) throw new ScenarioError(`--scenario "${part}" is not key=value (keys: ${ALLOWED})`);
      const k = part.slice(0, eq).trim();
      const v = part.slice(eq + 1).trim();
      if (k === "name") {
        if (!v) throw new ScenarioError("--scenario name: must not be empty");
        s.name = v;
        continue;
      }
      if (k === "plan") {
        if (!(COGNITO_PLANS as readonly string[]).includes(v))
          throw new ScenarioError(`--scenario plan: "${v}" is not a Cognito plan (${COGNITO_PLANS.join(", ")})`);
        s.cognitoPlan = v as CognitoPlan;
        continue;
      }
      const f = FIELDS[k];
      if (!f) throw new ScenarioError(`--scenario ${k}: unknown field (allowed: ${ALLOWED})`);
      const n = Number(v.replace(/_/g, ""));
      if (v === "" || !Number.isFinite(n)) throw new ScenarioError(`--scenario ${k}: "${v}" is not a number`);
      if (n < f.min || n > f.max) throw new ScenarioError(`--scenario ${k}: ${n} is outside ${f.min}..${f.max}`);
      if (f.integer && !Number.isInteger(n)) throw new ScenarioError(`--scenario ${k}: ${n} must be a whole number`);
      (s as Record<string, unknown>)[f.key] = n;
    }
    for (const need of ["mau", "requests"] as const) {
      if (s[FIELDS[need].key] === undefined) throw new ScenarioError(`--scenario ${need}: is required`);
    }
    s.name ??= `${s.mau} MAU / ${s.requestsPerMonth} requests`;
    out.push(s as Scenario);
  }
  if (out.length === 0) throw new ScenarioError("no --scenario given");
  return out;
}
