import * as assert from "assert";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { START_COMMAND, banner, howToCall, main } from "../../../local/cli/start";
import { DEFAULT_DATA_DIR, parseLocalArgs } from "../../../local/cli/command";
import { HelpRequested, UsageError } from "../../../offline/cliArgs";
import type { LocalOutputs } from "../../../local/localStack";
import { DOOR_REPORTS } from "../../../components/doors/reportRegistry";

/** Outputs as a local door writes them, with only what the printed commands read. */
function outputs(authMode: string, client: Record<string, unknown>, extra: Partial<LocalOutputs> = {}): LocalOutputs {
  return {
    authMode,
    url: "http://127.0.0.1:3000/v1/",
    client,
    secrets: { apiKeys: { reporting: "key-reporting", ops: "key-ops" } },
    local: {
      users: [
        { username: "alice", email: "alice@example.com", groups: [] },
        { username: "dave", email: "dave@example.com", groups: ["pro"] },
      ],
      principals: { trusted: [] },
      endpoints: { aws: "http://127.0.0.1:4001" },
    },
    ...extra,
  } as unknown as LocalOutputs;
}

describe("npm start: how to call the door it serves", () => {
  it("given a door of raw ID tokens (cognito), then a token from npm run token goes in Authorization as is", () => {
    const lines = howToCall(
      outputs("cognito", { credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: false } }),
    ).join("\n");
    assert.match(lines, /TOKEN=\$\(npm run -s token -- --user alice\)/);
    assert.match(lines, /curl -H "Authorization: \$TOKEN" http:\/\/127\.0\.0\.1:3000\/v1\/notes/);
    assert.doesNotMatch(lines, /x-api-key|Bearer/);
  });

  it(
    "given a door of bearer access tokens with scopes (http-jwt), then Bearer, a read-only token, and the " +
      "machine client when there is one",
    () => {
      const lines = howToCall(
        outputs("http-jwt", {
          credential: { kind: "user-token", token: "access", scheme: "bearer", apiKey: false },
          scopes: { read: "notes/read" },
          machineClientId: "m2m",
        }),
      ).join("\n");
      assert.match(lines, /-H "Authorization: Bearer \$TOKEN"/);
      assert.match(lines, /--scope notes\/read\).*writes get 403/);
      assert.match(lines, /npm run -s token -- --client machine/);
    },
  );

  it("given a tiered door (lambda-authorizer), then a user of another tier is named", () => {
    const lines = howToCall(
      outputs("lambda-authorizer", {
        credential: { kind: "user-token", token: "access", scheme: "bearer", apiKey: false },
        tiers: { free: {}, pro: { group: "pro" } },
      }),
    ).join("\n");
    assert.match(lines, /--user dave\).*another tier \(pro\)/);
  });

  it(
    "given keys with tokens (api-key with apiKeyWithCognito), then both; given keys alone, then one line " +
      "per application and no token",
    () => {
      const both = howToCall(
        outputs("api-key", { credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: true } }),
      ).join("\n");
      assert.match(both, /-H "Authorization: \$TOKEN" -H "x-api-key: key-reporting"/);
      const keys = howToCall(outputs("api-key", { credential: { kind: "api-key" } })).join("\n");
      assert.match(keys, /-H "x-api-key: key-reporting" .*# the reporting application/);
      assert.match(keys, /-H "x-api-key: key-ops" .*# the ops application/);
      assert.doesNotMatch(keys, /TOKEN/);
    },
  );

  it(
    "given a door of API keys alone, then the banner lists no users (npm run token refuses them there); " +
      "with tokens too, then it lists them",
    () => {
      const withPool = (client: Record<string, unknown>) => {
        const o = outputs("api-key", client);
        Object.assign(o.local, {
          stack: "dev",
          gateway: "REST",
          idp: { issuer: "http://127.0.0.1:3001/pool", tokenEndpoint: "t", authorizeEndpoint: "a" },
          users: [{ username: "alice", email: "alice@example.com", password: "pw", groups: [] }],
          principals: { operator: { accessKeyId: "AKIA", secretAccessKey: "s", arn: "arn" }, trusted: [] },
          endpoints: { aws: "http://127.0.0.1:3002", dynamodb: "d", s3: "s" },
          dataDir: "/tmp/x",
        });
        return banner(o);
      };
      const keysOnly = withPool({ credential: { kind: "api-key" } });
      assert.doesNotMatch(keysOnly, /alice/);
      assert.match(keysOnly, /users: +none at this door: it takes the API keys below/);
      assert.match(
        withPool({ credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: true } }),
        /users: +alice \(alice@example\.com \/ pw\)/,
      );
    },
  );

  it("given the ALB door, then the session cookie from npm run token", () => {
    const lines = howToCall(outputs("alb-oidc", { credential: { kind: "alb-session" } })).join("\n");
    assert.match(lines, /COOKIE=\$\(npm run -s token -- --user alice\)/);
    assert.match(lines, /-H "cookie: \$COOKIE"/);
  });

  it(
    "given the iam door without a machine role, then SigV4 with the identity pool's credentials, and how to " +
      "start it with one",
    () => {
      const lines = howToCall(
        outputs("iam", { credential: { kind: "identity-pool-sigv4" }, region: "eu-west-1" }),
      ).join("\n");
      assert.match(lines, /eval "\$\(npm run -s token -- --user alice\)"/);
      assert.match(lines, /curl --aws-sigv4 "aws:amz:eu-west-1:execute-api"/);
      // the hint is the door's own machines variant, so it starts a door that prints npm run call:iam
      const machines = DOOR_REPORTS.iam.variants.machines as {
        machineRolePrincipals: string[];
        machineRoleExternalId: string;
      };
      assert.ok(
        lines.includes(`--set 'machineRolePrincipals=${JSON.stringify(machines.machineRolePrincipals)}'`) &&
          lines.includes(`--set 'machineRoleExternalId=${machines.machineRoleExternalId}'`),
        lines,
      );
    },
  );

  it(
    "given the iam door with two trusted machines, then npm run call:iam for each with its own local " +
      "credentials and its own role",
    () => {
      const trusted = [
        {
          arn: "arn:aws:sts::210987654321:assumed-role/reporting/local",
          principal: "arn:aws:iam::210987654321:role/reporting",
          accessKeyId: "ASIA1",
          secretAccessKey: "s",
          sessionToken: "t",
          roleArn: "arn:aws:iam::123456789012:role/door-machine-aaaa",
          externalId: "x",
        },
        {
          arn: "arn:aws:sts::210987654321:assumed-role/billing/local",
          principal: "arn:aws:iam::210987654321:role/billing",
          accessKeyId: "ASIA2",
          secretAccessKey: "s",
          sessionToken: "t",
          roleArn: "arn:aws:iam::123456789012:role/door-machine-bbbb",
          externalId: "x",
        },
      ];
      const o = outputs("iam", {
        credential: { kind: "identity-pool-sigv4" },
        machineRoleArns: Object.fromEntries(trusted.map((t) => [t.principal, t.roleArn])),
      });
      (o.local as any).principals.trusted = trusted;
      const lines = howToCall(o).join("\n");
      assert.match(
        lines,
        new RegExp(
          String.raw`AWS_ACCESS_KEY_ID=ASIA1 .*AWS_ENDPOINT_URL_STS=http:\/\/127\.0\.0\.1:4001 \\\n\s+` +
            String.raw`npm run call:iam -- --url http:\/\/127\.0\.0\.1:3000\/v1\/notes ` +
            String.raw`--role-arn arn:aws:iam::123456789012:role\/door-machine-aaaa --external-id x --region`,
        ),
      );
      assert.match(
        lines,
        new RegExp(
          String.raw`AWS_ACCESS_KEY_ID=ASIA2 .*\n\s+npm run call:iam -- .*--ro` +
            String.raw`le-arn arn:aws:iam::123456789012:role\/door-machine-bbbb `,
        ),
      );
    },
  );
});

/** A port whose next two are free too (npm start takes port, port + 1 and port + 2), on loopback. */
async function freePorts(): Promise<number> {
  for (;;) {
    const base = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const free = await Promise.all(
      [1, 2].map(
        (i) =>
          new Promise<boolean>((resolve) => {
            const s = net
              .createServer()
              .once("error", () => resolve(false))
              .listen(base + i, "127.0.0.1", () => s.close(() => resolve(true)));
          }),
      ),
    );
    if (base < 65530 && free.every(Boolean)) return base;
  }
}

describe("npm start's flags", () => {
  it("given --help, then it lists every flag with its default, and starts nothing", async () => {
    await assert.rejects(
      main(["--help"]),
      (err) =>
        err instanceof HelpRequested &&
        /^Usage: npm start/.test(err.text) &&
        /--port <port> .*\(default: 3000\)/.test(err.text) &&
        /--stack <name> .*\(default: dev\)/.test(err.text) &&
        ["--door", "--set", "--data-dir", "--fault"].every((f) => err.text.includes(`  ${f} `)),
    );
  });

  it("given --k=v or --k v, repeated --set, then the same values as before; an unknown flag is refused", () => {
    assert.deepEqual(
      parseLocalArgs(
        [
          "--door=iam",
          "--port",
          "0",
          "--app-port=5200",
          "--set",
          "m2mClient=true",
          "--set=logRetentionDays=7",
          "--stack=prod",
        ],
        START_COMMAND,
      ),
      {
        door: "iam",
        doors: ["iam"],
        stack: "prod",
        overrides: { m2mClient: true, logRetentionDays: 7 },
        port: 0,
        appPort: 5200,
        dataDir: DEFAULT_DATA_DIR,
        scopes: [],
        faults: [],
      },
    );
    assert.deepEqual(parseLocalArgs([], START_COMMAND), {
      stack: "dev",
      overrides: {},
      port: 3000,
      appPort: 5173,
      dataDir: DEFAULT_DATA_DIR,
      scopes: [],
      faults: [],
      doors: [],
    });
    assert.deepEqual(parseLocalArgs(["--fault", "dynamodb=throttle", "--fault=s3=stall:200"], START_COMMAND).faults, [
      { service: "dynamodb", fault: { kind: "throttle" } },
      { service: "s3", fault: { kind: "stall", ms: 200 } },
    ]);
    assert.throws(() => parseLocalArgs(["--fault", "dynamodb=slow"], START_COMMAND), /throttle, refuse or stall:<ms>/);
    assert.throws(
      () => parseLocalArgs(["--user", "alice"], START_COMMAND),
      (err) => err instanceof UsageError && /^unknown argument --user \(see npm start -- --help\)/.test(err.message),
    );
    assert.throws(() => parseLocalArgs(["--port", "x"], START_COMMAND), /--port x is not a port/);
    assert.throws(() => parseLocalArgs(["--app-port", "70000"], START_COMMAND), /--app-port 70000 is not a port/);
  });
});

describe("npm start -- --door with several doors", () => {
  it("given --door cognito,http-jwt, then both doors in that order; a door named twice or unknown is refused", () => {
    const args = parseLocalArgs(["--door", "cognito,http-jwt"], START_COMMAND);
    assert.deepEqual(args.doors, ["cognito", "http-jwt"]);
    assert.equal(args.door, undefined, "no single door");
    assert.throws(() => parseLocalArgs(["--door", "iam,iam"], START_COMMAND), /--door names iam twice/);
    assert.throws(() => parseLocalArgs(["--door", "iam,saml"], START_COMMAND), /--door saml: the doors are iam, /);
    assert.throws(() => parseLocalArgs(["--door", ","], START_COMMAND), /name a door .* or several, comma-separated/);
  });

  it(
    "given the outputs of two doors, then the banner lists the shared services once and, per door, its gateway, " +
      "its url and how to call it (npm run token -- --door for the other door)",
    () => {
      const o = outputs(
        "cognito",
        { credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: false } },
        {
          doors: ["cognito", "http-jwt"],
          urls: { cognito: "http://127.0.0.1:3000/v1/", "http-jwt": "http://127.0.0.1:3003/" },
          clients: {
            cognito: { credential: { kind: "user-token", token: "id", scheme: "raw", apiKey: false } },
            "http-jwt": { credential: { kind: "user-token", token: "access", scheme: "bearer", apiKey: false } },
          },
        },
      );
      Object.assign(o.local, {
        stack: "dev",
        gateway: "REST; HTTP",
        gateways: { cognito: "REST API door-api", "http-jwt": "HTTP API door-api" },
        principals: { operator: { accessKeyId: "AKIA", secretAccessKey: "s", arn: "arn" }, trusted: [] },
        endpoints: { aws: "http://127.0.0.1:3002", dynamodb: "d", s3: "s" },
        dataDir: "/tmp/x",
      });
      const text = banner(o);
      assert.match(text, /^Local doors cognito, http-jwt of stack dev, side by side over one backend/);
      assert.equal(text.match(/AWS APIs: /g)?.length, 1, "the shared services once");
      const [, atCognito, atHttpJwt] = text.split(/\n(?=Local (?:cognito|http-jwt) door)/);
      assert.match(atCognito, /^Local cognito door of stack dev: REST API door-api\n/);
      assert.match(atCognito, /url: +http:\/\/127\.0\.0\.1:3000\/v1\/\n/);
      assert.match(atCognito, /TOKEN=\$\(npm run -s token -- --user alice\)\n/);
      assert.match(atCognito, /curl -H "Authorization: \$TOKEN" http:\/\/127\.0\.0\.1:3000\/v1\/notes/);
      assert.match(atHttpJwt, /^Local http-jwt door of stack dev: HTTP API door-api\n/);
      assert.match(atHttpJwt, /TOKEN=\$\(npm run -s token -- --user alice --door http-jwt\)/);
      assert.match(atHttpJwt, /curl -H "Authorization: Bearer \$TOKEN" http:\/\/127\.0\.0\.1:3003\/notes/);
    },
  );
});

describe("npm start, as a process", function () {
  this.timeout(60_000);

  it(
    "given a config the Pulumi CLI refuses (a value of the wrong type), then it stops before running " +
      "anything, with the CLI's message (config.go validateStackConfigValue)",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-start-"));
      try {
        const child = spawn(
          process.execPath,
          [
            "-r",
            "ts-node/register/transpile-only",
            "local/cli/start.ts",
            "--set",
            "logRetentionDays=a month",
            "--data-dir",
            dataDir,
          ],
          { cwd: path.join(__dirname, "..", "..", ".."), stdio: ["ignore", "pipe", "pipe"] },
        );
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        assert.equal(code, 2, err);
        assert.match(
          err,
          new RegExp(
            String.raw`the Pulumi CLI would refuse this stack before the program runs: Stack '` +
              String.raw`dev' with configuration key 'logRetentionDays' must be of type 'integer'`,
          ),
        );
        assert.deepEqual(fs.readdirSync(dataDir), [], "nothing started");
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );

  it(
    "given a door, when it starts, then it serves within 20 s and prints how long it took since the process " +
      "started; when Ctrl-C comes, then it stops everything and releases its data folder",
    async () => {
      const spawnedAt = Date.now();
      const start = await startProcess("node");
      try {
        const wall = (Date.now() - spawnedAt) / 1000;
        const seconds = Number(/\(started in ([\d.]+) s\)/.exec(start.out())![1]);
        assert.ok(seconds < 20, `started in ${seconds} s`);
        // the printed time counts from the process's start (node's clock), not from when the program ran
        assert.ok(seconds >= wall - 1, `printed ${seconds} s, waited ${wall.toFixed(1)} s`);
        const url = `http://127.0.0.1:${start.port}/v1/notes`;
        assert.equal((await fetch(url)).status, 401, "the door answers: no token, the authorizer's 401");
        // the browser app is served on its own origin, which the program recorded as a CORS origin and a callback
        const app = /In a browser: (http:\/\/localhost:\d+)/.exec(start.out())![1];
        const config = (await (await fetch(`${app.replace("localhost", "127.0.0.1")}/config.json`)).json()) as any;
        assert.equal(config.signIn.redirectUri, `${app}/callback`);
        const outputs = JSON.parse(fs.readFileSync(path.join(start.dataDir, "outputs.json"), "utf8"));
        assert.ok(outputs.local.corsOrigins.includes(app), `${app} in ${outputs.local.corsOrigins}`);
        assert.ok(fs.existsSync(path.join(start.dataDir, "lock.json")), "the data folder is taken while it runs");
        assert.match(start.out(), new RegExp(`Ctrl-C or kill ${start.child.pid} stops it`));
        // when a second one starts from the same folder, then it names the pid to stop
        const second = spawnSync(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", "local/cli/start.ts", "--data-dir", start.dataDir],
          { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(second.status, 1, second.stderr);
        assert.match(
          second.stderr,
          new RegExp(`already running: .*pid ${start.child.pid}\\).*kill ${start.child.pid}`),
        );
        // when Ctrl-C comes
        start.child.kill("SIGINT");
        assert.equal(await start.exited, 0, start.out());
        await start.assertStopped();
      } finally {
        start.cleanUp();
      }
    },
  );

  describe("given npm start run through npm", () => {
    const SIGNALS = ["SIGTERM", "SIGKILL"] as const;
    // One start per signal, side by side (each start mostly waits on its own process).
    let started: Record<(typeof SIGNALS)[number], Promise<Awaited<ReturnType<typeof startProcess>>>>;
    before(() => {
      started = { SIGTERM: startProcess("npm"), SIGKILL: startProcess("npm") };
      // A start that fails is reported by its own spec; none is left unhandled meanwhile.
      for (const p of Object.values(started)) p.catch(() => undefined);
    });
    after(async () => {
      for (const p of Object.values(started)) (await p.catch(() => undefined))?.cleanUp();
    });
    for (const signal of SIGNALS)
      it(
        `when npm is killed (${signal}), then the server stops too: its ports and its data folder are ` + "free",
        async () => {
          const start = await started[signal];
          assert.equal((await fetch(`http://127.0.0.1:${start.port}/v1/notes`)).status, 401, "it serves");
          start.child.kill(signal);
          await start.assertStopped();
          assert.match(start.out(), /Stopping \(the process that started it \(pid \d+\) ended\)/);
        },
      );
  });
});

const ROOT = path.join(__dirname, "..", "..", "..");

/**
 * `npm start -- --door cognito` on free ports with its own data folder, started as `node local/cli/start.ts` or
 * through `npm start` (npm, then sh, then node); resolves once it prints that it started.
 */
async function startProcess(how: "node" | "npm") {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-start-"));
  const port = await freePorts();
  const flags = ["--door", "cognito", "--data-dir", dataDir, "--port", String(port), "--app-port", "0"];
  const child =
    how === "node"
      ? spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "local/cli/start.ts", ...flags], {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn("npm", ["start", "--", ...flags], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const closed = async (p: number) => {
    try {
      await fetch(`http://127.0.0.1:${p}/`);
      return false;
    } catch {
      return true;
    }
  };
  const waitFor = (done: () => boolean | Promise<boolean>, what: string, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const until = Date.now() + ms;
      const poll = async () => {
        if (await done()) return resolve();
        if (Date.now() > until) return reject(new Error(`${what} within ${ms / 1000} s: ${out}`));
        setTimeout(poll, 100);
      };
      void poll();
    });
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}: ${out}`);
        return /\(started in [\d.]+ s\)/.test(out);
      },
      "started",
      45_000,
    );
  } catch (err) {
    child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  // The browser app's port, from the banner's "In a browser: http://localhost:<port>".
  const appPort = () => Number(/In a browser: http:\/\/localhost:(\d+)/.exec(out)?.[1]);
  return {
    child,
    port,
    dataDir,
    exited,
    out: () => out,
    /** Its three ports refuse connections and its lock is gone (within 5 s). */
    assertStopped: async () => {
      await waitFor(
        async () => (await Promise.all([port, port + 1, port + 2, appPort()].map(closed))).every(Boolean),
        "ports closed",
        5000,
      );
      await waitFor(() => !fs.existsSync(path.join(dataDir, "lock.json")), "lock released", 5000);
      await waitFor(() => /Stopped\.\n/.test(out), "Stopped. printed", 5000);
    },
    cleanUp: () => {
      // the server itself, whoever started it (npm's pid is not the server's once npm is gone)
      const pid = /kill (\d+) stops it/.exec(out)?.[1];
      if (pid)
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // already gone
        }
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
