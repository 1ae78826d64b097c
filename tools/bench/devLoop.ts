import * as path from "path";
import { spawnSync } from "child_process";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { DOORS } from "../../components/doors/registry";
import { Summary, summarize } from "./stats";

const ROOT = path.join(__dirname, "..", "..");

/** Wall time of one command in the project root, in seconds; throws if it fails. */
export function commandSeconds(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NOTES_AUTH_BENCH_CHILD: "1" },
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.slice(-4000)}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** `npm run plan` arguments for a door with its minimal config on top of the dev stack. */
export function planArgs(mode: AuthMode): string[] {
  const sets = Object.entries({ authMode: mode, ...DOORS[mode].minimalConfig }).flatMap(([k, v]) => [
    "--set",
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
  ]);
  return ["run", "-s", "plan", "--", ...sets];
}

export interface DevLoopFigures {
  /** Seconds; absent in --quick runs (a test runs --quick, and must not run npm test). */
  npmTest?: Summary;
  planPerMode: Partial<Record<AuthMode, Summary>>;
  compare?: Summary;
}

export function devLoop(opts: { quick: boolean; runs: number }): DevLoopFigures {
  const modes: AuthMode[] = opts.quick ? ["cognito"] : [...AUTH_MODES];
  const planPerMode: Partial<Record<AuthMode, Summary>> = {};
  for (const m of modes)
    planPerMode[m] = summarize(Array.from({ length: opts.runs }, () => commandSeconds("npm", planArgs(m))));
  if (opts.quick) return { planPerMode };
  return {
    planPerMode,
    npmTest: summarize(Array.from({ length: opts.runs }, () => commandSeconds("npm", ["test", "--silent"]))),
    compare: summarize(
      Array.from({ length: opts.runs }, () => commandSeconds("npm", ["run", "-s", "compare", "--", "--no-write"])),
    ),
  };
}
