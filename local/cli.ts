import * as fs from "fs";
import * as path from "path";
import { AUTH_MODES, AuthMode } from "../handlers/authModes";
import type { LocalOutputs } from "./localStack";
import { readLock } from "./lock";

/** Command-line options shared by `npm start`, `npm run token` and `npm run contract`. */
export interface LocalArgs {
  door?: AuthMode;
  stack: string;
  /** `--set key=value` overrides of the stack file (JSON values, or plain strings), as in `npm run plan`. */
  overrides: Record<string, unknown>;
  port: number;
  dataDir: string;
  user?: string;
  client?: string;
  scopes: string[];
  outputs?: string;
}

/** The folder local mode keeps its data in (notes, attachments, the signing key, outputs.json). */
export const DEFAULT_DATA_DIR = path.join(__dirname, "..", ".local");

/** Parses `--flag value` / `--flag=value`; `allowed` names the flags this command takes. */
export function parseLocalArgs(argv: string[], allowed: (keyof LocalArgs | "set" | "scope" | "data-dir")[]): LocalArgs {
  const args: LocalArgs = { stack: "dev", overrides: {}, port: 3000, dataDir: DEFAULT_DATA_DIR, scopes: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes("=") && argv[i].startsWith("--") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    const name = flag.replace(/^--/, "") as (typeof allowed)[number];
    if (!flag.startsWith("--") || !allowed.includes(name)) throw new Error(`unknown argument ${argv[i]} (this command takes ${allowed.map((a) => `--${a}`).join(", ")})`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (name) {
      case "door":
        if (!(AUTH_MODES as readonly string[]).includes(value)) throw new Error(`--door ${value}: the doors are ${AUTH_MODES.join(", ")}`);
        args.door = value as AuthMode;
        break;
      case "stack":
        if (!/^[\w.-]+$/.test(value)) throw new Error(`--stack "${value}" is not a stack name`);
        args.stack = value;
        break;
      case "set": {
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
        break;
      }
      case "port":
        args.port = Number(value);
        if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error(`--port ${value} is not a port`);
        break;
      case "data-dir":
        args.dataDir = path.resolve(value);
        break;
      case "user":
        args.user = value;
        break;
      case "client":
        args.client = value;
        break;
      case "scope":
        args.scopes.push(...value.split(/[\s,]+/).filter(Boolean));
        break;
      case "outputs":
        args.outputs = path.resolve(value);
        break;
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  return args;
}

/** The outputs of the local stack running from `dataDir`, or undefined when none runs there. */
export function runningOutputs(dataDir: string): LocalOutputs | undefined {
  const lock = readLock(path.join(dataDir, "lock.json"));
  const file = path.join(dataDir, "outputs.json");
  if (!lock || !fs.existsSync(file)) return undefined;
  try {
    process.kill(lock.pid, 0);
  } catch {
    return undefined;
  }
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Runs a CLI's main, printing an error's message (not its stack) and exiting non-zero. */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === "number") process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : err}\n`);
      process.exit(2);
    },
  );
}
