/**
 * `npm run bench [-- --quick] [--out file]`: the figures people weigh when they pick a door,
 * as far as our code decides them. Prints a table and writes bench/results.json.
 * Not run in CI; a test runs `--quick` so it keeps working.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleFigures, coldInit, writeBundle } from "./bundle";
import { devLoop } from "./devLoop";
import { ROUTES, SHAPES, albVerifyFigures, requestFigures } from "./requests";
import { roundSummary } from "./stats";

export const TARGETS = {
  bundleMinifiedBytes: 100 * 1024,
  coldInitAboveEmptyMs: 25,
  ownOverheadMedianMs: 0.3,
  albVerifyCachedMedianMs: 0.5,
  planSeconds: 10,
  npmTestSeconds: 60,
};

function parseArgs(argv: string[]) {
  let quick = false;
  let out = path.join(__dirname, "..", "..", "bench", "results.json");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") quick = true;
    else if (argv[i] === "--out" && argv[i + 1]) out = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}: use --quick and --out <file>`);
  }
  return { quick, out };
}

async function main(): Promise<void> {
  const { quick, out } = parseArgs(process.argv.slice(2));
  const n = quick ? 30 : 1000;
  const bundles = bundleFigures();
  // Inside the project, so the bundle's external AWS SDK resolves from node_modules as on Lambda.
  const scratch = path.join(__dirname, "..", "..", "bench", "tmp");
  fs.mkdirSync(scratch, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(scratch, "cold-"));
  let cold;
  try {
    cold = coldInit(writeBundle(tmp), quick ? 3 : 20);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const requests = await requestFigures(n);
  const alb = await albVerifyFigures(quick ? 30 : 1000);
  const dev = devLoop({ quick, runs: quick ? 1 : 3 });
  const results = {
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}` },
    node: process.version,
    date: new Date().toISOString(),
    quick,
    requestsPerRoute: n,
    targets: TARGETS,
    bundle: bundles,
    coldInit: { emptyProcess: roundSummary(cold.emptyProcess), loadBundle: roundSummary(cold.loadBundle), aboveEmptyMedianMs: Number(cold.aboveEmptyMedianMs.toFixed(2)) },
    perRequestMs: requests,
    albVerifyMs: alb,
    devLoopSeconds: dev,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(renderTable(results) + `\nwrote ${path.relative(process.cwd(), out)}\n`);
}

export function renderTable(r: any): string {
  const lines: string[] = [];
  const ok = (good: boolean) => (good ? "ok" : "MISSED");
  lines.push(`notes-auth bench: node ${r.node}, ${r.machine.cpus} cores, ${r.quick ? "quick" : "full"} run, ${r.requestsPerRoute} requests per route`);
  for (const b of r.bundle) lines.push(`bundle ${b.entry}: ${b.minifiedBytes} B minified, ${b.gzippedBytes} B gzipped  [target < ${TARGETS.bundleMinifiedBytes} B: ${ok(b.minifiedBytes < TARGETS.bundleMinifiedBytes)}]`);
  lines.push(`cold init: ${r.coldInit.aboveEmptyMedianMs} ms above an empty process (median; empty ${r.coldInit.emptyProcess.median} ms)  [target < ${TARGETS.coldInitAboveEmptyMs} ms: ${ok(r.coldInit.aboveEmptyMedianMs < TARGETS.coldInitAboveEmptyMs)}]`);
  lines.push("per request, ms (p50 / p99):  dynalite  |  storage stubbed (our overhead)");
  for (const shape of SHAPES) {
    for (const route of ROUTES) {
      const d = r.perRequestMs.dynalite[shape][route];
      const s = r.perRequestMs.stubbedStorage[shape][route];
      lines.push(`  ${shape.padEnd(8)} ${route.padEnd(8)} ${String(d.p50).padStart(8)} / ${String(d.p99).padEnd(8)} | ${String(s.p50).padStart(8)} / ${s.p99}`);
    }
  }
  lines.push(`ALB verification: cached key ${r.albVerifyMs.cachedKey.median} ms  [target < ${TARGETS.albVerifyCachedMedianMs}: ${ok(r.albVerifyMs.cachedKey.median < TARGETS.albVerifyCachedMedianMs)}], cache miss ${r.albVerifyMs.cacheMiss.median} ms (median)`);
  for (const [mode, s] of Object.entries(r.devLoopSeconds.planPerMode) as [string, any][]) lines.push(`npm run plan (${mode}): ${s.median.toFixed(2)} s  [target < ${TARGETS.planSeconds} s: ${ok(s.median < TARGETS.planSeconds)}]`);
  if (r.devLoopSeconds.npmTest) lines.push(`npm test: ${r.devLoopSeconds.npmTest.median.toFixed(1)} s  [target < ${TARGETS.npmTestSeconds} s: ${ok(r.devLoopSeconds.npmTest.median < TARGETS.npmTestSeconds)}]`);
  if (r.devLoopSeconds.compare) lines.push(`npm run compare (all five doors, no write): ${r.devLoopSeconds.compare.median.toFixed(2)} s`);
  return lines.join("\n");
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`error: ${err instanceof Error ? err.stack : err}\n`);
    process.exit(2);
  });
}
