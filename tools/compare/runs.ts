import { AuthMode } from "../../components/config";
import { doorConfig } from "../../components/doors/registry";
import { doorReport } from "../../components/doors/reportRegistry";
import { SECRET_KEYS } from "../../components/pulumiConfig";
import { OFFLINE_STACK, StackRun, resourcesUnder, runStack } from "../../offline/runStack";
import type { RecordedResource } from "../../offline/mocks";
import { diffRuns } from "../planDiff";

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

/** The door's run for a config over its minimal one; fails when the program stops. */
export async function runChecked(mode: AuthMode, extra: Record<string, unknown>): Promise<StackRun> {
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

/**
 * What a stack running these one-door runs' doors at once would record, as far as single-door runs
 * tell: the first run's resources, and every other run's that are its door's own or that `pulumi
 * up` would create, update or replace going from the first (tools/planDiff.ts's diffRuns). What
 * the runs share unchanged (the backend, the user pool, the stack's identities, the alarms on the
 * function) is there once; each door's own resources (its API, its stage, the alarms on them) once
 * per door, even where two REST doors' single-door runs give them one URN (the one `door-api`).
 * When the program records several doors in one run, that run replaces this.
 */
export function besideResources(runs: readonly StackRun[]): RecordedResource[] {
  const [first, ...others] = runs;
  const out = [...first.resources];
  for (const run of others) {
    const changed = new Set(
      diffRuns(first.resources, run.resources)
        .filter((c) => c.change !== "delete")
        .map((c) => c.urn),
    );
    const own = doorsOwn(run);
    out.push(...run.resources.filter((r) => changed.has(r.urn) || own.has(r.urn)));
  }
  return out;
}

/** A door component's token prefix (components/doors/<mode>/component.ts, components/rest/). */
const DOOR_TYPE_PREFIX = "notes-auth:door:";

/**
 * The URNs of a run's door resources: those inside a door component, those that depend on one (an
 * alarm on the door's API, a metric filter on its access logs) but are not the backend's (the
 * function's environment names the door, but the function serves every door), and the alarms on a
 * metric such a filter publishes (they name the metric, not the filter).
 */
function doorsOwn(run: StackRun): Set<string> {
  const chain = (urn: string) => urn.split("::")[2]?.split("$") ?? [];
  const own = new Set(
    run.resources.filter((r) => chain(r.urn).some((t) => t.startsWith(DOOR_TYPE_PREFIX))).map((r) => r.urn),
  );
  const backend = new Set(urnsUnder(run, "notes-auth:backend:NotesBackend"));
  for (const r of run.resources)
    if (!backend.has(r.urn) && (r.dependencies ?? []).some((d) => own.has(d))) own.add(r.urn);
  const metric = (namespace: unknown, name: unknown) => `${namespace}/${name}`;
  const published = new Set(
    run.resources
      .filter((r) => own.has(r.urn) && r.type === "aws:cloudwatch/logMetricFilter:LogMetricFilter")
      .map((r) => metric(r.inputs.metricTransformation?.namespace, r.inputs.metricTransformation?.name)),
  );
  for (const r of run.resources)
    if (
      r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" &&
      published.has(metric(r.inputs.namespace, r.inputs.metricName))
    )
      own.add(r.urn);
  return own;
}
