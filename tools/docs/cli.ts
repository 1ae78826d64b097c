/**
 * `npm run docs [-- --check]`: writes the generated parts of the pages under docs/: each page's
 * table of contents (between `<!-- toc -->` and `<!-- /toc -->`) and, in docs/config.md, the
 * table of config keys from Pulumi.yaml (between `<!-- keys -->` and `<!-- /keys -->`). Prose
 * outside those regions is written by hand. With `--check` nothing is written, and the command
 * exits 1 naming each page that is stale. docs/comparison.md is `npm run compare`'s.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandSpec, exitWith, parseCommandLine } from "../../offline/cliArgs";
import { configTable } from "./configReference";
import { fillRegion, hasRegion, tableOfContents } from "./markdown";

const ROOT = path.join(__dirname, "..", "..");

/** `npm run docs`'s flags (its `--help` is made from them). */
export const DOCS_COMMAND: CommandSpec = {
  name: "npm run docs",
  summary: "Writes the tables of contents of docs/*.md and docs/config.md's config reference from Pulumi.yaml.",
  flags: {
    check: {
      type: "boolean",
      default: false,
      description: "write nothing; exit 1 if a page differs from what would be written",
    },
  },
};

/** The page as `npm run docs` writes it: its key table (config.md) and its table of contents. */
export function renderPage(markdown: string, pulumiYaml: string): string {
  let page = hasRegion(markdown, "keys") ? fillRegion(markdown, "keys", configTable(pulumiYaml)) : markdown;
  if (hasRegion(page, "toc")) page = fillRegion(page, "toc", tableOfContents(page));
  return page;
}

/** Every page under `<root>/docs` with a generated region, and what it should hold. */
export function generatedPages(root: string): { file: string; current: string; wanted: string }[] {
  const pulumiYaml = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  const dir = path.join(root, "docs");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => {
      const current = fs.readFileSync(path.join(dir, f), "utf8");
      return { file: `docs/${f}`, current, wanted: renderPage(current, pulumiYaml) };
    })
    .filter(({ current }) => hasRegion(current, "toc") || hasRegion(current, "keys"));
}

/** Runs the command against the checkout at `root`; returns the exit code and what to print. */
export function runDocs(argv: string[], root = ROOT): { code: number; stdout: string } {
  const { values } = parseCommandLine(DOCS_COMMAND, argv);
  const stale = generatedPages(root).filter((p) => p.current !== p.wanted);
  if (values.check) {
    const lines = stale.map((p) => `${p.file} is stale: run npm run docs`);
    return { code: stale.length ? 1 : 0, stdout: lines.length ? `${lines.join("\n")}\n` : "docs are current\n" };
  }
  for (const p of stale) fs.writeFileSync(path.join(root, p.file), p.wanted);
  return { code: 0, stdout: stale.length ? stale.map((p) => `wrote ${p.file}\n`).join("") : "docs are current\n" };
}

if (require.main === module) {
  try {
    const { code, stdout } = runDocs(process.argv.slice(2));
    process.stdout.write(stdout);
    process.exit(code);
  } catch (err) {
    exitWith(err);
  }
}
