/**
 * `npm run recordings -- --before <dir> --after <dir>`: compares two folders of recorded stack runs
 * (written by any run of the suite with NOTES_AUTH_RECORDINGS=<dir>, offline/runStack.ts) and
 * prints every run whose resources (URN, parent, options, dependencies, inputs), component
 * outputs or stack outputs differ. Exits 1 when any differ or a run is missing on one side.
 * Runs that differ only in a function's bundled code (minified text moves when handler code moves
 * between files) are counted apart, unless --code is given.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { CommandSpec, exitWith, parseCommandLine } from "../offline/cliArgs";
import { RunRequest, runStack } from "../offline/runStack";

export const RECORDINGS_COMMAND: CommandSpec = {
  name: "npm run recordings",
  summary:
    "Compares two folders of recorded stack runs (NOTES_AUTH_RECORDINGS=<dir> npm test) and prints what differs.",
  flags: {
    before: { type: "string", value: "<dir>", description: "the recordings taken before the change" },
    after: { type: "string", value: "<dir>", description: "the recordings taken after it" },
    rerun: {
      type: "boolean",
      description: "instead of --after, run every recorded request again with the code as it is now",
    },
    code: {
      type: "boolean",
      description: "also count runs whose only difference is a function's bundled code (the handlers' own text)",
    },
  },
};

type Recording = { request: unknown; resources: { urn: string }[]; outputs: unknown; error?: string };

const read = (dir: string): Map<string, Recording> =>
  new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Recording]),
  );

/**
 * A value with every bundled file's text (an asset archive's `{ text }`, the Lambda code esbuild
 * wrote) replaced by a marker: moving code between handler files changes the minified text, not
 * the infrastructure, so a comparison may set it apart.
 */
export function withoutBundleText(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutBundleText);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === "text" && typeof v === "string" && v.startsWith('"use strict"') ? "<bundle>" : withoutBundleText(v),
    ]),
  );
}

/** Whether two recordings differ only in their functions' bundled code. */
export function differOnlyInCode(before: Recording, after: Recording): boolean {
  return (
    differences(before, after).length > 0 &&
    differences(withoutBundleText(before) as Recording, withoutBundleText(after) as Recording).length === 0
  );
}

/** What differs between two recordings of one request, one line each (empty when the same). */
export function differences(before: Recording, after: Recording): string[] {
  const lines: string[] = [];
  const byUrn = (r: Recording) => new Map(r.resources.map((x) => [x.urn, x]));
  const [a, b] = [byUrn(before), byUrn(after)];
  for (const urn of a.keys()) if (!b.has(urn)) lines.push(`- ${urn}`);
  for (const urn of b.keys()) if (!a.has(urn)) lines.push(`+ ${urn}`);
  for (const [urn, x] of a) {
    const y = b.get(urn);
    if (!y) continue;
    for (const field of Object.keys({ ...x, ...y }) as (keyof typeof x)[]) {
      if (!isDeepStrictEqual(x[field], y[field])) lines.push(`~ ${urn} ${String(field)}`);
    }
  }
  if (!isDeepStrictEqual(before.outputs, after.outputs)) lines.push("~ stack outputs");
  if (before.error !== after.error) lines.push(`~ error: ${before.error} -> ${after.error}`);
  return lines;
}

/** Every recorded request run again now, under the same file names. */
async function rerun(before: Map<string, Recording>): Promise<Map<string, Recording>> {
  const runs = [...before].map(async ([file, rec]) => {
    const request = rec.request as RunRequest;
    const { revealedOutputs: _revealed, ...run } = await runStack(request);
    return [file, JSON.parse(JSON.stringify({ request, ...run })) as Recording] as const;
  });
  return new Map(await Promise.all(runs));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(RECORDINGS_COMMAND, argv);
  if (typeof values.before !== "string" || (typeof values.after !== "string") === !values.rerun) {
    throw new Error("give --before <dir> and either --after <dir> or --rerun");
  }
  const before = read(values.before);
  const after = values.rerun ? await rerun(before) : read(values.after as string);
  let differing = 0;
  let codeOnly = 0;
  for (const [file, rec] of before) {
    const other = after.get(file);
    const lines = other ? differences(rec, other) : ["missing after"];
    if (lines.length === 0) continue;
    if (other && !values.code && differOnlyInCode(rec, other)) {
      codeOnly++;
      continue;
    }
    differing++;
    console.log(`${file} ${JSON.stringify(rec.request)}\n  ${lines.join("\n  ")}`);
  }
  for (const file of after.keys()) if (!before.has(file)) (differing++, console.log(`${file}: only after`));
  const code = values.code ? "" : `, and ${codeOnly} differ only in a function's bundled code (--code counts them)`;
  console.log(`${before.size} runs before, ${after.size} after, ${differing} differ${code}`);
  return differing === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), exitWith);
}
