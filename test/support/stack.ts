import * as assert from "assert";
import { AuthMode } from "../../components/config";
import { doorConfig } from "../../components/doors/registry";
import { RecordedResource } from "../../offline/mocks";
import { OFFLINE_STACK, StackRun, resourcesUnder, runStack } from "../../offline/runStack";
import { ProjectFile, SECRET_KEYS, readProject, stackConfigRefusal } from "../../components/pulumiConfig";

let loaded: ProjectFile | undefined;
const project = () => (loaded ??= readProject());

export { resourcesUnder };
export type { StackRun, RecordedResource };

/**
 * Runs the real program under mocks for a door (memoized per config). The config must be one the
 * Pulumi CLI would pass to the program (components/pulumiConfig.ts: Pulumi.yaml's rules), so no
 * spec relies on a stack `pulumi up` would refuse.
 */
export async function runMode(mode: AuthMode, extra: Record<string, unknown> = {}): Promise<StackRun> {
  const config = doorConfig(mode, extra);
  // Secret keys are given encrypted, as `pulumi config set --secret` would (the program refuses plain text).
  const secretKeys = SECRET_KEYS.filter((k) => config[k] !== undefined);
  assert.equal(
    stackConfigRefusal(OFFLINE_STACK, project(), { values: config, secure: secretKeys }),
    undefined,
    `${mode} ${JSON.stringify(extra)}`,
  );
  const run = await runStack({ stack: OFFLINE_STACK, config, ...(secretKeys.length > 0 ? { secretKeys } : {}) });
  assert.equal(run.error, undefined, `the ${mode} stack failed: ${run.error}`);
  return run;
}

/** All recorded resources of a type. */
export function ofType(run: StackRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The one recorded resource of a type and name; fails the test when absent. */
export function one(run: StackRun, type: string, name?: string): RecordedResource {
  const found = ofType(run, type).filter((r) => name === undefined || r.name === name);
  assert.equal(
    found.length,
    1,
    `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`,
  );
  return found[0];
}

/** A policy document input, parsed, with statements always as an array. */
export function policy(doc: unknown): { Statement: any[] } {
  const parsed = typeof doc === "string" ? JSON.parse(doc) : doc;
  const statements = Array.isArray((parsed as any).Statement) ? (parsed as any).Statement : [(parsed as any).Statement];
  return { Statement: statements };
}

/** Every action/resource of a statement as arrays. */
export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? [...v] : [v]);

/** Every IAM policy document the stack writes, with the resource that holds it. */
export function allPolicies(run: StackRun): { holder: string; doc: { Statement: any[] } }[] {
  const fields: Record<string, string> = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
  };
  return run.resources
    .filter((r) => fields[r.type] && r.inputs[fields[r.type]])
    .map((r) => ({ holder: `${r.type} ${r.name}`, doc: policy(r.inputs[fields[r.type]]) }));
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A recorded input that may be a Pulumi secret: its value, and whether it was secret. */
export function unsecret<T = any>(v: unknown): { secret: boolean; value: T } {
  if (v && typeof v === "object" && SECRET_SIG in (v as object)) return { secret: true, value: (v as any).value };
  return { secret: false, value: v as T };
}
