import { AuthMode } from "../../components/config";
import { doorConfig } from "../../components/doors/registry";
import { doorReport } from "../../components/doors/reportRegistry";
import { SECRET_KEYS } from "../../components/pulumiConfig";
import { OFFLINE_STACK, StackRun, resourcesUnder, runStack } from "../../offline/runStack";

export interface DoorRuns {
  /** The door's minimal stack. */
  base: Record<AuthMode, StackRun>;
  /** Each door's variants (its module's `variants`), by `<mode>:<variant>`. */
  variant: Record<string, StackRun>;
}

/** Runs each door and its variants under mocks; memoized, so tests that ran them share them. */
export async function runDoors(modes: readonly AuthMode[]): Promise<DoorRuns> {
  const base = {} as Record<AuthMode, StackRun>;
  const variant: Record<string, StackRun> = {};
  const jobs: Promise<void>[] = [];
  for (const mode of modes) {
    jobs.push(runChecked(mode, {}).then((r) => void (base[mode] = r)));
    for (const [name, extra] of Object.entries(doorReport(mode).variants)) {
      jobs.push(runChecked(mode, extra).then((r) => void (variant[`${mode}:${name}`] = r)));
    }
  }
  await Promise.all(jobs); // runStack runs one program per core at a time
  return { base, variant };
}

async function runChecked(mode: AuthMode, extra: Record<string, unknown>): Promise<StackRun> {
  const secretKeys = SECRET_KEYS.filter((k) => extra[k] !== undefined);
  const run = await runStack({
    stack: OFFLINE_STACK,
    config: doorConfig(mode, extra),
    ...(secretKeys.length > 0 ? { secretKeys } : {}),
  });
  if (run.error) throw new Error(`the ${mode} stack did not build: ${run.error}`);
  return run;
}

/** Custom (non-component) resources, counted by type. */
export function countByType(run: StackRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources.filter((r) => r.custom)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** URNs of the custom resources under a component type. */
export function urnsUnder(run: StackRun, componentType: string): string[] {
  return resourcesUnder(run, componentType)
    .filter((r) => r.custom)
    .map((r) => r.urn)
    .sort();
}
