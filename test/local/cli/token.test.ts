import * as assert from "assert";
import { TOKEN_COMMAND, main } from "../../../local/cli/token";
import { parseLocalArgs } from "../../../local/cli/command";
import { HelpRequested } from "../../../offline/cliArgs";
import { execFileSync } from "child_process";
import { CORP_IDP, LOCAL_DOORS, TestDoor, useTestDoor } from "../../support/localStack";
import { Credential, send, sigv4, withHeader } from "../../../local/clients/doorClient";
import { UPSTREAM_USERS } from "../../../local/services/upstream";

/** What `npm run token` prints to stdout at a running stack (the token alone). */
async function printed(stack: TestDoor, argv: string[]): Promise<string> {
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

/** What a door's /me answers a request with these credentials (a user's id, or the refusal's status). */
async function me(stack: TestDoor, credential: Credential): Promise<{ status: number; id?: string }> {
  const res = await send(
    await credential({ method: "GET", url: `${stack.outputs.url.replace(/\/$/, "")}/me`, headers: {} }),
  );
  return { status: res.status, id: res.status === 200 ? ((await res.json()) as { id: string }).id : undefined };
}

/** The sub of the pool's user for Dana, made by her first sign-in through the Corp stand-in. */
const danaSub = (stack: TestDoor) =>
  stack.idp!.pools[0].users.find((u) => u.username === `Corp_${UPSTREAM_USERS[0].sub}`)?.sub;
const aliceSub = (stack: TestDoor) => stack.outputs.local.users.find((u) => u.username === "alice")!.sub;

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

  it(
    "given no --door, then the primary door's token (cognito: the ID token); given --door http-jwt, then that " +
      "door's (an access token with its scopes); given a door the stack does not serve, then it names the doors",
    async () => {
      assert.equal(claimsOf(await printed(stack, ["--user", "alice"])).token_use, "id");
      const access = claimsOf(await printed(stack, ["--user", "alice", "--door", "http-jwt"]));
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
      const id = claimsOf(await printed(stack, ["--user", "dana@corp.example", "--idp", "Corp"]));
      assert.match(id["cognito:username"], /^Corp_/);
      assert.equal(id.token_use, "id");
      await assert.rejects(main(["--user", "dana@corp.example", "--idp", "Nope", "--data-dir", stack.dataDir]), /Corp/);
    },
  );
});

describe("npm run token at iam, with a corporate IdP federated into the pool", function () {
  this.timeout(30000);
  let stack: TestDoor;
  useTestDoor((started) => (stack = started), "iam", { extra: LOCAL_DOORS["iam with a machine role"].extra });

  /** The identity pool's credentials `eval "$(npm run -s token -- …)"` sets, signing /me with SigV4. */
  async function evaluated(argv: string[]): Promise<{ status: number; id?: string }> {
    const script = 'eval "$1"; printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"';
    const env = execFileSync("sh", ["-c", script, "sh", await printed(stack, argv)], { encoding: "utf8" });
    const [accessKeyId, secretAccessKey, sessionToken] = env.trim().split("\n");
    return me(stack, sigv4({ accessKeyId, secretAccessKey, sessionToken }, String(stack.outputs.region)));
  }

  it(
    "given --idp Corp, when its export lines are evaluated, then SigV4 with them serves the pool's federated " +
      "user Corp_<sub>, as --user alice's serve alice",
    async () => {
      assert.deepEqual(await evaluated(["--idp", "Corp"]), { status: 200, id: danaSub(stack) });
      assert.ok(danaSub(stack), "the pool has a user for Dana");
      assert.deepEqual(await evaluated(["--user", "alice"]), { status: 200, id: aliceSub(stack) });
    },
  );

  it(
    "given an identity provider the stack does not federate, then it names --idp, the stack's providers and the " +
      "types local mode plays (a SAML one stops npm start), and signs nobody in",
    async () => {
      await assert.rejects(
        main(["--idp", "Staff", "--data-dir", stack.dataDir]),
        (e: Error) =>
          /^--idp Staff: use one of the running stack's identity providers: Corp /.test(e.message) &&
          /OIDC, Google/.test(e.message) &&
          /a SAML one stops npm start/.test(e.message),
      );
    },
  );
});

describe("npm run token at alb-oidc, with a corporate IdP federated into the pool", function () {
  this.timeout(30000);
  let stack: TestDoor;
  useTestDoor((started) => (stack = started), "alb-oidc", { extra: LOCAL_DOORS["alb-oidc"].extra });

  it(
    "given --idp Corp, then the load balancer's session cookie after its login sent Dana through the pool to the " +
      "stand-in, which serves the pool's federated user, as --user alice's serves alice; given someone who is not " +
      "the provider's test user, then it names them",
    async () => {
      const cookie = await printed(stack, ["--idp", "Corp", "--user", "dana@corp.example"]);
      assert.deepEqual(await me(stack, withHeader("cookie", cookie)), { status: 200, id: danaSub(stack) });
      assert.ok(danaSub(stack), "the pool has a user for Dana");
      const alice = await printed(stack, ["--user", "alice"]);
      assert.deepEqual(await me(stack, withHeader("cookie", alice)), { status: 200, id: aliceSub(stack) });
      await assert.rejects(
        main(["--idp", "Corp", "--user", "alice@example.com", "--data-dir", stack.dataDir]),
        /^Error: --user alice@example.com: Corp's test users are dana@corp.example$/,
      );
    },
  );
});
