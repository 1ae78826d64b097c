import * as assert from "assert";
import { TOKEN_COMMAND, main } from "../../../local/cli/token";
import { parseLocalArgs } from "../../../local/cli/command";
import { HelpRequested } from "../../../offline/cliArgs";
import { CORP_IDP, TestDoor, useTestDoor } from "../../support/localStack";

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

describe("npm run token at a local stack of several doors", function () {
  this.timeout(30000);
  let stack: TestDoor;
  // with a corporate OIDC IdP federated into the pool (local mode plays it with a stand-in)
  useTestDoor((started) => (stack = started), "cognito", {
    extra: {
      doors: ["cognito", "http-jwt"],
      authMode: undefined,
      ...CORP_IDP,
    },
  });

  /** What `npm run token` prints to stdout (the token alone). */
  async function printed(argv: string[]): Promise<string> {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((text: string) => out.push(text) > 0) as typeof process.stdout.write;
    try {
      await main([...argv, "--data-dir", stack.dataDir]);
    } finally {
      process.stdout.write = write;
    }
    return out.join("").trim();
  }
  const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));

  it(
    "given no --door, then the primary door's token (cognito: the ID token); given --door http-jwt, then that " +
      "door's (an access token with its scopes); given a door the stack does not serve, then it names the doors",
    async () => {
      assert.equal(claimsOf(await printed(["--user", "alice"])).token_use, "id");
      const access = claimsOf(await printed(["--user", "alice", "--door", "http-jwt"]));
      assert.equal(access.token_use, "access");
      assert.match(access.scope, /notes\/write/);
      await assert.rejects(
        main(["--user", "alice", "--door", "iam", "--data-dir", stack.dataDir]),
        /serves the cognito, http-jwt doors; restart it with npm start -- --door iam/,
      );
      await assert.rejects(
        main(["--user", "alice", "--door", "cognito,http-jwt", "--data-dir", stack.dataDir]),
        /name one door to sign in at/,
      );
    },
  );

  it(
    "given --idp Corp and the stand-in's user, then a token of the pool for the federated user Corp_<sub>; " +
      "given an IdP the stack does not federate, then it names the ones it does",
    async () => {
      const id = claimsOf(await printed(["--user", "dana@corp.example", "--idp", "Corp"]));
      assert.match(id["cognito:username"], /^Corp_/);
      assert.equal(id.token_use, "id");
      await assert.rejects(main(["--user", "dana@corp.example", "--idp", "Nope", "--data-dir", stack.dataDir]), /Corp/);
    },
  );
});
