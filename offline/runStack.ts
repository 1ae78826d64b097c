import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFile } from "child_process";
import type { RecordedResource } from "./mocks";

/** What to run: a stack name and its `notes-auth:*` (and `aws:*`) config. */
export interface RunRequest {
  stack: string;
  /** Keys without a namespace are `notes-auth:` keys; lists and objects are JSON-encoded. */
  config: Record<string, unknown>;
  /** Keys to mark secret, as `pulumi config set --secret` would. */
  secretKeys?: string[];
}

/** What the program registered, its stack outputs, and the error that stopped it, if any. */
export interface StackRun {
  resources: RecordedResource[];
  outputs: Record<string, any>;
  /** The same outputs with secrets' (mock) values in place: what local mode maps to its own values. Never printed. */
  revealedOutputs?: Record<string, any>;
  error?: string;
}

const ROOT = path.join(__dirname, "..");

/** The stack name of offline runs of the door configs (it only shows in derived names such as the Cognito domain). */
export const OFFLINE_STACK = "test";
const cache = new Map<string, Promise<StackRun>>();

/** Runs the real program under mocks in a fresh Node process (memoized per request). */
export function runStack(request: RunRequest): Promise<StackRun> {
  const key = JSON.stringify(request);
  let run = cache.get(key);
  if (!run) {
    run = spawnRun(request);
    cache.set(key, run);
  }
  return run;
}

/** At most one program run per core at a time; the rest wait their turn. */
const slots = { free: Math.max(1, os.cpus().length), waiting: [] as (() => void)[] };
async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.free--;
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

function spawnRun(request: RunRequest): Promise<StackRun> {
  return withSlot(() => spawnRunNow(request));
}

function spawnRunNow(request: RunRequest): Promise<StackRun> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-run-")), "run.json");
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "run.ts")], {
      cwd: ROOT,
      env: { ...process.env, NOTES_AUTH_RUN: JSON.stringify(request), NOTES_AUTH_RUN_OUT: out, PULUMI_NODEJS_SKIP_COMMAND_CHECK: "1" },
      maxBuffer: 64 * 1024 * 1024,
    }, (err, _stdout, stderr) => {
      try {
        if (err || !fs.existsSync(out)) reject(new Error(`the program did not run: ${stderr || err?.message}`));
        else resolve(JSON.parse(fs.readFileSync(out, "utf8")));
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
    });
  });
}

/** Stack config from Pulumi.<stack>.yaml, as `pulumi up` would read it (project defaults apply in code). */
export function readStackFile(stack: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yaml = require("js-yaml");
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(process.cwd(), file)}: create it or pass --stack with an existing stack`);
  const doc = yaml.load(fs.readFileSync(file, "utf8")) ?? {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((doc as any).config ?? {})) {
    config[key.startsWith("notes-auth:") ? key.slice("notes-auth:".length) : key] =
      value && typeof value === "object" && "secure" in (value as object) ? "<secure>" : value;
  }
  return config;
}

/** The resources of one component's subtree, by the component's type token. */
export function resourcesUnder(run: StackRun, componentType: string): RecordedResource[] {
  const roots = run.resources.filter((r) => r.type === componentType).map((r) => r.urn);
  const inside = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of run.resources) {
      if (r.parent && inside.has(r.parent) && !inside.has(r.urn)) {
        inside.add(r.urn);
        grew = true;
      }
    }
  }
  return run.resources.filter((r) => inside.has(r.urn));
}

/**
 * A child a component cites (its `cited` field, recorded from its registered outputs as a URN):
 * how reports find a resource without knowing its name. Undefined when it was not built.
 */
export function citedResource(run: StackRun, component: RecordedResource | undefined, key: string): RecordedResource | undefined {
  const urn = component?.outputs?.cited?.[key];
  return urn === undefined ? undefined : run.resources.find((r) => r.urn === urn);
}
