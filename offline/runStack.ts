import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess, fork } from "child_process";
import { createHash } from "crypto";
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
/** The requests asked for with runStack, in the order first asked. */
const asked = new Map<string, RunRequest>();

/** Runs the real program under mocks in a worker process (memoized per request). */
export function runStack(request: RunRequest): Promise<StackRun> {
  const key = JSON.stringify(request);
  if (!asked.has(key)) asked.set(key, request);
  const run = cache.get(key);
  if (run) {
    pool.promote(key);
    return run;
  }
  return start(key, request, true);
}

/**
 * Starts runs that will be asked for soon (the test suite's runs of last time), behind every run
 * asked for now: both workers stay busy while the asking process does other work. A run asked for
 * later is answered from here; one never asked for only cost a worker's time, and never keeps
 * the process alive.
 */
export function prefetchStacks(requests: RunRequest[]): Promise<void> {
  const runs: Promise<unknown>[] = [];
  for (const request of requests) {
    const key = JSON.stringify(request);
    if (!cache.has(key)) runs.push(start(key, request, false).catch(() => undefined));
  }
  // Settled once every prefetched run is (the workers then only run what is asked for).
  return Promise.all(runs).then(() => undefined);
}

/** The requests runStack was asked for so far, in the order first asked. */
export function askedRuns(): RunRequest[] {
  return [...asked.values()];
}

function start(key: string, request: RunRequest, urgent: boolean): Promise<StackRun> {
  const run = pool.run(key, request, urgent);
  if (process.env.NOTES_AUTH_RECORDINGS)
    void run.then(
      (done) => keepRecording(process.env.NOTES_AUTH_RECORDINGS!, request, done),
      () => undefined,
    );
  cache.set(key, run);
  return run;
}

/**
 * With NOTES_AUTH_RECORDINGS=<dir>, every run's request, resources and outputs are written to
 * <dir>/<sha256 of the request>.json, so two runs of the suite can be compared
 * (`npm run recordings -- --before <dir> --after <dir>`, tools/recordings.ts).
 */
function keepRecording(dir: string, request: RunRequest, run: StackRun): void {
  fs.mkdirSync(dir, { recursive: true });
  const name = createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 16);
  const { revealedOutputs: _revealed, ...kept } = run;
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ request, ...kept }, null, 1));
}

/** What keeps the parent's event loop alive for a worker: the process, its IPC channel, its stderr pipe. */
const refs = (child: ChildProcess) =>
  [child, child.channel, child.stderr] as unknown as ({ ref?: () => void; unref?: () => void } | null | undefined)[];

/** A worker runs this many programs, then makes way for a fresh one (bounded memory). */
const RUNS_PER_WORKER = 60;

interface Worker {
  child: ChildProcess;
  runs: number;
  busy?: { id: number; key: string; resolve: (run: StackRun) => void; reject: (err: Error) => void };
  stderr: string;
}

type Job = { key: string; request: RunRequest; resolve: (run: StackRun) => void; reject: (err: Error) => void };

/**
 * At most one worker per core, each running one program at a time (offline/run.ts). A worker
 * keeps the libraries loaded between runs; each run loads the program itself afresh. Runs asked
 * for now go before prefetched ones. Idle workers, and workers running only a prefetched run
 * nobody asked for yet, do not keep the parent alive, and leave when it does.
 */
const pool = {
  workers: [] as Worker[],
  urgent: [] as Job[],
  later: [] as Job[],
  /** Keys of runs someone asked for (not only prefetched). */
  wanted: new Set<string>(),
  nextId: 0,
  size: Math.max(1, os.cpus().length),

  run(key: string, request: RunRequest, urgent: boolean): Promise<StackRun> {
    if (urgent) this.wanted.add(key);
    return new Promise((resolve, reject) => {
      (urgent ? this.urgent : this.later).push({ key, request, resolve, reject });
      this.dispatch();
    });
  },

  /** A prefetched run is asked for: it goes first, and keeps the parent alive from now on. */
  promote(key: string): void {
    if (this.wanted.has(key)) return;
    this.wanted.add(key);
    const queued = this.later.findIndex((j) => j.key === key);
    if (queued >= 0) this.urgent.push(...this.later.splice(queued, 1));
    const running = this.workers.find((w) => w.busy?.key === key);
    if (running) refs(running.child).forEach((r) => r?.ref?.());
    this.dispatch();
  },

  dispatch(): void {
    while (this.urgent.length + this.later.length > 0) {
      let worker = this.workers.find((w) => !w.busy);
      if (!worker && this.workers.length < this.size) worker = this.spawn();
      if (!worker) return;
      const job = (this.urgent.length > 0 ? this.urgent : this.later).shift()!;
      const id = this.nextId++;
      worker.busy = { id, key: job.key, resolve: job.resolve, reject: job.reject };
      worker.runs++;
      refs(worker.child).forEach((r) => (this.wanted.has(job.key) ? r?.ref?.() : r?.unref?.()));
      worker.child.send({ id, request: job.request });
    }
  },

  spawn(): Worker {
    const child = fork(path.join(__dirname, "run.ts"), [], {
      cwd: ROOT,
      execArgv: ["-r", "ts-node/register/transpile-only"],
      env: { ...process.env, PULUMI_NODEJS_SKIP_COMMAND_CHECK: "1" },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    // Below the asking process: its own work goes first, the programs take the rest of the CPU.
    if (child.pid !== undefined) os.setPriority(child.pid, 10);
    const worker: Worker = { child, runs: 0, stderr: "" };
    child.stderr!.on("data", (d) => void (worker.stderr = (worker.stderr + String(d)).slice(-20_000)));
    child.on("message", (message: { id: number; run?: StackRun; failed?: string }) => {
      const job = worker.busy;
      if (!job || job.id !== message.id) return;
      worker.busy = undefined;
      if (message.run) job.resolve(message.run);
      else job.reject(new Error(`the program did not run: ${message.failed}`));
      // A program that failed may leave rejections behind in its worker: a fresh one runs the next.
      if (!message.run || worker.runs >= RUNS_PER_WORKER) this.retire(worker);
      else this.idle(worker);
      this.dispatch();
    });
    child.on("exit", (code) => {
      this.workers = this.workers.filter((w) => w !== worker);
      worker.busy?.reject(new Error(`the program did not run (worker exited ${code}): ${worker.stderr}`));
      worker.busy = undefined;
      this.dispatch();
    });
    this.workers.push(worker);
    return worker;
  },

  idle(worker: Worker): void {
    refs(worker.child).forEach((r) => r?.unref?.());
  },

  retire(worker: Worker): void {
    this.workers = this.workers.filter((w) => w !== worker);
    worker.child.kill();
  },
};

/** Stack config from Pulumi.<stack>.yaml, as `pulumi up` would read it (project defaults apply in code). */
export function readStackFile(stack: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yaml = require("js-yaml");
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file))
    throw new Error(
      `no stack file ${path.relative(process.cwd(), file)}: create it or pass --stack with an existing stack`,
    );
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
export function citedResource(
  run: StackRun,
  component: RecordedResource | undefined,
  key: string,
): RecordedResource | undefined {
  const urn = component?.outputs?.cited?.[key];
  return urn === undefined ? undefined : run.resources.find((r) => r.urn === urn);
}
