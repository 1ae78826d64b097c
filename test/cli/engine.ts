/**
 * The Pulumi engine's side of the wire, for specs that start the program and the policy pack the
 * way the Pulumi CLI does: an Engine and a ResourceMonitor gRPC server on 127.0.0.1, built from the
 * service definitions that ship in `@pulumi/pulumi/proto`, and the command lines and environments
 * the CLI's Node.js language host gives its child processes.
 *
 * CLI source followed (github.com/pulumi/pulumi):
 * - sdk/nodejs/cmd/pulumi-language-nodejs/main.go: `Run` / `execRuntime` / `constructArguments`
 *   (program: `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor --engine --sync --organization
 *   --project --root-directory --stack --pwd [--dry-run] --parallel <entry point>`, environment
 *   `PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`, `PULUMI_NODEJS_TYPESCRIPT=true` unless the
 *   runtime option `typescript: false`, `PULUMI_NODEJS_TSCONFIG_PATH` with `tsconfig`);
 *   `RunPlugin` (policy pack, kind analyzer: `node <@pulumi/pulumi/cmd/run-policy-pack>
 *   [nodeargs] <engine address> <policy pack dir>`, working directory the pack's, environment
 *   `PULUMI_NODEJS_TYPESCRIPT`, `PULUMI_NODEJS_ORGANIZATION|PROJECT|STACK|DRY_RUN`, `PULUMI_CONFIG`);
 *   `parseOptions` (runtime options, `typescript` defaults to true).
 * - pkg/resource/plugin/analyzer_plugin.go: `NewPolicyAnalyzer` (args `[engine address]`, the pack
 *   prints its port, then `ConfigureStack`), `Analyze`, `AnalyzeStack`, `GetAnalyzerInfo`.
 *
 * The monitor answers as `@pulumi/pulumi`'s own MockMonitor does (runtime/mocks.ts), with the
 * project's mock provider outputs (offline/mocks.ts: `mockState`, `mockCall`), so a program run
 * here and one run under mocks can be compared resource for resource.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockState } from "../../offline/mocks";

export const ROOT = path.join(__dirname, "..", "..");
const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
/** The gRPC library and message classes the SDK's generated stubs use themselves. */
const fromSdk = (id: string) => require(require.resolve(id, { paths: [SDK] }));
export const grpc: typeof import("@grpc/grpc-js") = fromSdk("@grpc/grpc-js");
const structproto = fromSdk("google-protobuf/google/protobuf/struct_pb.js");
const emptyproto = fromSdk("google-protobuf/google/protobuf/empty_pb.js");
const resproto = require(path.join(SDK, "proto", "resource_pb.js"));
const resrpc = require(path.join(SDK, "proto", "resource_grpc_pb.js"));
const engineproto = require(path.join(SDK, "proto", "engine_pb.js"));
const enginerpc = require(path.join(SDK, "proto", "engine_grpc_pb.js"));
export const analyzerproto = require(path.join(SDK, "proto", "analyzer_pb.js"));
export const analyzerrpc = require(path.join(SDK, "proto", "analyzer_grpc_pb.js"));

/** One registration the program sent to the monitor. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent?: string;
  custom: boolean;
  protect: boolean;
  dependencies: string[];
}

/** A log line the program or the pack sent to the engine. */
export interface EngineLog {
  severity: number;
  message: string;
  urn: string;
}

export interface FakeEngine {
  address: string;
  registrations: Registration[];
  logs: EngineLog[];
  /** The severity number of an error log (engine.proto LogSeverity.ERROR). */
  errorSeverity: number;
  close(): Promise<void>;
}

type Callback = (err: any, res?: unknown) => void;
const fail = (callback: Callback, err: unknown) =>
  callback(Object.assign(new Error(String((err as Error)?.message ?? err)), { code: grpc.status.UNKNOWN }));

/**
 * URN as the engine builds it (pkg/resource/deploy/deployment.go, `generateURN`): the parent's full
 * qualified type, except the root stack's, then this type and name.
 */
function urnOf(stack: string, project: string, parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2] : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Provider outputs as the mocks give them: the inputs as the program sent them, where the mock
 * computes nothing new, and the mock's own values (ids, ARNs, endpoints) where it does.
 */
function outputsOf(
  type: string,
  name: string,
  raw: Record<string, unknown>,
  inputs: Record<string, unknown>,
): { id: string; state: Record<string, unknown> } {
  const { id, state } = mockState(type, name, inputs);
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(state))
    if (value !== inputs[key]) out[key] = JSON.parse(JSON.stringify(value ?? null));
  return { id, state: out };
}

/** Starts the Engine and ResourceMonitor services on 127.0.0.1 (one free port), for one stack. */
export async function startEngine(project: string, stack: string): Promise<FakeEngine> {
  const registrations: Registration[] = [];
  const logs: EngineLog[] = [];
  let root = "";
  const server = new grpc.Server();
  server.addService(enginerpc.EngineService, {
    log: (call: any, callback: Callback) => {
      logs.push({
        severity: call.request.getSeverity(),
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new emptyproto.Empty());
    },
    getRootResource: (_call: any, callback: Callback) => {
      const res = new engineproto.GetRootResourceResponse();
      res.setUrn(root);
      callback(null, res);
    },
    setRootResource: (call: any, callback: Callback) => {
      root = call.request.getUrn();
      callback(null, new engineproto.SetRootResourceResponse());
    },
    requirePulumiVersion: (_call: any, callback: Callback) =>
      callback(null, new engineproto.RequirePulumiVersionResponse()),
  });
  server.addService(resrpc.ResourceMonitorService, {
    // As the mock monitor: every feature but output values, so inputs arrive as plain values.
    supportsFeature: (call: any, callback: Callback) => {
      const res = new resproto.SupportsFeatureResponse();
      res.setHassupport(call.request.getId() !== "outputValues");
      callback(null, res);
    },
    registerPackage: (_call: any, callback: Callback) => {
      const res = new resproto.RegisterPackageResponse();
      res.setRef("engine-spec-package");
      callback(null, res);
    },
    registerResource: (call: any, callback: Callback) => {
      try {
        const req = call.request;
        const urn = urnOf(stack, project, req.getParent(), req.getType(), req.getName());
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn,
          parent: req.getParent() || undefined,
          custom: req.getCustom(),
          protect: !!req.getProtect(),
          dependencies: req.getDependenciesList(),
        });
        const res = new resproto.RegisterResourceResponse();
        res.setUrn(urn);
        if (req.getCustom()) {
          const raw = req.getObject()?.toJavaScript() ?? {};
          const { id, state } = outputsOf(
            req.getType(),
            req.getName(),
            raw,
            pulumi.runtime.deserializeProperties(req.getObject()),
          );
          res.setId(id);
          res.setObject(structproto.Struct.fromJavaScript(state));
        } else {
          res.setObject(structproto.Struct.fromJavaScript({}));
        }
        callback(null, res);
      } catch (err) {
        fail(callback, err);
      }
    },
    registerResourceOutputs: (_call: any, callback: Callback) => callback(null, new emptyproto.Empty()),
    invoke: (call: any, callback: Callback) => {
      try {
        const result = mockCall(call.request.getTok(), pulumi.runtime.deserializeProperties(call.request.getArgs()));
        // the monitor answers with its own message (resource.proto ResourceInvokeResponse), not the provider's
        const res = new resproto.ResourceInvokeResponse();
        res.setReturn(structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(result))));
        callback(null, res);
      } catch (err) {
        fail(callback, err);
      }
    },
    signalAndWaitForShutdown: (_call: any, callback: Callback) => callback(null, new emptyproto.Empty()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    registrations,
    logs,
    errorSeverity: engineproto.LogSeverity.ERROR,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * Stack config as the engine hands it to the language host: the stack file's values over the
 * project's defaults (Pulumi.yaml `config:` with `default:`), each a string (lists and objects as
 * JSON), under `<namespace>:<name>`.
 */
export function engineConfig(stackConfig: Record<string, unknown>, project = "notes-auth"): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yaml = require("js-yaml");
  const declared = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any).config ?? {};
  const out: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (value === undefined || value === null) return;
    out[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  };
  for (const [key, spec] of Object.entries<any>(declared))
    if (spec && typeof spec === "object" && "default" in spec) put(key, spec.default);
  for (const [key, value] of Object.entries(stackConfig)) put(key, value);
  return out;
}

/** The runtime options of Pulumi.yaml (or PulumiPolicy.yaml): `runtime.options`. */
export function runtimeOptions(file: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const yaml = require("js-yaml");
  const runtime = (yaml.load(fs.readFileSync(file, "utf8")) as any)?.runtime;
  return (runtime && typeof runtime === "object" && runtime.options) || {};
}

/** The environment the language host adds from the runtime options (main.go, `parseOptions`). */
function typescriptEnv(options: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (typeof options.tsconfig === "string" && options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  return env;
}

/**
 * The engine passes its own environment on (os.Environ()); this runner's, without ts-node's settings,
 * NODE_OPTIONS and any PULUMI_* of the developer's shell (PULUMI_NODEJS_TRANSPILE_ONLY, say), so the
 * children see the CLI's defaults.
 */
function cliEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_") && k !== "NODE_OPTIONS") env[k] = v;
  return env;
}

const nodeargs = (options: Record<string, unknown>) =>
  typeof options.nodeargs === "string" && options.nodeargs.trim() ? options.nodeargs.trim().split(/\s+/) : [];

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Starts the program as `pulumi up` starts it (main.go, `constructArguments`): `node` with the
 * project's `@pulumi/pulumi/cmd/run`, the monitor and engine addresses, the sync pipes directory,
 * organization, project, root directory, stack, working directory, parallelism, and the entry
 * point `.` (Pulumi.yaml has no `main`, so the SDK takes package.json's).
 */
export function runProgram(
  engine: FakeEngine,
  args: {
    organization: string;
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
    parallel: number;
  },
): Promise<Finished> {
  const options = runtimeOptions(path.join(ROOT, "Pulumi.yaml"));
  const main = (() => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const doc = require("js-yaml").load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as any;
    return typeof doc.main === "string" ? doc.main : ".";
  })();
  // The language host makes two named pipes for synchronous invokes (proxy_unix.go); this SDK never opens them.
  const sync = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-sync-"));
  execFileSync("mkfifo", ["-m", "600", path.join(sync, "invoke_req"), path.join(sync, "invoke_res")]);
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [ROOT] });
  const argv = [
    ...nodeargs(options),
    runPath,
    "--monitor",
    engine.address,
    "--engine",
    engine.address,
    "--sync",
    sync,
    "--organization",
    args.organization,
    "--project",
    args.project,
    "--root-directory",
    ROOT,
    "--stack",
    args.stack,
    "--pwd",
    ROOT,
    "--parallel",
    String(args.parallel),
    main,
  ];
  const env = {
    ...cliEnvironment(),
    PULUMI_CONFIG: JSON.stringify(legacyKeys(args.config)),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(args.secretKeys),
    ...typescriptEnv(options),
  };
  return finish(spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })).finally(() =>
    fs.rmSync(sync, { recursive: true, force: true }),
  );
}

/** main.go `constructConfig`: keys go to the SDK as `<namespace>:config:<name>`. */
function legacyKeys(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      const i = k.indexOf(":");
      return [`${k.slice(0, i)}:config:${k.slice(i + 1)}`, v];
    }),
  );
}

function finish(child: ChildProcess): Promise<Finished> {
  const started = Date.now();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => void (stdout += String(d)));
  child.stderr?.on("data", (d) => void (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

export interface RunningPack {
  child: ChildProcess;
  /** The Analyzer client, connected to the port the pack printed. */
  analyzer: any;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts the policy pack as `pulumi preview --policy-pack policy` starts it (main.go `RunPlugin`,
 * kind analyzer): `node <@pulumi/pulumi/cmd/run-policy-pack> <engine address> <pack dir>` in the
 * pack's directory, with the stack's identity and config in the environment; then reads the port
 * the pack prints on its first line of stdout, as the plugin host does.
 */
export async function startPolicyPack(
  engine: FakeEngine,
  packDir: string,
  stack: { organization: string; project: string; stack: string; dryRun: boolean; config: Record<string, string> },
  timeoutMs: number,
): Promise<RunningPack> {
  const options = runtimeOptions(path.join(packDir, "PulumiPolicy.yaml"));
  const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const env = {
    ...cliEnvironment(),
    ...typescriptEnv(options),
    PULUMI_NODEJS_ORGANIZATION: stack.organization,
    PULUMI_NODEJS_PROJECT: stack.project,
    PULUMI_NODEJS_STACK: stack.stack,
    PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
    PULUMI_CONFIG: JSON.stringify(stack.config),
  };
  const child = spawn(process.execPath, [runPath, ...nodeargs(options), engine.address, packDir], {
    cwd: packDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => void (stderr += String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`the policy pack printed no port within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stdout!.on("data", (d) => {
      out += String(d);
      const line = out.split("\n");
      if (line.length > 1) {
        clearTimeout(timer);
        const n = Number(line[0].trim());
        if (Number.isInteger(n) && n > 0) resolve(n);
        else reject(new Error(`the policy pack's first line is not a port: ${JSON.stringify(line[0])}`));
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`the policy pack exited ${code} before printing its port: ${stderr}`));
    });
  });
  const analyzer = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  return {
    child,
    analyzer,
    stderr: () => stderr,
    stop: async () => {
      analyzer.close();
      if (child.exitCode === null && child.signalCode === null) {
        const closed = new Promise((r) => child.once("close", r));
        child.kill();
        await closed;
      }
    },
  };
}

/** Calls one unary RPC of a generated client as a promise. */
export function rpc<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (err: unknown, res: T) => (err ? reject(err) : resolve(res))),
  );
}

export const struct = (value: unknown) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));
export const empty = () => new emptyproto.Empty();
