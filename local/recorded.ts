import { RecordedResource } from "../offline/mocks";
import { StackRun, readStackFile, runStack } from "../offline/runStack";

/**
 * The program as local mode sees it: the resources the real `index.ts` registered under the
 * recording mocks (offline/), with the ids and outputs the mocks gave them. Every local service
 * is configured from this, never from a second, hand-written copy of the stack.
 */
export interface RecordedProgram {
  readonly run: StackRun;
  /** All recorded resources of a type token, e.g. `aws:apigateway/method:Method`. */
  ofType(type: string): RecordedResource[];
  /** The provider id the mocks gave a resource (what other resources' inputs refer to). */
  idOf(r: RecordedResource): string;
  /** The outputs the mocks gave a resource (arn, executionArn, rootResourceId, …). */
  stateOf(r: RecordedResource): Record<string, any>;
  /** The resource of a type whose id is `id`; undefined if none. */
  byId(type: string, id: string): RecordedResource | undefined;
}

export function recordedProgram(run: StackRun): RecordedProgram {
  const ofType = (type: string) => run.resources.filter((r) => r.type === type);
  return {
    run,
    ofType,
    idOf: (r) => String(r.state.id),
    stateOf: (r) => r.state,
    byId: (type, id) => ofType(type).find((r) => r.state.id === id),
  };
}

/** Which stack config to run: `--stack`'s file, `--set` overrides, and the door. */
export interface StackChoice {
  stack: string;
  overrides: Record<string, unknown>;
  /** `--door`: the authMode, over the stack file's. */
  door?: string;
}

/** The stack config as `npm run plan` builds it: Pulumi.<stack>.yaml, then overrides, then the door. */
export function stackConfig(choice: StackChoice): Record<string, unknown> {
  return { ...readStackFile(choice.stack), ...choice.overrides, ...(choice.door ? { authMode: choice.door } : {}) };
}

/** Runs the real program under mocks for that config (memoized per config, as for the plan and the tests). */
export async function recordStack(choice: StackChoice): Promise<StackRun> {
  const config = stackConfig(choice);
  const run = await runStack({ stack: choice.stack, config, secretKeys: Object.keys(config).filter((k) => config[k] === "<secure>") });
  if (run.error) throw new Error(`the program stopped: ${run.error}`);
  return run;
}

/** A deep copy of a run, for tests that alter a recorded input. */
export function copyRun(run: StackRun): StackRun {
  return JSON.parse(JSON.stringify(run));
}
