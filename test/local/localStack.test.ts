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
import { CORP_IDP, LOCAL_DOORS, TestDoor, removeDir, startTestDoor } from "../support/localStack";
import { atDoor, authorization, doorToken, signIn } from "../../local/clients/doorClient";
import { UPSTREAM_USERS } from "../../local/services/upstream";
import { restV1Event } from "../../local/gateways/events";
import { gatewayClaimStrings } from "../../awsRules/gatewayClaims";
import { DOORS } from "../../components/doors/registry";

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

describe("local mode with several doors at once (startLocalStack, doors: [cognito, http-jwt, alb-oidc])", function () {
  this.timeout(30000);
  let stack: TestDoor;
  let cognito: ContractContext;
  let httpJwt: ContractContext;
  let alb: ContractContext;
  const DOORS_AT_ONCE = ["cognito", "http-jwt", "alb-oidc"];
  before(async () => {
    stack = await startTestDoor("cognito", {
      extra: {
        doors: DOORS_AT_ONCE,
        authMode: undefined,
        // alb-oidc beside other doors: the load balancer's own DNS name, its listener's certificate.
        albWithoutDomainName: true,
        domainCertificateArn: DOORS["alb-oidc"].minimalConfig.domainCertificateArn,
      },
    });
    [cognito, httpJwt, alb] = DOORS_AT_ONCE.map((d) => new ContractContext(atDoor(stack.outputs, d)));
  });
  after(async () => {
    await stack?.close();
    if (stack) removeDir(stack.dataDir);
  });

  it(
    "given one local stack of three doors, when it starts, then each door has its own origin (as each has its own " +
      "host in AWS; the load balancer's on localhost, the browser app's site) and outputs.json names each one's " +
      "url and client, the primary's as url and client",
    () => {
      const written = JSON.parse(fs.readFileSync(path.join(stack.dataDir, "outputs.json"), "utf8"));
      assert.deepEqual(written.doors, DOORS_AT_ONCE);
      const origins = DOORS_AT_ONCE.map((d) => new URL(written.urls[d]).origin);
      assert.match(
        origins.join(", "),
        /^http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+, http:\/\/localhost:\d+$/,
      );
      assert.equal(new Set(origins).size, DOORS_AT_ONCE.length, origins.join(", "));
      assert.equal(written.url, written.urls.cognito);
      assert.deepEqual(written.client, written.clients.cognito);
      assert.equal(written.clients["http-jwt"].credential.scheme, "bearer");
      assert.match(written.local.gateways["http-jwt"], /^HTTP API /);
      assert.match(written.local.gateways.cognito, /^REST API /);
      assert.match(written.local.gateways["alb-oidc"], /load balancer/i);
    },
  );

  it(
    "given alice signed in at the cognito, http-jwt and alb-oidc doors of one stack, when she writes a note at " +
      "two, then every door sees the same sub and lists both notes, and bob sees neither",
    async () => {
      const a = cognito.parties.a;
      const contexts = [cognito, httpJwt, alb];
      for (const [i, ctx] of contexts.entries()) {
        const me = await ctx.call("/me", { auth: await ctx.as(a) });
        assert.equal(me.status, 200, `${DOORS_AT_ONCE[i]}: ${me.text}`);
        assert.equal(me.json.door, DOORS_AT_ONCE[i]);
        assert.equal(me.json.id, a.user!.sub, `alice's sub at ${DOORS_AT_ONCE[i]}`);
      }
      const written = [await cognito.createNote(a, "at the cognito door"), await httpJwt.createNote(a, "at http-jwt")];
      try {
        for (const ctx of contexts) {
          const list = await ctx.call("/notes", { auth: await ctx.as(a) });
          assert.equal(list.status, 200, list.text);
          const ids = (list.json.items as { noteId: string }[]).map((n) => n.noteId);
          for (const n of written) assert.ok(ids.includes(n.id), `${ctx.facts.name} lists ${n.title}`);
          const bob = await ctx.call(`/notes/${written[0].id}`, { auth: await ctx.as(ctx.parties.b) });
          assert.equal(bob.status, 404, `bob at ${ctx.facts.name}`);
        }
      } finally {
        await cognito.cleanup();
        await httpJwt.cleanup();
      }
    },
  );

  it(
    "given alice's verified claims in the event of one door's shape, when the event carries the other door's " +
      "API id, then the function refuses it (401), and serves the same event carrying its own door's id",
    async () => {
      const a = cognito.parties.a;
      const tokens = await signIn(cognito.outputs, a.user!);
      const claims = JSON.parse(Buffer.from(tokens.id_token!.split(".")[1], "base64url").toString("utf8"));
      const apiIdOf = (door: string) =>
        stack.gateways.find((g) => stack.outputs.local.gateways[door].includes(g.api!.id))!.api!.id;
      const req = { method: "GET", path: "/me", headers: { host: "127.0.0.1" } };
      const rest = (apiId: string) =>
        restV1Event(req, {
          apiId,
          stage: "v1",
          accountId: "123456789012",
          resourcePath: "/me",
          pathParameters: null,
          authorizer: { claims: gatewayClaimStrings(claims, "rest") },
        });
      const statusOf = async (event: unknown) =>
        ((await stack.lambda.invoke(stack.outputs.functionName, event)).result as { statusCode: number }).statusCode;
      assert.equal(await statusOf(rest(apiIdOf("cognito"))), 200, "the cognito door's own event");
      assert.equal(await statusOf(rest(apiIdOf("http-jwt"))), 401, "a REST event carrying the HTTP API's id");
      assert.equal(await statusOf(rest("0000000000")), 401, "a REST event of another API");
    },
  );
});

describe("local mode federating into an upstream IdP stand-in (cognito and http-jwt doors)", function () {
  this.timeout(30000);
  let stack: TestDoor;
  const DOORS_AT_ONCE = ["cognito", "http-jwt"];
  const dana = UPSTREAM_USERS[0];
  before(async () => {
    stack = await startTestDoor("cognito", {
      extra: {
        doors: DOORS_AT_ONCE,
        authMode: undefined,
        ...CORP_IDP,
      },
    });
  });
  after(async () => {
    await stack?.close();
    if (stack) removeDir(stack.dataDir);
  });

  it(
    "given Dana at the stand-in, when she signs in with identity_provider=Corp at each door, then both doors " +
      "serve her as one user of the pool (the same sub, not the IdP's), and the second sign-in finds that user",
    async () => {
      assert.deepEqual(
        stack.outputs.local.idp?.identityProviders?.map((p) => [p.name, p.type, p.users[0].email]),
        [["Corp", "OIDC", dana.email]],
      );
      const subs: string[] = [];
      for (const door of DOORS_AT_ONCE) {
        const outputs = atDoor(stack.outputs, door);
        const tokens = await signIn(outputs, dana, { identityProvider: "Corp" });
        const ctx = new ContractContext(outputs);
        const me = await ctx.call("/me", { auth: authorization(outputs, doorToken(outputs, tokens)) });
        assert.equal(me.status, 200, `${door}: ${me.text}`);
        assert.equal(me.json.door, door);
        subs.push(me.json.id);
      }
      assert.equal(subs[0], subs[1], "one sub at both doors");
      assert.notEqual(subs[0], dana.sub, "the pool's sub, not the IdP's");
      const federated = stack.idp!.pools[0].users.filter((u) => u.status === "EXTERNAL_PROVIDER");
      assert.deepEqual(
        federated.map((u) => [u.username, u.sub]),
        [[`Corp_${dana.sub}`, subs[0]]],
      );
    },
  );

  it("given a SAML provider in the program, when local mode starts, then it refuses, naming it", async () => {
    const run = copyRun(await runMode("cognito"));
    run.resources.push({
      ...run.resources.find((r) => r.type === "aws:cognito/userPool:UserPool")!,
      type: "aws:cognito/identityProvider:IdentityProvider",
      name: "users-idp-Staff",
      inputs: { providerName: "Staff", providerType: "SAML", providerDetails: {}, attributeMapping: {} },
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-saml-"));
    try {
      await assert.rejects(
        startLocalStack({ run, stack: "test", dataDir }),
        (e: Error) => e instanceof NotEmulatedYet && /SAML identity provider Staff/.test(e.message),
      );
    } finally {
      removeDir(dataDir);
    }
  });
});
