import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HelpRequested, UsageError } from "../../../offline/cliArgs";
import { runDocs } from "../../../tools/docs/cli";

const ROOT = path.join(__dirname, "..", "..", "..");

/** A copy of the checkout's Pulumi.yaml and docs/ in a fresh folder. */
function copyOfDocs(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-docs-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.cpSync(path.join(ROOT, "docs"), path.join(dir, "docs"), { recursive: true });
  return dir;
}

describe("npm run docs", () => {
  it("docs/config.md and the tables of contents of docs/ are current (run `npm run docs` to regenerate)", () => {
    const { code, stdout } = runDocs(["--check"]);
    assert.equal(code, 0, stdout);
  });

  it("--check exits 1 naming docs/config.md when a description in Pulumi.yaml changed, and writes nothing", () => {
    // given a copy whose Pulumi.yaml describes authMode anew
    const dir = copyOfDocs();
    const yamlFile = path.join(dir, "Pulumi.yaml");
    fs.writeFileSync(
      yamlFile,
      fs.readFileSync(yamlFile, "utf8").replace(/(authMode:\n\s+type: string\n\s+description: ).*/, "$1A new text."),
    );
    const before = fs.readFileSync(path.join(dir, "docs", "config.md"), "utf8");
    // when checked
    const { code, stdout } = runDocs(["--check"], dir);
    // then it fails on that page alone, and the page is untouched
    assert.equal(code, 1);
    assert.equal(stdout, "docs/config.md is stale: run npm run docs\n");
    assert.equal(fs.readFileSync(path.join(dir, "docs", "config.md"), "utf8"), before);
    // and without --check the page is rewritten, after which --check passes
    assert.equal(runDocs([], dir).stdout, "wrote docs/config.md\n");
    assert.ok(
      fs
        .readFileSync(path.join(dir, "docs", "config.md"), "utf8")
        .includes("| `authMode` | string | none | A new text. |"),
    );
    assert.equal(runDocs(["--check"], dir).code, 0);
    fs.rmSync(dir, { recursive: true });
  });

  it("--check exits 1 when a page's headings and its table of contents differ", () => {
    const dir = copyOfDocs();
    const page = path.join(dir, "docs", "api.md");
    fs.writeFileSync(page, fs.readFileSync(page, "utf8").replace("## Errors", "## Errors and their statuses"));
    assert.deepEqual(runDocs(["--check"], dir), { code: 1, stdout: "docs/api.md is stale: run npm run docs\n" });
    fs.rmSync(dir, { recursive: true });
  });

  it("answers --help with its flags, and refuses an unknown flag", () => {
    assert.throws(
      () => runDocs(["--help"]),
      (err: unknown) => err instanceof HelpRequested && /--check/.test(err.text),
    );
    assert.throws(
      () => runDocs(["--fix"]),
      (err: unknown) => err instanceof UsageError && /unknown argument --fix/.test(err.message),
    );
  });
});
