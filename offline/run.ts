/**
 * Worker entry (forked by runStack.ts): runs the real index.ts under recording mocks, once per
 * request received over IPC, and answers with what it registered. Each run gets fresh mocks, fresh
 * config and freshly loaded project modules (index.ts, components/, handlers/, …), exactly as a
 * new process would; only the libraries (@pulumi/*, …) stay loaded, which is most of the start-up.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks } from "./mocks";
import type { RunRequest, StackRun } from "./runStack";

const ROOT = path.join(__dirname, "..");

/**
 * The project's modules are loaded afresh on every run, but their source does not change within
 * a worker's life: ts-node's transpile of a file is kept, keyed by its name and source, so a run
 * pays for executing the program, not for compiling it again.
 */
function keepTranspiledSource(): void {
  const service = (process as any)[Symbol.for("ts-node.register.instance")];
  if (!service || service.__keepsTranspiled) return;
  const compile = service.compile.bind(service);
  const done = new Map<string, string>();
  service.compile = (code: string, fileName: string, lineOffset?: number) => {
    const key = `${fileName}\0${code}`;
    let js = done.get(key);
    if (js === undefined) done.set(key, (js = compile(code, fileName, lineOffset)));
    return js;
  };
  service.__keepsTranspiled = true;
}
keepTranspiledSource();

/**
 * Modules kept across runs: this worker, its mocks, and the Lambda bundler, whose bundles depend
 * only on handlers/ sources that do not change within a worker's life (esbuild runs once per
 * entry, not once per program run).
 */
const KEPT = new Set([
  __filename,
  path.join(__dirname, "mocks.ts"),
  path.join(ROOT, "components", "backend", "bundle.ts"),
]);

/** Forgets the project's own modules (not node_modules), so the next require runs the program anew. */
function forgetProjectModules(): void {
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(ROOT + path.sep) && !id.includes(`${path.sep}node_modules${path.sep}`) && !KEPT.has(id))
      delete require.cache[id];
  }
}

async function runOnce(request: RunRequest): Promise<StackRun> {
  forgetProjectModules();
  const project = "notes-auth";
  const recorded = await installRecordingMocks(project, request.stack);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.config)) {
    if (value === undefined || value === null) continue; // an unset key, as if absent from the stack file
    config[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(
    config,
    (request.secretKeys ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`)),
  );

  // A program error (bad config, say) is caught where it is thrown, so it is reported with
  // the resources registered before it: the tests prove that list is empty.
  let failure: unknown;
  let exported: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      exported = { ...require(path.join(__dirname, "..", "index.ts")) };
      return exported;
    } catch (err) {
      failure = err;
      return {};
    }
  });
  await settle(recorded);
  return failure === undefined
    ? { resources: recorded, outputs: await plain(exported), revealedOutputs: await plain(exported, true) }
    : { resources: recorded, outputs: {}, error: failure instanceof Error ? failure.message : String(failure) };
}

/** Waits until no new resource has been registered for a few event-loop turns. */
async function settle(recorded: unknown[]): Promise<void> {
  let last = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((r) => setTimeout(r, 20));
    if (recorded.length === last) quiet++;
    else ((quiet = 0), (last = recorded.length));
  }
}

/** Stack outputs as plain JSON; secrets are marked, never printed (`reveal`: their mock values, for local mode). */
async function plain(value: any, reveal = false): Promise<any> {
  if (pulumi.Output.isInstance(value)) {
    const secret = await pulumi.isSecret(value);
    const inner = await new Promise((resolve) => value.apply(resolve));
    return secret && !reveal
      ? { secret: true, keys: inner && typeof inner === "object" ? Object.keys(inner as object) : [] }
      : plain(inner, reveal);
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => plain(v, reveal)));
  if (value && typeof value === "object") {
    if (value.__pulumiOutput || value.__pulumiResource) return undefined;
    if ("4dabf18193072939515e22adb298388d" in value) {
      // A secret after massaging: say which keys it holds, never the values.
      if (reveal) return plain(value.value, reveal);
      return { secret: true, keys: value.value && typeof value.value === "object" ? Object.keys(value.value) : [] };
    }
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await plain(v, reveal)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

// The parent is gone (its last test, or the CLI, finished): so is this worker.
process.on("disconnect", () => process.exit(0));
process.on("message", (message: { id: number; request: RunRequest }) => {
  runOnce(message.request).then(
    (run) => process.send!({ id: message.id, run }),
    (err) => process.send!({ id: message.id, failed: String(err?.stack ?? err) }),
  );
});
