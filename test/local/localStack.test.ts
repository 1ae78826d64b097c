import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ContractContext } from "../../local/contract/context";
import { NotEmulatedYet, copyRun } from "../../local/recorded";
import { startLocalStack } from "../../local/localStack";
import { AlreadyRunning } from "../../local/lock";
import { runMode } from "../support/stack";
import { DOOR_REPORTS } from "../../components/doors/reportRegistry";
import { LOCAL_DOORS, TestDoor, removeDir, startTestDoor } from "../support/localStack";

describe("local mode (startLocalStack)", function () {
  this.timeout(30000);

  it(
    "given alice's note written at the local cognito door, when the same data folder serves the " +
      "http-jwt door, then alice sees the same note (same sub, same table)",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-switch-"));
      let door: TestDoor | undefined;
      try {
        door = await startTestDoor("cognito", { dataDir });
        const atCognito = new ContractContext(door.outputs);
        const note = await atCognito.createNote(atCognito.parties.a, "written at the cognito door");
        await door.close();
        door = await startTestDoor("http-jwt", { dataDir });
        const atHttpJwt = new ContractContext(door.outputs);
        const r = await atHttpJwt.call(`/notes/${note.id}`, { auth: await atHttpJwt.as(atHttpJwt.parties.a) });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.title, "written at the cognito door");
        const bob = await atHttpJwt.call(`/notes/${note.id}`, { auth: await atHttpJwt.as(atHttpJwt.parties.b) });
        assert.equal(bob.status, 404, "bob still cannot read it");
      } finally {
        await door?.close();
        removeDir(dataDir);
      }
    },
  );

  it(
    "given the api-key door's printed key, when the door restarts from the same data folder, then the key " +
      "still works (its value is kept in the folder, as the signing key is)",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-keys-"));
      let door: TestDoor | undefined;
      const me = async (d: TestDoor, key: string) =>
        (await fetch(`${d.outputs.url.replace(/\/$/, "")}/me`, { headers: { "x-api-key": key } })).status;
      try {
        door = await startTestDoor("api-key", { dataDir, extra: LOCAL_DOORS["api-key"].extra });
        const printed = Object.values(door.outputs.secrets.apiKeys as Record<string, string>);
        assert.ok(printed.length > 0);
        assert.equal(await me(door, printed[0]), 200);
        await door.close();
        door = await startTestDoor("api-key", { dataDir, extra: LOCAL_DOORS["api-key"].extra });
        assert.deepEqual(Object.values(door.outputs.secrets.apiKeys as Record<string, string>), printed);
        for (const key of printed) assert.equal(await me(door, key), 200, "yesterday's key");
      } finally {
        await door?.close();
        removeDir(dataDir);
      }
    },
  );

  it(
    "given a local stack running from a data folder, when a second one starts from it, then it says " +
      "which one runs instead of failing on a busy port",
    async () => {
      const door = await startTestDoor("cognito");
      try {
        await assert.rejects(
          startLocalStack({
            run: await runMode("cognito"),
            stack: "test",
            dataDir: door.dataDir,
            port: 0,
            log: () => undefined,
          }),
          (err: unknown) => err instanceof AlreadyRunning && err.message.includes(door.outputs.url),
        );
        assert.equal(
          (await new ContractContext(door.outputs).call("/notes")).status,
          401,
          "the first one still serves",
        );
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the alb-oidc door with an external IdP (no local stand-in), when local mode starts it, " +
      "then it refuses clearly, naming what it cannot run, and leaves nothing running",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-external-"));
      try {
        await assert.rejects(
          startLocalStack({
            run: await runMode("alb-oidc", DOOR_REPORTS["alb-oidc"].variants.external),
            stack: "test",
            dataDir,
            port: 0,
            log: () => undefined,
          }),
          (err: unknown) =>
            err instanceof NotEmulatedYet &&
            /authenticate-oidc \(an external IdP has no local stand-in\)/.test(err.message),
        );
        assert.ok(!fs.existsSync(path.join(dataDir, "lock.json")), "the lock is released");
      } finally {
        removeDir(dataDir);
      }
    },
  );

  it(
    "given the iam door with a managed policy on the identity pool's user role, when local mode " +
      "starts it, then it refuses, naming the role, instead of deciding calls without that policy",
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-managed-"));
      try {
        const run = copyRun(await runMode("iam"));
        const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "door-user-role")!;
        run.resources.push({
          ...role,
          type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          name: "door-user-extra",
          urn: `${role.urn}-extra`,
          inputs: {
            role: role.state.name ?? role.inputs.name,
            policyArn: "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess",
          },
          state: {},
        });
        await assert.rejects(
          startLocalStack({ run, stack: "test", dataDir, port: 0, log: () => undefined }),
          (err: unknown) =>
            err instanceof NotEmulatedYet && /managed policies on door-user-role/.test(String((err as Error).message)),
        );
      } finally {
        removeDir(dataDir);
      }
    },
  );

  it(
    "given the http-jwt door with a machine client, when it starts, then outputs.json has the stack " +
      "outputs' keys with local values, the local secret, and a local section",
    async () => {
      const run = await runMode("http-jwt", { m2mClient: true });
      const door = await startTestDoor("http-jwt", { extra: { m2mClient: true } });
      try {
        const written = JSON.parse(fs.readFileSync(path.join(door.dataDir, "outputs.json"), "utf8"));
        assert.deepEqual(Object.keys(written).sort(), [...Object.keys(run.outputs), "local"].sort());
        assert.match(written.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
        assert.equal(written.client.issuer, written.local.idp.issuer, "the recorded issuer is mapped to the local one");
        assert.match(written.client.tokenEndpoint, /^http:\/\/127\.0\.0\.1:\d+\//);
        assert.equal(typeof written.secrets.machineClientSecret, "string");
        assert.doesNotMatch(written.secrets.machineClientSecret, /mock/, "the local user pool's own secret");
        assert.deepEqual(
          written.local.users.map((u: { username: string }) => u.username),
          ["alice", "bob", "carol", "dave"],
        );
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );
});
