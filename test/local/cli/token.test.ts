import * as assert from "assert";
import { TOKEN_COMMAND, main } from "../../../local/cli/token";
import { parseLocalArgs } from "../../../local/cli/command";
import { HelpRequested } from "../../../offline/cliArgs";

describe("npm run token's flags", () => {
  it("given --help, then it lists every flag it takes, and signs nobody in", async () => {
    await assert.rejects(
      main(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm run token/.test(err.text) &&
        ["--user", "--door", "--client", "--scope", "--data-dir"].every((f) => err.text.includes(`  ${f} `)) &&
        !err.text.includes("--port"),
    );
  });

  it("given repeated --scope, in either form, then every scope is asked for", () => {
    assert.deepEqual(
      parseLocalArgs(["--scope=notes/read", "--scope", "notes/write,notes/admin", "--user", "alice"], TOKEN_COMMAND)
        .scopes,
      ["notes/read", "notes/write", "notes/admin"],
    );
  });
});
