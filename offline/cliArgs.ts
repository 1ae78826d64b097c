/**
 * The command line of every `npm run …` command (tools/ and local/ both import it; it imports
 * nothing of theirs): Node's own `util.parseArgs`, strict, so `--k=v` and `--k v` mean the same
 * everywhere and an unknown flag is refused. Each command declares its flags once; the same
 * declarations give `--help`. https://nodejs.org/api/util.html#utilparseargsconfig
 */
import { parseArgs } from "util";

/** One flag of a command. */
export interface FlagSpec {
  type: "string" | "boolean";
  /** One line for `--help`. */
  description: string;
  /** The flag may be given more than once (`--set a=1 --set b=2`); its value is then a list. */
  multiple?: boolean;
  /** A one-letter alias (`-p`). */
  short?: string;
  /** The value when the flag is left out (shown by `--help`). */
  default?: string | boolean;
  /** What the value looks like in `--help`, e.g. `<name>`. @default "<value>" */
  value?: string;
}

export interface CommandSpec {
  /** How it is run, e.g. `npm run plan`. */
  name: string;
  /** One line on what it does. */
  summary: string;
  flags: Record<string, FlagSpec>;
}

/** A bad command line: the caller prints the message and exits 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** `--help` (or `-h`) was asked for: the caller prints `text` to stdout and exits 0. */
export class HelpRequested extends Error {
  readonly exitCode = 0;
  constructor(readonly text: string) {
    super(text);
  }
}

/** The parsed values (a flag left out with no default is absent) and the flags in the order given. */
export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  order: string[];
}

/** The usage text: the command, its summary, and each flag with its description and default. */
export function usage(cmd: CommandSpec): string {
  const rows = Object.entries({
    ...cmd.flags,
    help: { type: "boolean", short: "h", description: "print this help and exit" } as FlagSpec,
  }).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ""}--${name}${f.type === "string" ? ` ${f.value ?? "<value>"}` : ""}`;
    const notes = [
      f.multiple ? "repeatable" : "",
      f.default !== undefined && f.default !== false ? `default: ${f.default}` : "",
    ].filter(Boolean);
    return [left, `${f.description}${notes.length ? ` (${notes.join("; ")})` : ""}`];
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return [
    `Usage: ${cmd.name}${Object.keys(cmd.flags).length ? " -- [flags]" : ""}`,
    "",
    cmd.summary,
    "",
    "Flags:",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    "",
  ].join("\n");
}

/** Parses `argv` against the command's flags; throws HelpRequested or UsageError. */
export function parseCommandLine(cmd: CommandSpec, argv: string[]): Parsed {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, f] of Object.entries(cmd.flags))
    options[name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    throw new UsageError(`${describe(err, argv)} (see ${cmd.name} -- --help)`);
  }
  if (parsed.values.help) throw new HelpRequested(usage(cmd));
  const values: Parsed["values"] = {};
  for (const [name, f] of Object.entries(cmd.flags))
    values[name] = (parsed.values as Parsed["values"])[name] ?? f.default;
  const order = parsed.tokens.flatMap((t) => (t.kind === "option" ? [t.name] : []));
  return { values, order };
}

/** Node's parseArgs error, in the words the commands used before: the flag, and what is wrong. */
function describe(err: unknown, argv: string[]): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  // Node names the flag as '-s, --stack <value>' or '--stack': keep the long form alone.
  const flag = quoted
    .replace(/ <value>$/, "")
    .split(",")
    .pop()!
    .trim();
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown argument ${argv.find((a) => a === flag || a.startsWith(`${flag}=`)) ?? flag}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${flag}: this command takes flags only`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return / does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`;
    default:
      return message;
  }
}

/** What a command prints and exits with for an error from its parsing or its run. */
export function cliFailure(err: unknown): { code: number; stdout: string; stderr: string } {
  if (err instanceof HelpRequested) return { code: 0, stdout: err.text, stderr: "" };
  return { code: 2, stdout: "", stderr: `error: ${err instanceof Error ? err.message : err}\n` };
}

/** Prints `cliFailure(err)` and ends the process with its code. */
export function exitWith(err: unknown): never {
  const { code, stdout, stderr } = cliFailure(err);
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}
