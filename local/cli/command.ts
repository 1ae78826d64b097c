import * as fs from "fs";
import * as path from "path";
import { AUTH_MODES, AuthMode } from "../../handlers/contract/authModes";
import type { LocalOutputs } from "../localStack";
import { runningLock } from "../lock";
import { DEFAULT_APP_PORT } from "../app/appConfig";
import { FAULT_SERVICES, Fault, FaultService, parseFaultFlag } from "../services/faults";
import { CommandSpec, FlagSpec, cliFailure, parseCommandLine } from "../../offline/cliArgs";

/** Command-line options shared by `npm start`, `npm run token` and `npm run contract`. */
export interface LocalArgs {
  /** `--door` naming one door. */
  door?: AuthMode;
  /** Every door `--door` names (`--door cognito,http-jwt`), in its order; empty without `--door`. */
  doors: AuthMode[];
  stack: string;
  /** `--set key=value` overrides of the stack file (JSON values, or plain strings), as in `npm run plan`. */
  overrides: Record<string, unknown>;
  port: number;
  /** `npm start`: the browser app's port (local/app). */
  appPort: number;
  dataDir: string;
  user?: string;
  /** `npm run token`: sign in through that identity provider's stand-in (`identity_provider`). */
  idp?: string;
  client?: string;
  scopes: string[];
  outputs?: string;
  /** `npm start`: faults of the local data services from the start on (`--fault dynamodb=throttle`). */
  faults: { service: FaultService; fault: Fault | undefined }[];
  /** `npm run contract`: list each check about other doors, with why (else one line counts them). */
  verbose?: boolean;
}

/** The folder local mode keeps its data in (notes, attachments, the signing key, outputs.json). */
export const DEFAULT_DATA_DIR = path.join(__dirname, "..", "..", ".local");

type LocalFlag =
  | "door"
  | "stack"
  | "set"
  | "port"
  | "app-port"
  | "data-dir"
  | "user"
  | "idp"
  | "client"
  | "scope"
  | "outputs"
  | "verbose"
  | "fault";

/** Every flag the local commands take, declared once; each command picks its own. */
const LOCAL_FLAGS: Record<LocalFlag, FlagSpec> = {
  door: {
    type: "string",
    value: "<authMode[,authMode…]>",
    description:
      `the door: ${AUTH_MODES.join(", ")} (npm start: the door to serve, default the stack's authMode, or ` +
      `several side by side, comma-separated; other commands: the door of the running stack to use, checked)`,
  },
  stack: {
    type: "string",
    value: "<name>",
    default: "dev",
    description: "the stack whose Pulumi.<stack>.yaml is read",
  },
  set: {
    type: "string",
    value: "key=value",
    multiple: true,
    description: "override a config key (a JSON value, or a plain string), as in npm run plan",
  },
  port: {
    type: "string",
    value: "<port>",
    default: "3000",
    description:
      "the door's port on 127.0.0.1 (the user pool takes the next, the AWS APIs the one after; 0 picks free ports)",
  },
  "app-port": {
    type: "string",
    value: "<port>",
    default: String(DEFAULT_APP_PORT),
    description: "the browser app's port (its origin http://localhost:<port> is recorded in corsOrigins and callbacks)",
  },
  "data-dir": {
    type: "string",
    value: "<dir>",
    default: path.relative(process.cwd(), DEFAULT_DATA_DIR) || ".",
    description: "where local mode keeps its notes, keys and outputs.json",
  },
  user: { type: "string", value: "<name or email>", description: "the local user to sign in as" },
  idp: {
    type: "string",
    value: "<provider>",
    description: "sign in through that identity provider's local stand-in (--user: its test user's email)",
  },
  client: {
    type: "string",
    value: "<spa|machine>",
    description: "machine: the client credentials client; left out: the app's own client",
  },
  scope: {
    type: "string",
    value: "<scope>",
    multiple: true,
    description: "a scope to ask for (or several, comma-separated)",
  },
  outputs: {
    type: "string",
    value: "<file>",
    description: "a stack's outputs file instead of the running local stack's",
  },
  fault: {
    type: "string",
    value: "<service>=<fault>",
    multiple: true,
    description:
      `make a local data service (${FAULT_SERVICES.join(", ")}) fail: throttle (its own throttling error), refuse ` +
      "(no answer), stall:<ms> (a late one), e.g. dynamodb=throttle; change it while it runs at local.faultsEndpoint",
  },
  verbose: { type: "boolean", description: "list every check about other doors, with why it is skipped" },
};

/** A local command: how it is run, what it does, and which of the local flags it takes. */
export interface LocalCommand {
  name: string;
  summary: string;
  flags: LocalFlag[];
}

/** Parses `--flag value` / `--flag=value` against the flags `command` takes (strict; `--help` prints them). */
export function parseLocalArgs(argv: string[], command: LocalCommand): LocalArgs {
  const spec: CommandSpec = {
    name: command.name,
    summary: command.summary,
    flags: Object.fromEntries(command.flags.map((f) => [f, LOCAL_FLAGS[f]])),
  };
  const { values } = parseCommandLine(spec, argv);
  const get = (name: LocalFlag) => values[name] as string | undefined;
  const args: LocalArgs = {
    stack: "dev",
    overrides: {},
    port: 3000,
    appPort: DEFAULT_APP_PORT,
    dataDir: DEFAULT_DATA_DIR,
    scopes: [],
    faults: [],
    doors: [],
  };
  for (const door of (get("door") ?? "").split(",").filter(Boolean)) {
    if (!(AUTH_MODES as readonly string[]).includes(door))
      throw new Error(`--door ${door}: the doors are ${AUTH_MODES.join(", ")}`);
    if (args.doors.includes(door as AuthMode)) throw new Error(`--door names ${door} twice`);
    args.doors.push(door as AuthMode);
  }
  if (get("door") !== undefined && args.doors.length === 0)
    throw new Error(`--door "${get("door")}": name a door (${AUTH_MODES.join(", ")}) or several, comma-separated`);
  if (args.doors.length === 1) args.door = args.doors[0];
  const stack = get("stack");
  if (stack !== undefined) {
    if (!/^[\w.-]+$/.test(stack)) throw new Error(`--stack "${stack}" is not a stack name`);
    args.stack = stack;
  }
  for (const value of (values.set as string[] | undefined) ?? []) {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new Error(`--set "${value}" must be key=value, e.g. --set m2mClient=true`);
    const raw = value.slice(eq + 1);
    let parsed: unknown = raw;
    if (/^([[{]|true$|false$|-?\d+$)/.test(raw)) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new Error(`--set ${value.slice(0, eq)}: ${raw} is not valid JSON`);
      }
    }
    args.overrides[value.slice(0, eq).replace(/^notes-auth:/, "")] = parsed;
  }
  const portFlag = (name: "port" | "app-port", fallback: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name} ${raw} is not a port`);
    return n;
  };
  args.port = portFlag("port", args.port);
  args.appPort = portFlag("app-port", args.appPort);
  args.dataDir = path.resolve(get("data-dir") ?? DEFAULT_DATA_DIR);
  if (get("user") !== undefined) args.user = get("user");
  if (get("idp") !== undefined) args.idp = get("idp");
  if (get("client") !== undefined) args.client = get("client");
  for (const value of (values.scope as string[] | undefined) ?? [])
    args.scopes.push(...value.split(/[\s,]+/).filter(Boolean));
  if (get("outputs") !== undefined) args.outputs = path.resolve(get("outputs")!);
  if (values.verbose === true) args.verbose = true;
  for (const value of (values.fault as string[] | undefined) ?? []) args.faults.push(parseFaultFlag(value));
  return args;
}

/** The local stack running from `dataDir` (its outputs and its pid), or undefined when none runs there. */
export function runningStack(dataDir: string): { outputs: LocalOutputs; pid: number } | undefined {
  const lock = runningLock(dataDir);
  const file = path.join(dataDir, "outputs.json");
  if (!lock || !fs.existsSync(file)) return undefined;
  return { outputs: JSON.parse(fs.readFileSync(file, "utf8")), pid: lock.pid };
}

/** The outputs of the local stack running from `dataDir`, or undefined when none runs there. */
export const runningOutputs = (dataDir: string): LocalOutputs | undefined => runningStack(dataDir)?.outputs;

/** Runs a CLI's main, printing an error's message (not its stack) and exiting non-zero. */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === "number") process.exitCode = code;
    },
    (err) => {
      const { code, stdout, stderr } = cliFailure(err);
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      process.exit(code);
    },
  );
}
