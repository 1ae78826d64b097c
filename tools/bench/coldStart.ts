import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { VARIANTS, Variant } from "./bundle";
import { Summary, roundSummary, summarize } from "./stats";

/** A variant's cold figures as whole processes: median ms, and against the empty process. */
export interface ColdFigures {
  summary: Summary;
  aboveEmptyMs: number;
  /** Median over the empty process's median. */
  ratio: number;
}

/**
 * Processes that load only Node's own modules, to read our init against:
 * - `runtimeClient`: `node:http`, which Lambda's Node.js runtime interface client loads before it
 *   loads the handler (its RAPID client requires `node:http` at module scope:
 *   https://github.com/aws/aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts),
 *   so on Lambda our init starts with it loaded;
 * - `tlsFloor`: `node:http`, `node:https` and `node:crypto`, what any handler that signs and sends
 *   its own AWS calls over TLS loads, with or without an SDK: the floor no bundle can go under.
 */
export const BASELINES = {
  runtimeClient: `require("http")`,
  tlsFloor: `require("http");require("https");require("crypto")`,
} as const;
export type Baseline = keyof typeof BASELINES;

export interface ColdStartFigures {
  runs: number;
  emptyProcess: Summary;
  /** Node's own modules only (BASELINES), above the empty process. */
  baselines: Record<Baseline, ColdFigures>;
  /** Our init above each baseline: what our own code adds (ms, medians). */
  oursAbove: Record<Baseline, number>;
  /** `node -e 'require(index.js)'` with `handler` a function: the init phase. */
  init: Record<Variant, ColdFigures>;
  /** Init plus one request (GET /notes against dynalite on loopback) answered 200: what the first caller waits for. */
  firstResponse: Record<Variant, ColdFigures>;
}

export interface FirstRequest {
  /** The REST v1 event both handlers answer with 200. */
  event: unknown;
  /** The environment of the deployed function (table, door, credentials, endpoints). */
  env: Record<string, string>;
}

/** Wall time of one `node -e script` process, from spawn to exit; throws if it fails. */
function processMs(script: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "pipe"], env });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`node -e ${script.slice(0, 60)}... exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

const initScript = (file: string) =>
  `const m=require(${JSON.stringify(file)});if(typeof m.handler!=="function")process.exit(3)`;
const firstScript = (file: string, eventFile: string) =>
  `const ` +
  (`m=require(${JSON.stringify(file)});m.handler(require(` +
    `${JSON.stringify(eventFile)})).then(r=>process.exit(r.statusCode===200?0:4),()=>process.exit(5))`);

/**
 * Cold start of each variant as whole processes, all in one run and interleaved (the order
 * rotates every round) so load on the machine hits every variant alike: an empty process, each
 * bundle's init, and each bundle's init plus its first answer. Processes are spawned
 * asynchronously so a dynalite in this process can answer the first requests.
 */
export async function coldStart(
  files: Record<Variant, string>,
  runs: number,
  first: FirstRequest,
  scratch: string,
  opts: { warmUp: boolean } = { warmUp: true },
): Promise<ColdStartFigures> {
  const eventFile = path.join(scratch, "first-event.json");
  fs.writeFileSync(eventFile, JSON.stringify(first.event));
  const initEnv = { ...process.env, NOTES_TABLE: "bench", ATTACHMENTS_BUCKET: "bench", AUTH_MODE: "cognito" };
  const firstEnv = { ...process.env, ...first.env };
  const jobs: { key: string; run: () => Promise<number> }[] = [
    { key: "empty", run: () => processMs("", initEnv) },
    ...(Object.keys(BASELINES) as Baseline[]).map((b) => ({
      key: `baseline:${b}`,
      run: () => processMs(BASELINES[b], initEnv),
    })),
    ...VARIANTS.map((v) => ({ key: `init:${v}`, run: () => processMs(initScript(files[v]), initEnv) })),
    ...VARIANTS.map((v) => ({ key: `first:${v}`, run: () => processMs(firstScript(files[v], eventFile), firstEnv) })),
  ];
  const samples: Record<string, number[]> = Object.fromEntries(jobs.map((j) => [j.key, []]));
  if (opts.warmUp) for (const j of jobs) await j.run(); // warm the file cache, and fail early
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs[(i + round) % jobs.length];
      samples[j.key].push(await j.run());
    }
  }
  const empty = summarize(samples.empty);
  const figures = (key: string): ColdFigures => {
    const s = summarize(samples[key]);
    return {
      summary: roundSummary(s, 1),
      aboveEmptyMs: Number((s.median - empty.median).toFixed(1)),
      ratio: Number((s.median / empty.median).toFixed(2)),
    };
  };
  const median = (key: string) => summarize(samples[key]).median;
  const baselineKeys = Object.keys(BASELINES) as Baseline[];
  return {
    runs,
    emptyProcess: roundSummary(empty, 1),
    baselines: Object.fromEntries(baselineKeys.map((b) => [b, figures(`baseline:${b}`)])) as Record<
      Baseline,
      ColdFigures
    >,
    oursAbove: Object.fromEntries(
      baselineKeys.map((b) => [b, Number((median("init:ours") - median(`baseline:${b}`)).toFixed(1))]),
    ) as Record<Baseline, number>,
    init: Object.fromEntries(VARIANTS.map((v) => [v, figures(`init:${v}`)])) as Record<Variant, ColdFigures>,
    firstResponse: Object.fromEntries(VARIANTS.map((v) => [v, figures(`first:${v}`)])) as Record<Variant, ColdFigures>,
  };
}
