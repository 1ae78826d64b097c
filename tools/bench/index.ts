/**
 * `npm run bench [-- --quick] [--out file]`: the figures people weigh when they pick a door,
 * as far as our code decides them. Prints a table and writes tools/bench/results.json (a full run) or
 * tools/bench/tmp/quick-results.json (--quick: a smoke run never replaces the committed full-run figures).
 * Not run in CI; a test runs `--quick` so it keeps working.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VARIANTS, VARIANT_LABELS, bundleFigures, writeVariants } from "./bundle";
import { AUTH_MODES } from "../../components/config";
import { BASELINES, Baseline, coldStart } from "./coldStart";
import { devLoop } from "./devLoop";
import { CommandSpec, HelpRequested, UsageError, exitWith, parseCommandLine } from "../../offline/cliArgs";
import { ROUTES, SHAPES, albVerifyFigures, benchTable, deployedEnv, requestFigures, restEvent } from "./requests";
import { RevocationFigures, revocationFigures } from "./revocation";

/** Targets of issue 14 (cold start) and of the first benchmark. */
export const TARGETS = {
  bundleMinifiedBytes: 100 * 1024,
  coldInitAboveEmptyMs: 15,
  coldInitRatio: 1.3,
  /** Ours above empty, as a share of the conventional bundled handler's above empty. */
  versusConventionalShare: 0.25,
  ownOverheadMedianMs: 0.3,
  albVerifyCachedMedianMs: 0.5,
  planSeconds: 10,
  /** The team's rule: `npm test` under 3 minutes on the 2-core machine. */
  npmTestSeconds: 180,
};

const BENCH_DIR = __dirname;
/** The committed figures of a full run, which docs/performance.md quotes. */
export const FULL_RESULTS = path.join(BENCH_DIR, "results.json");
/** Where a --quick run writes by default: tools/bench/tmp/ is git-ignored. */
export const QUICK_RESULTS = path.join(BENCH_DIR, "tmp", "quick-results.json");

/** `npm run bench`'s flags (its `--help` is made from them). */
export const BENCH_COMMAND: CommandSpec = {
  name: "npm run bench",
  summary: "Measures the handler's cold and warm starts and bundle sizes, and writes the figures as JSON.",
  flags: {
    quick: { type: "boolean", description: "a short run that only proves the harness works (30 rounds, no warm-up)" },
    out: {
      type: "string",
      value: "<file>",
      description:
        `where to write the figures (default: ${path.relative(process.cwd(), FULL_RESULTS)}, or ` +
        `${path.relative(process.cwd(), QUICK_RESULTS)} with --quick)`,
    },
    "revocation-only": {
      type: "boolean",
      description:
        "measure only what revocation adds per request, and put it into the figures file beside the other figures " +
        "(their run's date stays theirs; these figures carry their own)",
    },
  },
};

/**
 * `[--quick] [--out file] [--revocation-only]`; without --out a quick run writes QUICK_RESULTS, a full run (or
 * --revocation-only) FULL_RESULTS.
 */
export function parseBenchArgs(argv: string[]): { quick: boolean; out: string; revocationOnly: boolean } {
  const { values } = parseCommandLine(BENCH_COMMAND, argv);
  const quick = values.quick === true;
  const out = values.out === undefined ? undefined : path.resolve(values.out as string);
  return {
    quick,
    out: out ?? (quick ? QUICK_RESULTS : FULL_RESULTS),
    revocationOnly: values["revocation-only"] === true,
  };
}

/** The machine a run measures on. */
const machine = () => ({
  cpus: os.cpus().length,
  model: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.arch()}`,
});

/** What revocation adds per request, measured alone and put into an existing figures file with its own stamp. */
export async function revocationOnly(out: string, n: number): Promise<void> {
  if (!fs.existsSync(out)) throw new UsageError(`--revocation-only adds to an existing figures file: ${out} has none`);
  const results = JSON.parse(fs.readFileSync(out, "utf8"));
  results.revocationMs = {
    ...(await revocationFigures(n)),
    measured: { date: new Date().toISOString(), node: process.version, machine: machine(), requests: n },
  };
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`${revocationLine(results.revocationMs)}\nwrote ${path.relative(process.cwd(), out)}\n`);
}

async function main(): Promise<void> {
  const { quick, out, revocationOnly: only } = parseBenchArgs(process.argv.slice(2));
  const n = quick ? 30 : 1000;
  if (only) return revocationOnly(out, n);
  const bundles = bundleFigures();
  // Inside the project, so the external AWS SDK of the conventional variant resolves from node_modules as on Lambda.
  const scratch = path.join(__dirname, "tmp");
  fs.mkdirSync(scratch, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(scratch, "cold-"));
  const db = await benchTable();
  let cold;
  try {
    const first = {
      event: restEvent({ method: "GET", path: "/notes" }, "66666666-6666-4666-8666-666666666666"),
      env: deployedEnv(db.endpoint),
    };
    // --quick only proves the harness runs (a spec runs it): two rounds, no warm-up.
    cold = await coldStart(writeVariants(tmp), quick ? 2 : 20, first, tmp, { warmUp: !quick });
  } finally {
    await db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const requests = await requestFigures(n);
  const alb = await albVerifyFigures(quick ? 30 : 1000);
  const revocation = await revocationFigures(n);
  const dev = devLoop({ quick, runs: quick ? 1 : 3 });
  const results = {
    machine: machine(),
    node: process.version,
    date: new Date().toISOString(),
    quick,
    requestsPerRoute: n,
    targets: TARGETS,
    bundle: bundles,
    coldStart: cold,
    perRequestMs: requests,
    albVerifyMs: alb,
    revocationMs: revocation,
    devLoopSeconds: dev,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  const kept =
    quick && path.resolve(out) !== FULL_RESULTS
      ? ` (a quick run: ${path.relative(process.cwd(), FULL_RESULTS)} keeps the full run's figures)`
      : "";
  process.stdout.write(renderTable(results) + `\nwrote ${path.relative(process.cwd(), out)}${kept}\n`);
}

/** What revocation adds to GET /me, in one line. */
function revocationLine(v: RevocationFigures): string {
  return (
    `revocation, GET /me at the cognito door, median (p99): off ${v.off.median} (${v.off.p99}) ms, session ` +
    `cached ${v.cacheHit.median} (${v.cacheHit.p99}) ms [+${v.added.cacheHit}], cache miss (one GetItem, ` +
    `dynalite) ${v.cacheMiss.median} (${v.cacheMiss.p99}) ms [+${v.added.cacheMiss}]`
  );
}

export function renderTable(r: any): string {
  const lines: string[] = [];
  const ok = (good: boolean) => (good ? "ok" : "MISSED");
  lines.push(
    `notes-auth bench: node ${r.node}, ${r.machine.cpus} cores, ${r.quick ? "quick" : "full"} run, ` +
      `${r.requestsPerRoute} requests per route`,
  );
  const c = r.coldStart;
  const conv = c.init.conventional.aboveEmptyMs;
  lines.push(
    `cold start, whole processes, medians of ${c.runs} interleaved runs (empty node: ${c.emptyProcess.median} ms):`,
  );
  lines.push(`  ${"".padEnd(70)} ${"init".padStart(18)} ${"init + 1st answer".padStart(20)}   bundle`);
  for (const v of VARIANTS) {
    const i = c.init[v];
    const f = c.firstResponse[v];
    const b = r.bundle.find((x: any) => x.variant === v);
    lines.push(
      `  ${VARIANT_LABELS[v].padEnd(70)} ${`+${i.aboveEmptyMs} ms ${i.ratio}x`.padStart(18)} ` +
        `${`+${f.aboveEmptyMs} ms ${f.ratio}x`.padStart(20)}   ${(b.minifiedBytes / 1024).toFixed(1)} KB`,
    );
  }
  const BASELINE_LABELS: Record<Baseline, string> = {
    runtimeClient: "node:http only (what Lambda's runtime client has loaded before our init)",
    tlsFloor: "node:http + https + crypto only (the floor for any handler calling AWS over TLS)",
  };
  for (const b of Object.keys(BASELINES) as Baseline[]) {
    const i = c.baselines[b];
    lines.push(
      `  ${BASELINE_LABELS[b].padEnd(70)} ${`+${i.aboveEmptyMs} ms ${i.ratio}x`.padStart(18)}   ours is ` +
        `+${c.oursAbove[b]} ms above it`,
    );
  }
  const ours = c.init.ours;
  const bOurs = r.bundle.find((x: any) => x.variant === "ours");
  lines.push(
    `  targets: ours +${ours.aboveEmptyMs} ms [<= ${TARGETS.coldInitAboveEmptyMs}: ` +
      `${ok(ours.aboveEmptyMs <= TARGETS.coldInitAboveEmptyMs)}], ${ours.ratio}x [<= ${TARGETS.coldInitRatio}: ` +
      `${ok(ours.ratio <= TARGETS.coldInitRatio)}], ` +
      (`${(ours.aboveEmptyMs / conv).toFixed(2)} of the conventional's [<= ${TARGETS.versusConventionalShare}: ` +
        `${ok(ours.aboveEmptyMs <= TARGETS.versusConventionalShare * conv)}], `) +
      (`bundle ${bOurs.minifiedBytes} B [< ${TARGETS.bundleMinifiedBytes}: ` +
        `${ok(bOurs.minifiedBytes < TARGETS.bundleMinifiedBytes)}]`),
  );
  lines.push("per request, ms (p50 / p99):  dynalite  |  storage stubbed (our overhead)");
  for (const shape of SHAPES) {
    for (const route of ROUTES) {
      const d = r.perRequestMs.dynalite[shape][route];
      const s = r.perRequestMs.stubbedStorage[shape][route];
      lines.push(
        `  ${shape.padEnd(8)} ${route.padEnd(8)} ${String(d.p50).padStart(8)} / ${String(d.p99).padEnd(8)} | ` +
          `${String(s.p50).padStart(8)} / ${s.p99}`,
      );
    }
  }
  lines.push("per request against dynalite, REST v1, ms (p50 / p99):  ours  |  conventional (SDK v3)");
  for (const route of ROUTES) {
    const o = r.perRequestMs.dynalite["rest-v1"][route];
    const k = r.perRequestMs.conventional["rest-v1"][route];
    lines.push(
      `  ${route.padEnd(8)} ${String(o.p50).padStart(8)} / ${String(o.p99).padEnd(8)} | ` +
        `${String(k.p50).padStart(8)} / ${k.p99}`,
    );
  }
  lines.push(
    `ALB verification: cached key ${r.albVerifyMs.cachedKey.median} ms  [target < ` +
      `${TARGETS.albVerifyCachedMedianMs}: ` +
      `${ok(r.albVerifyMs.cachedKey.median < TARGETS.albVerifyCachedMedianMs)}], cache miss ` +
      `${r.albVerifyMs.cacheMiss.median} ms (median)`,
  );
  if (r.revocationMs) lines.push(revocationLine(r.revocationMs));
  for (const [mode, s] of Object.entries(r.devLoopSeconds.planPerMode) as [string, any][])
    lines.push(
      `npm run plan (${mode}): ${s.median.toFixed(2)} s  [target < ${TARGETS.planSeconds} s: ` +
        `${ok(s.median < TARGETS.planSeconds)}]`,
    );
  if (r.devLoopSeconds.npmTest)
    lines.push(
      `npm test: ${r.devLoopSeconds.npmTest.median.toFixed(1)} s  [target < ${TARGETS.npmTestSeconds} s: ` +
        `${ok(r.devLoopSeconds.npmTest.median < TARGETS.npmTestSeconds)}]`,
    );
  if (r.devLoopSeconds.compare)
    lines.push(
      `npm run compare (all ${AUTH_MODES.length} doors and their variants, no write): ` +
        `${r.devLoopSeconds.compare.median.toFixed(2)} s`,
    );
  return lines.join("\n");
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof HelpRequested || err instanceof UsageError) exitWith(err);
    process.stderr.write(`error: ${err instanceof Error ? err.stack : err}\n`);
    process.exit(2);
  });
}
