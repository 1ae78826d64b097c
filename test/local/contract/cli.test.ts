import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTRACT_COMMAND, main } from "../../../local/contract/cli";
import { parseLocalArgs } from "../../../local/cli/command";
import { HelpRequested } from "../../../offline/cliArgs";

describe("npm run contract's flags", () => {
  it("given --help, then it lists every flag it takes, and runs no check", async () => {
    await assert.rejects(
      main(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run contract/.test(err.text) &&
        ["--door", "--stack", "--set", "--outputs", "--data-dir", "--verbose"].every((f) =>
          err.text.includes(`  ${f} `),
        ),
    );
  });

  it("given --outputs=file, then it reads that file", () => {
    assert.equal(
      parseLocalArgs(["--outputs=x.json", "--door", "iam"], CONTRACT_COMMAND).outputs,
      path.resolve("x.json"),
    );
  });
});

describe("npm run contract against a stack of several doors", function () {
  this.timeout(60000);
  it(
    "given no running stack and --door cognito,http-jwt, when the suite runs, then it starts one stack of both " +
      "doors and checks each door at its own url, with a section and a summary per door, and all pass",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-contract-doors-"));
      const printed: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((text: string) => printed.push(text) > 0) as typeof process.stdout.write;
      let code: number;
      try {
        code = await main(["--door", "cognito,http-jwt", "--data-dir", dataDir]);
      } finally {
        process.stdout.write = write;
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      const text = printed.join("");
      assert.equal(code, 0, text);
      const sections = text.split(/\n(?=Contract suite against the )/).slice(1);
      assert.deepEqual(
        sections.map((t) => /^Contract suite against the ([\w-]+) door at (\S+)/.exec(t)?.[1]),
        ["cognito", "http-jwt"],
      );
      const origins = sections.map((t) => new URL(/ door at (\S+)/.exec(t)![1]).origin);
      assert.notEqual(origins[0], origins[1], "each door at its own origin");
      for (const t of sections) assert.match(t, /\n\d+ passed, 0 failed, \d+ skipped\n/);
      assert.match(sections[1], /ok +read-only-token/, "the http-jwt door's own checks");
      assert.match(text, /\n2 doors: every check passed\n$/);
    },
  );
});
