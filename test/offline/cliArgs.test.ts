import * as assert from "assert";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import { CommandSpec, HelpRequested, UsageError, cliFailure, parseCommandLine } from "../../offline/cliArgs";

// util.parseArgs, strict: https://nodejs.org/api/util.html#utilparseargsconfig
const CMD: CommandSpec = {
  name: "npm run demo",
  summary: "A demo command.",
  flags: {
    stack: { type: "string", value: "<name>", default: "dev", description: "the stack to read" },
    set: { type: "string", value: "key=value", multiple: true, description: "override a key" },
    quick: { type: "boolean", short: "q", description: "a short run" },
  },
};

const ROOT = path.join(__dirname, "..", "..");
const run = (file: string, args: string[]) =>
  promisify(execFile)(process.execPath, ["-r", "ts-node/register/transpile-only", file, ...args], {
    cwd: ROOT,
    timeout: 60000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );

describe("command-line flags (offline/cliArgs)", function () {
  this.timeout(60000);

  it("given --k=v or --k v, then both give the same value", () => {
    assert.deepEqual(parseCommandLine(CMD, ["--stack=prod"]).values, parseCommandLine(CMD, ["--stack", "prod"]).values);
    assert.equal(parseCommandLine(CMD, ["--stack=prod"]).values.stack, "prod");
  });

  it("given a flag left out, then its declared default is the value; a boolean left out is absent", () => {
    const { values } = parseCommandLine(CMD, []);
    assert.equal(values.stack, "dev");
    assert.equal(values.quick, undefined);
    assert.equal(values.set, undefined);
  });

  it("given a repeated multiple flag, then every value is kept in order (and -q is --quick)", () => {
    const { values, order } = parseCommandLine(CMD, ["--set", "a=1", "--set=b=2", "-q"]);
    assert.deepEqual(values.set, ["a=1", "b=2"]);
    assert.equal(values.quick, true);
    assert.deepEqual(order, ["set", "set", "quick"]);
  });

  it(
    "given --help or -h, then the usage lists the command, every flag with its description and default, and " +
      "exits 0",
    () => {
      for (const flag of ["--help", "-h"]) {
        let help: unknown;
        assert.throws(
          () => parseCommandLine(CMD, ["--stack", "x", flag]),
          (err) => ((help = err), err instanceof HelpRequested),
        );
        const text = (help as HelpRequested).text;
        assert.match(text, /^Usage: npm run demo -- \[flags\]/);
        assert.match(text, /A demo command\./);
        assert.match(text, /--stack <name> +the stack to read \(default: dev\)/);
        assert.match(text, /--set key=value +override a key \(repeatable\)/);
        assert.match(text, /-q, --quick +a short run/);
        assert.match(text, /-h, --help +print this help and exit/);
        assert.deepEqual(cliFailure(help), { code: 0, stdout: text, stderr: "" });
      }
    },
  );

  it(
    "given an unknown flag, a missing value, a value to a boolean or a positional, then a UsageError names " +
      "it, points to --help, and exits 2",
    () => {
      const cases: [string[], RegExp][] = [
        [["--bogus"], /^unknown argument --bogus \(see npm run demo -- --help\)$/],
        [["--bogus=1"], /^unknown argument --bogus=1 /],
        [["--stack"], /^--stack needs a value /],
        [["--stack", "--quick"], /^--stack needs a value /],
        [["--quick=yes"], /^--quick takes no value /],
        [["extra"], /^unexpected argument extra/],
      ];
      for (const [argv, message] of cases) {
        let failure: unknown;
        assert.throws(
          () => parseCommandLine(CMD, argv),
          (err) => ((failure = err), err instanceof UsageError && message.test(err.message)),
          argv.join(" "),
        );
        assert.equal(cliFailure(failure).code, 2);
        assert.match(cliFailure(failure).stderr, /^error: .*--help\)\n$/);
      }
    },
  );

  it(
    "when a command is run with --help, then it prints its usage and exits 0; with an unknown flag it " + "exits 2",
    async () => {
      // both commands side by side (each process loads the benchmark's modules)
      const [help, bad] = await Promise.all([
        run("tools/bench/index.ts", ["--help"]),
        run("tools/bench/index.ts", ["--bogus"]),
      ]);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^Usage: npm run bench/);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^error: unknown argument --bogus \(see npm run bench -- --help\)/);
    },
  );
});
