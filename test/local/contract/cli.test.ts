import * as assert from "assert";
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
