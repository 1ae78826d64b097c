/**
 * `npm run compare [-- --mode <m> | --migrate <old>,<new>] [--days n] [--scenario name=…,mau=…,requests=…]`
 *
 * Runs the real program under mocks for every door, writes docs/comparison.md and
 * docs/cost-chart.svg, and prints the same report. With --mode it prints one door alone and
 * writes nothing; with --migrate the two doors and what migrating from one to the other costs
 * (printed only); with --scenario the scenarios replace the defaults, and --days the migration
 * period (both printed only, unless --write is given too); --no-write prints the full report
 * without touching docs/.
 */
import * as fs from "fs";
import * as path from "path";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { DEFAULT_REVOCATION_CACHE_SECONDS } from "../../handlers/contract/stack";
import { DEFAULT_SCENARIOS, Scenario, parseScenarioFlags } from "./scenarios";
import { capabilityMatrix } from "./matrix";
import { runDoors } from "./runs";
import { chartPoints, doorMeters, renderReport } from "./report";
import { renderChartSvg } from "./chart";
import { CommandSpec, exitWith, parseCommandLine } from "../../offline/cliArgs";
import { DEFAULT_MIGRATION_DAYS, MAX_MIGRATION_DAYS, Migration, sensibleMigrations } from "./migration";
import {
  REVOCATION_FILE,
  measureRevocation,
  readRevocationRecord,
  tokenDoors,
  writeRevocationRecord,
} from "./revocation";

/** The per-container cache of revocation answers, when `revocationCacheSeconds` is unset. */
export const REVOCATION_CACHE_SECONDS = DEFAULT_REVOCATION_CACHE_SECONDS;

export const DOCS_DIR = path.join(__dirname, "..", "..", "docs");
export const REPORT_FILE = path.join(DOCS_DIR, "comparison.md");
export const CHART_FILE = path.join(DOCS_DIR, "cost-chart.svg");
export const DOOR_CHART_FILE = path.join(DOCS_DIR, "cost-chart-door.svg");

export interface CompareOptions {
  modes: AuthMode[];
  scenarios: Scenario[];
  /** The two-door migrations to price: the one `--migrate` names, or every sensible pair of `modes`. */
  migrations: Migration[];
  /** Write docs/ (the default for a full, default run). */
  write: boolean;
  /** Measure the revocation windows in local mode first, and write tools/compare/revocation-windows.json. */
  measureRevocation: boolean;
}

/** `npm run compare`'s flags (its `--help` is made from them). */
export const COMPARE_COMMAND: CommandSpec = {
  name: "npm run compare",
  summary:
    "Runs the program under mocks for every door and prints (and by default writes) docs/comparison.md and its charts.",
  flags: {
    mode: {
      type: "string",
      value: `<${AUTH_MODES.join("|")}>`,
      description: "one door alone (printed only, unless --write)",
    },
    scenario: {
      type: "string",
      value: "name=…,mau=…,requests=…",
      multiple: true,
      description: "a cost scenario; the scenarios given replace the defaults (printed only, unless --write)",
    },
    migrate: {
      type: "string",
      value: "<old>,<new>",
      description: "the two doors and what a migration from the first to the second costs (printed only)",
    },
    days: {
      type: "string",
      value: "<n>",
      default: String(DEFAULT_MIGRATION_DAYS),
      description: `days both doors run during a migration, 1 to ${MAX_MIGRATION_DAYS} (printed only, unless --write)`,
    },
    write: { type: "boolean", description: "write docs/ (the default for a full run with the default scenarios)" },
    "measure-revocation": {
      type: "boolean",
      description:
        "first start every token door locally with and without revocation, run the contract's revocation checks, " +
        "and write what they measured to tools/compare/revocation-windows.json (about two minutes)",
    },
    "no-write": { type: "boolean", description: "print the full report without touching docs/" },
  },
};

/** Parses the command line; a bad flag is an Error that says what is allowed. */
export function parseCompareArgs(argv: string[]): CompareOptions {
  const { values, order } = parseCommandLine(COMPARE_COMMAND, argv);
  let modes: AuthMode[] = [...AUTH_MODES];
  if (values.mode !== undefined) {
    const m = values.mode as string;
    if (!(AUTH_MODES as readonly string[]).includes(m))
      throw new Error(`--mode "${m}" is not a door: use one of ${AUTH_MODES.join(", ")}`);
    modes = [m as AuthMode];
  }
  const days = parseDays(values.days as string | undefined);
  let migrations: Migration[] | undefined;
  if (values.migrate !== undefined) {
    if (values.mode !== undefined)
      throw new Error("--mode and --migrate: give one of them (--migrate shows two doors)");
    const pair = (values.migrate as string).split(",").map((d) => d.trim());
    const bad = pair.find((d) => !(AUTH_MODES as readonly string[]).includes(d));
    if (pair.length !== 2 || bad !== undefined || pair[0] === pair[1])
      throw new Error(
        `--migrate "${values.migrate}" is not two different doors <old>,<new>` +
          `${bad !== undefined ? ` ("${bad}" is not a door)` : ""}: use two of ${AUTH_MODES.join(", ")}`,
      );
    modes = pair as AuthMode[];
    migrations = [{ from: modes[0], to: modes[1], days }];
  }
  // The last of --write and --no-write wins, as before.
  const last = order.filter((f) => f === "write" || f === "no-write").pop();
  const write = last === undefined ? undefined : last === "write";
  const scenarioArgs = ((values.scenario as string[] | undefined) ?? []).flatMap((v) => ["--scenario", v]);
  const scenarios = scenarioArgs.length > 0 ? parseScenarioFlags(scenarioArgs) : DEFAULT_SCENARIOS;
  const full = modes.length === AUTH_MODES.length;
  const measure = values["measure-revocation"] === true;
  if (measure && !full) throw new Error("--measure-revocation measures every token door: give no --mode or --migrate");
  return {
    measureRevocation: measure,
    modes,
    scenarios,
    migrations: migrations ?? sensibleMigrations(modes, days),
    write: write ?? (full && scenarioArgs.length === 0 && days === DEFAULT_MIGRATION_DAYS),
  };
}

/** `--days`: a whole number of days from 1 to MAX_MIGRATION_DAYS. */
function parseDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MIGRATION_DAYS;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_MIGRATION_DAYS)
    throw new Error(`--days "${value}" is not a whole number of days from 1 to ${MAX_MIGRATION_DAYS}`);
  return n;
}

/** Builds the report (and the chart when writing). */
export async function buildComparison(
  opts: CompareOptions,
): Promise<{ markdown: string; svg?: string; doorSvg?: string }> {
  const runs = await runDoors(opts.modes);
  const matrix = capabilityMatrix(runs, opts.modes);
  const chartFiles = opts.write
    ? { total: path.basename(CHART_FILE), door: path.basename(DOOR_CHART_FILE) }
    : undefined;
  const markdown = renderReport({
    modes: opts.modes,
    runs,
    matrix,
    scenarios: opts.scenarios,
    chartFiles,
    migrations: opts.migrations,
    revocation: { record: readRevocationRecord(), cacheSeconds: REVOCATION_CACHE_SECONDS },
  });
  if (!opts.write) return { markdown };
  const like = opts.scenarios[0];
  const meters = Object.fromEntries(opts.modes.map((m) => [m, doorMeters(runs, m)]));
  return {
    markdown,
    svg: await renderChartSvg(chartPoints(opts.modes, like, "total", meters), "Monthly cost by front door (us-east-1)"),
    doorSvg: await renderChartSvg(
      chartPoints(opts.modes, like, "door"),
      "What the front door itself costs per month (us-east-1)",
    ),
  };
}

/**
 * Measures the revocation windows of every token door in local mode (tools/compare/revocation.ts) and writes
 * tools/compare/revocation-windows.json; the number of checks that failed (their rows say so).
 */
async function measureAndRecord(): Promise<number> {
  const doors = tokenDoors(await runDoors(AUTH_MODES));
  process.stderr.write(`measuring the revocation window at ${doors.map((d) => d.door).join(", ")}\n`);
  const record = await measureRevocation(doors, {
    // Without revocation, watch the signed-out token as long as a door with revocation may take to refuse it.
    watchSeconds: REVOCATION_CACHE_SECONDS + 2,
    log: (line) => void process.stderr.write(`  ${line}\n`),
  });
  writeRevocationRecord(record);
  process.stderr.write(`wrote ${path.relative(process.cwd(), REVOCATION_FILE)}\n`);
  return record.runs.flatMap((r) => r.checks).filter((c) => c.outcome === "failed").length;
}

async function main(): Promise<void> {
  const opts = parseCompareArgs(process.argv.slice(2));
  const failed = opts.measureRevocation ? await measureAndRecord() : 0;
  const { markdown, svg, doorSvg } = await buildComparison(opts);
  process.stdout.write(markdown);
  if (opts.write) {
    fs.mkdirSync(DOCS_DIR, { recursive: true });
    fs.writeFileSync(REPORT_FILE, markdown);
    fs.writeFileSync(CHART_FILE, svg!);
    fs.writeFileSync(DOOR_CHART_FILE, doorSvg!);
    process.stderr.write(
      `\nwrote ${[REPORT_FILE, CHART_FILE, DOOR_CHART_FILE].map((f) => path.relative(process.cwd(), f)).join(", ")}\n`,
    );
  }
  if (failed) {
    process.stderr.write(`${failed} revocation checks failed (their rows in the report say so)\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch(exitWith);
}
