import * as assert from "assert";
import * as crypto from "crypto";
import { newAlbKey, signAlbData } from "../gateways/alb/albToken";
import {
  authorization,
  combine,
  credentialOf,
  doorToken,
  machineSignIn,
  sigv4,
  userTokenKind,
  withHeader,
} from "../clients/doorClient";
import type { ClientCredential } from "../../components/doors/door";
import { assumeMachineRole as assumeRole } from "../clients/iamClient";
import { albTargetEvent, distinguishedName, opensslSerial } from "../gateways/events";
import { decodeJwt } from "../clients/oauth";
import { ContractContext, ContractMachine, Party, Reply, Skip, expectStatus } from "./context";
import type { AuthMode } from "../../handlers/authModes";

export { ContractContext, Skip, localContractOptions } from "./context";
export type { ContractOptions, ContractParties, Party, Reply } from "./context";

/**
 * The contract suite: black-box calls against a running door with the clients a user has, from
 * the stack outputs alone. Checks that need what a target cannot give are skipped with the reason.
 */

/** A check of the contract; `skip` says why it cannot run against these outputs. */
export interface Check {
  id: string;
  /** given / when / then */
  title: string;
  /** The doors the check is about; unset: every door. */
  doors?: readonly AuthMode[];
  skip?(ctx: ContractContext): string | undefined;
  run(ctx: ContractContext): Promise<void>;
}

let ownKey: crypto.KeyObject | undefined;

/** A token signed by a key of our own, with the header and claims of a genuine one. */
function forge(token: string): string {
  const [header, payload] = token.split(".");
  const privateKey = (ownKey ??= crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
  const signature = crypto.sign("sha256", Buffer.from(`${header}.${payload}`), privateKey).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The same token with one signature byte changed. */
function tamper(token: string): string {
  const [h, p, s] = token.split(".");
  const sig = Buffer.from(s, "base64url");
  sig[sig.length >> 1] ^= 0xff;
  return `${h}.${p}.${sig.toString("base64url")}`;
}

/** Lists a party's notes' titles (all pages). */
async function titles(ctx: ContractContext, party: Party): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await ctx.call(`/notes?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { auth: await ctx.as(party) });
    expectStatus(r, 200, `${party.label} lists notes`);
    out.push(...r.json.items.map((n: { title: string }) => n.title));
    cursor = r.json.nextCursor;
  } while (cursor);
  return out;
}

const refused = (r: { status: number; text: string }, what: string) =>
  assert.ok(r.status === 401, `${what}: expected 401, got ${r.status} ${r.text.slice(0, 200)}`);
const tokenDoor = (ctx: ContractContext) =>
  ctx.takesTokens
    ? undefined
    : `the ${ctx.mode} door takes no bearer token (${ctx.mode === "iam" ? "SigV4: see the iam-* checks" : ctx.mode === "alb-oidc" ? "a session cookie: see the alb-* checks" : "an API key: see the api-key checks"})`;
const needsAdmin = (ctx: ContractContext) =>
  ctx.parties.admin ? undefined : "the door has no admin caller (an admin key needs apiKeyAdminClients)";
const noCorsAtAlb = (ctx: ContractContext) =>
  ctx.mode === "alb-oidc"
    ? "the load balancer authenticates every request, a preflight too (it is redirected to the login), so only same-origin pages call this door"
    : ctx.outputs.local?.corsOrigins.length
      ? undefined
      : "the stack lists no CORS origins";

const mtlsDoor = (ctx: ContractContext) =>
  ctx.options.tls?.cert
    ? undefined
    : "the door's domain asks for no client certificate (no mtlsTruststoreUri), or the run was given none";

/**
 * The mutual-TLS domain's refusal of a call made with `tls`: the handshake fails, so no HTTP
 * answer comes (local mode), or API Gateway answers 403 Forbidden, which AWS's knowledge center
 * gives for a certificate whose issuer is not in the truststore
 * (https://repost.aws/knowledge-center/api-gateway-mutual-tls-403-errors). Never the handler's answer.
 */
async function expectTlsRefusal(
  ctx: ContractContext,
  what: string,
  path: string,
  o: { method?: string; body?: unknown; tls: { ca?: string; cert?: string; key?: string } },
): Promise<void> {
  let r: Reply;
  try {
    r = await ctx.call(path, { ...o, auth: await ctx.as(ctx.parties.a) });
  } catch (err) {
    const code = String((err as NodeJS.ErrnoException).code ?? "");
    assert.match(code, /^(ERR_SSL_\w+|ECONNRESET|EPIPE)$/, `${what}: the call failed, but not at TLS: ${err}`);
    return;
  }
  expectStatus(r, 403, what);
  assert.deepEqual(r.json, { message: "Forbidden" }, `${what}: API Gateway's own 403`);
}

/** A machine's credential at this door: the machine client's token, an application's key, the machine role's signature. */
async function machineCredential(ctx: ContractContext) {
  if (ctx.outputs.client.machineClientId)
    return authorization(ctx.outputs, (await machineSignIn(ctx.outputs)).access_token);
  if (ctx.parties.a.key && !ctx.parties.a.user) return ctx.as(ctx.parties.a);
  if (ctx.mode === "iam" && machinesOf(ctx).length > 0)
    return sigv4(await assumeMachineRole(ctx, machinesOf(ctx)[0]), ctx.region);
  throw new Skip(`the ${ctx.mode} door has no machine caller here (m2mClient, an API key, machineRolePrincipals)`);
}

/** The usage plan (rate, burst, quota) of an API key or tier, when the outputs say. */
function planOf(
  ctx: ContractContext,
  party: Party,
): { rateLimit: number; burstLimit: number; quota?: { limit: number; period: string } } | undefined {
  if (ctx.mode === "lambda-authorizer") {
    const tiers = (ctx.outputs.client.tiers ?? {}) as Record<
      string,
      { group?: string; rateLimit: number; burstLimit: number; quota: string }
    >;
    const tier =
      Object.values(tiers).find((t) => t.group && party.user?.groups.includes(t.group)) ??
      Object.values(tiers).find((t) => !t.group);
    if (!tier) return undefined;
    const [limit, period] = tier.quota.split("/");
    return { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit, quota: { limit: Number(limit), period } };
  }
  const plan = ctx.outputs.local?.usagePlans.find((p) => party.key && p.keyIds.includes(party.key.keyId));
  return plan?.rateLimit !== undefined
    ? { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit ?? plan.rateLimit, quota: plan.quota }
    : undefined;
}

/** Sends `n` requests at once as a party; the statuses and messages of the answers. */
async function burst(ctx: ContractContext, party: Party, n: number): Promise<{ status: number; message?: string }[]> {
  const auth = await ctx.as(party);
  return Promise.all(
    Array.from({ length: n }, async () => {
      const r = await ctx.call("/me", { auth, noRetry: true });
      return { status: r.status, message: r.json?.message };
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spends a party's quota, one request after another (throttled ones retried), until "Limit Exceeded"; the number served. */
async function spendQuota(
  ctx: ContractContext,
  party: Party,
  plan: { burstLimit: number; quota?: { limit: number } },
): Promise<number> {
  const auth = await ctx.as(party);
  for (let served = 0; served <= plan.quota!.limit + plan.burstLimit; served++) {
    const r = await ctx.call("/me", { auth });
    if (r.status === 429 && r.json?.message === "Limit Exceeded") return served;
    expectStatus(r, 200, `${party.label} spending its quota`);
  }
  throw new assert.AssertionError({
    message: `${party.label} was served more than its quota (${plan.quota!.limit}) without "Limit Exceeded"`,
  });
}

/** Skips unless quotas may be spent here and the party's is small enough to spend in a test. */
function quotaSkip(ctx: ContractContext, party: Party | undefined): string | undefined {
  if (!ctx.options.spendQuotas)
    return "spending a whole quota blocks every caller of that key or tier until the period ends: done against local mode only";
  const plan = party && planOf(ctx, party);
  if (!plan?.quota) return "the outputs name no quota for this caller";
  if (plan.quota.limit > 500)
    return `a quota of ${plan.quota.limit} a ${plan.quota.period} takes too long to spend in a test (start the door with a small one, e.g. --set apiKeyQuotaLimit=100)`;
  return undefined;
}

/** The machines the options name, at a door with machine roles (`client.machineRoleArns`); one default-chain machine when none is named. */
function machinesOf(ctx: ContractContext): ContractMachine[] {
  if (Object.keys(machineRoleArns(ctx)).length === 0) return [];
  return ctx.options.machines ?? [{}];
}

/** `client.machineRoleArns`: each listed principal's own role. */
function machineRoleArns(ctx: ContractContext): Record<string, string> {
  return (ctx.outputs.client.machineRoleArns ?? {}) as Record<string, string>;
}

/** An STS client signed as the machine (its credentials, or the default chain). */
async function stsOf(ctx: ContractContext, machine: ContractMachine) {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({
    region: ctx.region,
    ...(ctx.options.awsEndpoint ? { endpoint: ctx.options.awsEndpoint } : {}),
    ...(machine.credentials ? { credentials: machine.credentials } : {}),
  });
  return { sts, callerArn: async () => String((await sts.send(new GetCallerIdentityCommand({}))).Arn) };
}

/**
 * The role of a machine: its listed principal's entry of `client.machineRoleArns`; for a machine
 * named by its credentials only, the entry of the principal they belong to (a role session's
 * role, a user, or its account's root).
 */
async function machineRoleOf(ctx: ContractContext, machine: ContractMachine): Promise<string> {
  const roles = machineRoleArns(ctx);
  if (machine.principal) {
    if (!roles[machine.principal])
      throw new assert.AssertionError({ message: `client.machineRoleArns names no role for ${machine.principal}` });
    return roles[machine.principal];
  }
  const { sts, callerArn } = await stsOf(ctx, machine);
  try {
    const arn = await callerArn();
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
    const account = arn.split(":")[4];
    const candidates = [
      session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn,
      `arn:${arn.split(":")[1]}:iam::${account}:root`,
    ];
    // A session's ARN carries its role's name, not its path: a listed role with a path matches by account and name.
    const sameRole = (p: string) =>
      !!session && p.startsWith(`arn:${session[1]}:iam::${session[2]}:role/`) && p.split("/").pop() === session[3];
    const own = Object.keys(roles).find((p) => candidates.includes(p) || sameRole(p));
    if (!own)
      throw new Skip(`your credentials (${arn}) are none of machineRolePrincipals (${Object.keys(roles).join(", ")})`);
    return roles[own];
  } finally {
    sts.destroy();
  }
}

/** A machine's own role's credentials from STS, assumed as that machine, through `npm run call:iam`'s own code (README, "Calling each door", iam). */
async function assumeMachineRole(
  ctx: ContractContext,
  machine: ContractMachine,
  opts: { externalId?: string; roleArn?: string } = {},
) {
  const roleArn = opts.roleArn ?? (await machineRoleOf(ctx, machine));
  const { sts } = await stsOf(ctx, machine);
  try {
    return await assumeRole({
      roleArn,
      region: ctx.region,
      externalId: "externalId" in opts ? opts.externalId : machine.externalId,
      sessionName: "notes-auth-contract",
      sts,
    });
  } finally {
    sts.destroy();
  }
}

/** Lambda's API as the operator (Invoke, GetFunctionConfiguration). */
async function lambdaClient(ctx: ContractContext) {
  const lambda = await import("@aws-sdk/client-lambda");
  return {
    lambda,
    client: new lambda.LambdaClient({
      region: ctx.region,
      ...(ctx.options.awsEndpoint ? { endpoint: ctx.options.awsEndpoint } : {}),
      ...(ctx.options.operator ? { credentials: ctx.options.operator } : {}),
    }),
  };
}

/** A check that a door's genuine token, altered by `alter`, is refused with 401. */
function alteredTokenCheck(id: string, given: string, alter: (token: string) => string): Check {
  return {
    id,
    title: `given ${given}, when it is presented, then the door answers 401`,
    skip: tokenDoor,
    async run(ctx) {
      const real = doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!));
      refused(await ctx.call("/notes", { auth: ctx.withToken(alter(real)) }), id);
    },
  };
}

export const CHECKS: Check[] = [
  {
    id: "no-credentials",
    title:
      "given no credentials, when a client creates and lists notes, then the door refuses as it does (401 from an authorizer, 403 from API Gateway without a signature or a key, a redirect to the login at a load balancer) and nothing is written",
    async run(ctx) {
      const title = `anonymous ${crypto.randomUUID()}`;
      ctx.expectRefused(
        await ctx.call("/notes", { method: "POST", body: { title, content: "x" } }),
        "create without credentials",
      );
      ctx.expectRefused(await ctx.call("/notes"), "list without credentials");
      ctx.expectRefused(await ctx.call("/me"), "me without credentials");
      if (ctx.mode === "http-jwt")
        assert.match(
          (await ctx.call("/notes")).headers.get("www-authenticate") ?? "",
          /^Bearer /,
          "the HTTP API's 401 carries www-authenticate",
        );
      for (const p of [ctx.parties.a, ctx.parties.b])
        assert.ok(!(await titles(ctx, p)).includes(title), "the refused note was written");
    },
  },
  {
    id: "whoami",
    title:
      "given a signed-in caller, when it asks /me, then it is the principal the door verified: a user's user pool sub, or an application's apikey:<key id>",
    async run(ctx) {
      const a = ctx.parties.a;
      const me = await ctx.call("/me", { auth: await ctx.as(a) });
      expectStatus(me, 200, "/me");
      if (a.user) {
        if (a.user.sub) assert.equal(me.json.id, a.user.sub, "a user is their user pool sub");
        assert.equal(me.json.kind, "user");
      } else {
        assert.deepEqual(
          [me.json.id, me.json.kind],
          [`apikey:${a.key!.keyId}`, "machine"],
          "an application is its key's id",
        );
      }
      assert.equal(me.json.isAdmin, false);
    },
  },
  alteredTokenCheck(
    "forged-token",
    "a token signed by a key of the caller's own (same header and claims as a real one)",
    forge,
  ),
  alteredTokenCheck("tampered-signature", "a genuine token with one signature byte changed", tamper),
  {
    id: "expired-token",
    title: "given a genuine token of the pool whose exp has passed, when it is presented, then the door answers 401",
    skip: (ctx) =>
      tokenDoor(ctx) ??
      (ctx.outputs.local?.idp
        ? undefined
        : "needs the local pool's expired-copy endpoint (a deployed pool's tokens live at least 5 minutes)"),
    async run(ctx) {
      const real = doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!));
      const res = await fetch(ctx.outputs.local!.idp!.expiredCopyEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: real }),
      });
      const { token } = (await res.json()) as { token: string };
      assert.ok(decodeJwt(token).exp * 1000 < Date.now(), "the copy has expired");
      refused(await ctx.call("/notes", { auth: ctx.withToken(token) }), "expired token");
    },
  },
  {
    id: "other-client-token",
    title:
      "given a token that another app client of the same user pool got for the user, when it is presented, then the door answers 401 (the gateway's audience check at http-jwt, the authorizer's at lambda-authorizer, the handler's at cognito)",
    skip: (ctx) =>
      tokenDoor(ctx) ??
      (ctx.outputs.local?.idp ? undefined : "needs a second app client of the pool (local mode adds one)"),
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.parties.a.user!, { clientId: ctx.outputs.local!.idp!.otherClientId });
      refused(
        await ctx.call("/notes", { auth: ctx.withToken(doorToken(ctx.outputs, tokens)) }),
        "another client's token",
      );
    },
  },
  {
    id: "wrong-token-type",
    title:
      "given the other token of the same sign-in, when it is presented, then the door refuses it: 401 where the ID or the access token is required, 403 at http-jwt (an ID token has none of the route's scopes)",
    skip: tokenDoor,
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.parties.a.user!);
      const wantsId = userTokenKind(ctx.outputs)!.token === "id";
      const r = await ctx.call("/notes", { auth: ctx.withToken(wantsId ? tokens.access_token : tokens.id_token!) });
      expectStatus(r, ctx.mode === "http-jwt" ? 403 : 401, "the other kind of token");
    },
  },
  {
    id: "crud",
    title:
      "given a signed-in caller, when it creates, lists, reads, updates and deletes a note, then each call succeeds and the note is gone at the end",
    async run(ctx) {
      const auth = await ctx.as(ctx.parties.a);
      const note = await ctx.createNote(ctx.parties.a);
      assert.ok((await titles(ctx, ctx.parties.a)).includes(note.title), "the new note is listed");
      const got = await ctx.call(`/notes/${note.id}`, { auth });
      expectStatus(got, 200, "get the note");
      assert.equal(got.json.title, note.title);
      expectStatus(
        await ctx.call(`/notes/${note.id}`, { method: "PUT", auth, body: { content: "changed" } }),
        200,
        "update the note",
      );
      assert.equal((await ctx.call(`/notes/${note.id}`, { auth })).json.content, "changed");
      expectStatus(await ctx.call(`/notes/${note.id}`, { method: "DELETE", auth }), 204, "delete the note");
      expectStatus(await ctx.call(`/notes/${note.id}`, { auth }), 404, "get the deleted note");
    },
  },
  {
    id: "attachment",
    title:
      "given a caller's note, when it uploads through the presigned URL, then the object lands in the bucket, and an upload of another length is refused",
    async run(ctx) {
      const auth = await ctx.as(ctx.parties.a);
      const note = await ctx.createNote(ctx.parties.a);
      const content = Buffer.from("hello, attachment");
      const r = await ctx.call(`/notes/${note.id}/attachment`, {
        method: "POST",
        auth,
        body: { contentType: "text/plain", size: content.length },
      });
      expectStatus(r, 200, "presign an upload");
      const wrong = await fetch(r.json.uploadUrl, {
        method: "PUT",
        headers: { "content-type": "text/plain" },
        body: Buffer.concat([content, Buffer.from("!")]),
      });
      assert.equal(wrong.status, 403, "S3 refuses a body of another length than the signed one");
      const put = await fetch(r.json.uploadUrl, {
        method: "PUT",
        headers: { "content-type": "text/plain" },
        body: content,
      });
      assert.equal(put.status, 200, `upload: ${put.status} ${await put.text()}`);
      const s3 = ctx.outputs.local?.endpoints.s3;
      if (s3) {
        const stored = await fetch(
          `${s3}/${(ctx.outputs as { attachmentsBucket?: string }).attachmentsBucket}/${String(r.json.key).split("/").map(encodeURIComponent).join("/")}`,
        );
        assert.equal(stored.status, 200, "the object is in the local bucket");
        assert.equal(await stored.text(), content.toString());
      }
      expectStatus(
        await ctx.call(`/notes/${note.id}`, { method: "DELETE", auth }),
        204,
        "delete the note (and its attachment)",
      );
    },
  },
  {
    id: "isolation",
    title: "given A's note, when B reads, changes or deletes it, then each answer is 404 and A's note is unchanged",
    async run(ctx) {
      const { a, b } = ctx.parties;
      const note = await ctx.createNote(a);
      const asB = await ctx.as(b);
      expectStatus(await ctx.call(`/notes/${note.id}`, { auth: asB }), 404, "B reads A's note");
      expectStatus(
        await ctx.call(`/notes/${note.id}`, { method: "PUT", auth: asB, body: { content: "B was here" } }),
        404,
        "B changes A's note",
      );
      expectStatus(await ctx.call(`/notes/${note.id}`, { method: "DELETE", auth: asB }), 404, "B deletes A's note");
      assert.ok(!(await titles(ctx, b)).includes(note.title), "A's note is not in B's list");
      const mine = await ctx.call(`/notes/${note.id}`, { auth: await ctx.as(a) });
      expectStatus(mine, 200, "A still reads the note");
      assert.equal(mine.json.content, "written by the contract suite");
    },
  },
  {
    id: "admin",
    title:
      "given an ordinary caller and an admin (the admin group, the admin role, an admin key), when each calls /admin/stats, then the caller gets 403 and the admin 200",
    skip: (ctx) => needsAdmin(ctx),
    async run(ctx) {
      expectStatus(
        await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.a) }),
        403,
        `${ctx.parties.a.label} on /admin/stats`,
      );
      expectStatus(
        await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.admin!) }),
        200,
        `${ctx.parties.admin!.label} on /admin/stats`,
      );
    },
  },
  {
    id: "read-only-token",
    title:
      "given an access token with only notes/read, when it lists and then creates a note, then the list is 200 and the write is refused by the gateway with 403",
    doors: ["http-jwt"],
    async run(ctx) {
      const read = String(ctx.outputs.client.scopes?.read ?? "notes/read");
      const auth = authorization(ctx.outputs, (await ctx.signIn(ctx.parties.a.user!, { scopes: [read] })).access_token);
      expectStatus(await ctx.call("/notes", { auth }), 200, "list with notes/read");
      const title = `read-only ${crypto.randomUUID()}`;
      const r = await ctx.call("/notes", { method: "POST", auth, body: { title, content: "x" } });
      expectStatus(r, 403, "create with notes/read only");
      assert.deepEqual(r.json, { message: "Forbidden" }, "the gateway's own 403");
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "nothing was written");
    },
  },
  {
    id: "machine-client",
    title:
      "given the machine client's client-credentials token, when it calls /me and creates a note, then it is client:<id>, a machine, and it may write; /admin/stats follows its scopes",
    skip: (ctx) => (ctx.outputs.client.machineClientId ? undefined : "the stack has no machine client (m2mClient)"),
    async run(ctx) {
      const tokens = await machineSignIn(ctx.outputs);
      const auth = authorization(ctx.outputs, tokens.access_token);
      const me = await ctx.call("/me", { auth });
      expectStatus(me, 200, "the machine's /me");
      assert.equal(me.json.id, `client:${ctx.outputs.client.machineClientId}`);
      assert.equal(me.json.kind, "machine");
      expectStatus(
        await ctx.call("/notes", { method: "POST", auth, body: { title: "from a machine", content: "x" } }),
        201,
        "a machine creates a note",
      );
      const admin = String(ctx.outputs.client.scopes?.admin ?? "notes/admin");
      expectStatus(
        await ctx.call("/admin/stats", { auth }),
        String(tokens.scope ?? "")
          .split(" ")
          .includes(admin)
          ? 200
          : 403,
        "the machine on /admin/stats",
      );
    },
  },
  {
    id: "cors-preflight",
    title:
      "given a browser preflight for POST /notes, when it comes from a listed origin, then it is allowed with the headers the door's clients send; from another origin it is not",
    skip: noCorsAtAlb,
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      // What each door's browser client sends besides content-type (README, "Calling each door").
      const clientHeaders = browserHeaders(credentialOf(ctx.outputs));
      const preflight = (origin: string) =>
        ctx.call("/notes", {
          method: "OPTIONS",
          origin,
          headers: {
            "access-control-request-method": "POST",
            "access-control-request-headers": [...clientHeaders, "content-type"].join(","),
          },
        });
      const ok = await preflight(listed);
      assert.ok(ok.status >= 200 && ok.status < 300, `preflight from ${listed}: ${ok.status} ${ok.text}`);
      assert.equal(ok.headers.get("access-control-allow-origin"), listed, "the listed origin is allowed");
      assert.match(ok.headers.get("access-control-allow-methods") ?? "", /POST/);
      const allowed = (ok.headers.get("access-control-allow-headers") ?? "")
        .toLowerCase()
        .split(",")
        .map((h) => h.trim());
      for (const h of clientHeaders)
        assert.ok(allowed.includes(h), `the preflight allows ${h} (allows ${allowed.join(",")})`);
      const other = await preflight("https://not-listed.example");
      assert.notEqual(
        other.headers.get("access-control-allow-origin"),
        "https://not-listed.example",
        "another origin is not allowed",
      );
    },
  },
  {
    id: "cors-on-gateway-error",
    title:
      "given a request from a listed origin without credentials, when the gateway refuses it, then the refusal carries the CORS header so the browser can read it",
    skip: noCorsAtAlb,
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      const r = await ctx.call("/notes", { origin: listed });
      ctx.expectRefused(r, "no credentials");
      assert.equal(r.headers.get("access-control-allow-origin"), listed);
    },
  },
  {
    id: "mtls-no-certificate",
    title:
      "given the door's custom domain asks for mutual TLS, when a caller with valid credentials presents no client certificate, then the domain refuses the connection (no HTTP answer; in AWS possibly its 403 Forbidden) and nothing is written",
    skip: mtlsDoor,
    async run(ctx) {
      const tls = { ca: ctx.options.tls!.ca };
      const title = `no certificate ${crypto.randomUUID()}`;
      await expectTlsRefusal(ctx, "create without a client certificate", "/notes", {
        method: "POST",
        body: { title, content: "x" },
        tls,
      });
      await expectTlsRefusal(ctx, "/me without a client certificate", "/me", { tls });
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "the refused note was written");
    },
  },
  {
    id: "mtls-other-ca",
    title:
      "given a client certificate with the same subject from a CA the truststore does not hold, when a caller with valid credentials presents it, then the domain refuses the connection",
    skip: (ctx) =>
      mtlsDoor(ctx) ??
      (ctx.options.tls?.other ? undefined : "needs a certificate of another CA (local mode's test PKI has one)"),
    async run(ctx) {
      await expectTlsRefusal(ctx, "/me with another CA's certificate", "/me", {
        tls: { ca: ctx.options.tls!.ca, ...ctx.options.tls!.other },
      });
    },
  },
  {
    id: "mtls-valid-certificate",
    title:
      "given a client certificate the truststore's CA issued, when a caller presents it, then the door serves the caller as before and /me shows the certificate's subject, issuer and serial as API Gateway hands them on",
    skip: mtlsDoor,
    async run(ctx) {
      const me = await ctx.call("/me", { auth: await ctx.as(ctx.parties.a) });
      expectStatus(me, 200, "/me with the certificate");
      if (ctx.parties.a.user?.sub)
        assert.equal(me.json.id, ctx.parties.a.user.sub, "the certificate does not change who the caller is");
      const cert = new crypto.X509Certificate(ctx.options.tls!.cert!);
      assert.deepEqual(me.json.clientCert, {
        subject: distinguishedName(cert.subject),
        issuer: distinguishedName(cert.issuer),
        serialNumber: opensslSerial(cert.serialNumber),
      });
    },
  },
  {
    id: "mtls-required-for-machines",
    title:
      "given mtlsRequiredForMachines, when a machine calls with its client certificate, then the handler finds the certificate where API Gateway puts it and serves the machine (one without a certificate never reaches the handler: the handshake is refused)",
    skip: (ctx) =>
      mtlsDoor(ctx) ??
      (ctx.outputs.local?.mtls?.requiredForMachines
        ? undefined
        : "mtlsRequiredForMachines is off (only local outputs say whether it is on)"),
    async run(ctx) {
      const me = await ctx.call("/me", { auth: await machineCredential(ctx) });
      expectStatus(me, 200, "a machine with its certificate");
      assert.equal(me.json.kind, "machine");
      assert.ok(me.json.clientCert?.subject, "the handler saw the certificate");
    },
  },
  {
    id: "iam-role-policy",
    title:
      "given identity-pool credentials of an ordinary user and of an admin, when each calls /admin/stats, then API Gateway refuses the user role's session with 403 naming it (its policy lacks the route) and lets the admin role through",
    doors: ["iam"],
    skip: (ctx) => needsAdmin(ctx),
    async run(ctx) {
      const r = await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.a) });
      expectStatus(r, 403, "the user role on /admin/stats");
      assert.match(
        r.json?.message ?? "",
        /^User: arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+ is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:/,
        "API Gateway's own refusal",
      );
      expectStatus(
        await ctx.call("/admin/stats", { auth: await ctx.as(ctx.parties.admin!) }),
        200,
        "the admin role on /admin/stats",
      );
    },
  },
  {
    id: "iam-machine-role",
    title:
      "given the principals listed in machineRolePrincipals, when each assumes its own role with STS (and its external id) and calls the API signed, then each is iam:<its role ARN>, a machine, the ids differ, each may write, another machine gets 404 on its note, and /admin/* is refused by API Gateway",
    doors: ["iam"],
    skip: (ctx) => (machinesOf(ctx).length > 0 ? undefined : "the stack has no machine roles (machineRolePrincipals)"),
    async run(ctx) {
      const machines = await Promise.all(
        machinesOf(ctx).map(async (m) => ({
          roleArn: await machineRoleOf(ctx, m),
          auth: sigv4(await assumeMachineRole(ctx, m), ctx.region),
        })),
      );
      const ids: string[] = [];
      for (const { roleArn, auth } of machines) {
        const me = await ctx.call("/me", { auth });
        expectStatus(me, 200, "the machine's /me");
        assert.deepEqual([me.json.id, me.json.kind], [`iam:${roleArn}`, "machine"]);
        ids.push(me.json.id);
      }
      assert.equal(new Set(ids).size, ids.length, `one principal per machine: ${ids.join(", ")}`);
      const [first, ...others] = machines;
      const note = await ctx.call("/notes", {
        method: "POST",
        auth: first.auth,
        body: { title: "from a machine", content: "x" },
      });
      expectStatus(note, 201, "the machine creates a note");
      for (const other of others) {
        expectStatus(
          await ctx.call(`/notes/${note.json.noteId}`, { auth: other.auth }),
          404,
          "another machine reads the first one's note",
        );
        expectStatus(
          await ctx.call(`/notes/${note.json.noteId}`, { method: "DELETE", auth: other.auth }),
          404,
          "another machine deletes the first one's note",
        );
      }
      expectStatus(
        await ctx.call(`/notes/${note.json.noteId}`, { method: "DELETE", auth: first.auth }),
        204,
        "the machine deletes it",
      );
      expectStatus(await ctx.call("/admin/stats", { auth: first.auth }), 403, "the machine role on /admin/stats");
    },
  },
  {
    id: "iam-machine-own-role",
    title:
      "given two listed machines, when one asks STS for the other's role (with the right external id), then STS refuses (AccessDenied): each role trusts its own principal alone",
    doors: ["iam"],
    skip: (ctx) =>
      machinesOf(ctx).filter((m) => m.principal).length >= 2
        ? undefined
        : "fewer than two machines with known credentials (machineRolePrincipals)",
    async run(ctx) {
      const [a, b] = machinesOf(ctx).filter((m) => m.principal);
      const otherRole = await machineRoleOf(ctx, b);
      await assert.rejects(
        assumeMachineRole(ctx, a, { roleArn: otherRole, externalId: b.externalId }),
        (err: Error) => err.name === "AccessDenied",
        `${a.principal} assuming ${otherRole}`,
      );
    },
  },
  {
    id: "iam-machine-trust",
    title:
      "given a listed principal, when it asks STS for its own role with a wrong external id, then STS refuses (AccessDenied): the trust policy's condition holds",
    doors: ["iam"],
    skip: (ctx) =>
      ctx.outputs.client.machineRoleExternalIdRequired && machinesOf(ctx).length > 0
        ? undefined
        : "the machine roles ask for no external id",
    async run(ctx) {
      await assert.rejects(
        assumeMachineRole(ctx, machinesOf(ctx)[0], { externalId: "not-the-external-id" }),
        (err: Error) => err.name === "AccessDenied",
        "AssumeRole with another external id",
      );
    },
  },
  {
    id: "iam-tampered-signature",
    title:
      "given a request signed with the user's credentials, when one character of the signature is changed, then API Gateway answers 403 (the signature does not match)",
    doors: ["iam"],
    async run(ctx) {
      const signed = await (
        await ctx.as(ctx.parties.a)
      )({ method: "GET", url: `${ctx.outputs.url.replace(/\/$/, "")}/me`, headers: {} });
      const header = signed.headers.authorization;
      const last = header.slice(-1);
      const r = await ctx.call("/me", {
        auth: async () => ({
          ...signed,
          headers: { ...signed.headers, authorization: `${header.slice(0, -1)}${last === "0" ? "1" : "0"}` },
        }),
      });
      expectStatus(r, 403, "a tampered signature");
      assert.match(r.json?.message ?? "", /signature we calculated does not match/);
    },
  },
  {
    id: "iam-expired-signature",
    title:
      "given valid credentials, when a request is signed six minutes in the past (beyond the five minutes of clock skew), then API Gateway answers 403 Signature expired",
    doors: ["iam"],
    async run(ctx) {
      const creds = await ctx.identityPoolCredentials(ctx.parties.a.user!);
      const r = await ctx.call("/me", { auth: sigv4(creds, ctx.region, new Date(Date.now() - 6 * 60 * 1000)) });
      expectStatus(r, 403, "a signature six minutes old");
      assert.match(r.json?.message ?? "", /^Signature expired/);
    },
  },
  {
    id: "iam-unknown-credentials",
    title:
      "given credentials no AWS service issued (a well-formed key and secret), when a request is signed with them, then API Gateway answers 403: the security token is invalid",
    doors: ["iam"],
    async run(ctx) {
      const r = await ctx.call("/me", {
        auth: sigv4(
          {
            accessKeyId: "ASIA" + "Q".repeat(16),
            secretAccessKey: crypto.randomBytes(30).toString("base64"),
            sessionToken: crypto.randomBytes(64).toString("base64"),
          },
          ctx.region,
        ),
      });
      expectStatus(r, 403, "credentials never issued");
      assert.equal(r.json?.message, "The security token included in the request is invalid.");
    },
  },
  {
    id: "apikey-missing-or-unknown",
    title:
      "given a request with no API key or with a key the API does not have, when it calls the door, then API Gateway answers 403 Forbidden and nothing is written",
    doors: ["api-key"],
    async run(ctx) {
      const user = ctx.parties.a.user;
      // With apiKeyWithCognito, a valid token goes along: the key alone is what is missing.
      const token = user
        ? [withHeader("authorization", authorization(ctx.outputs, doorToken(ctx.outputs, await ctx.signIn(user))))]
        : [];
      const title = `keyless ${crypto.randomUUID()}`;
      for (const [what, key] of [
        ["no key", undefined],
        ["an unknown key", crypto.randomBytes(20).toString("hex")],
      ] as const) {
        const auth = combine(...token, ...(key ? [withHeader("x-api-key", key)] : []));
        const r = await ctx.call("/notes", { method: "POST", auth, body: { title, content: "x" } });
        expectStatus(r, 403, what);
        assert.equal(r.json?.message, "Forbidden", what);
      }
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "nothing was written");
    },
  },
  {
    id: "apikey-principals",
    title:
      "given two applications' keys, when each calls /me, then each is its own principal, apikey:<its key id>, and neither is admin",
    doors: ["api-key"],
    skip: (ctx) =>
      ctx.takesTokens ? "with apiKeyWithCognito the token, not the key, identifies the caller" : undefined,
    async run(ctx) {
      for (const p of [ctx.parties.a, ctx.parties.b]) {
        const me = await ctx.call("/me", { auth: await ctx.as(p) });
        expectStatus(me, 200, `${p.label}'s /me`);
        assert.deepEqual([me.json.id, me.json.kind, me.json.isAdmin], [`apikey:${p.key!.keyId}`, "machine", false]);
      }
    },
  },
  {
    id: "apikey-with-token",
    title:
      "given apiKeyWithCognito, when a caller sends the key without a token, then the authorizer answers 401; a token without the key gets 403 Forbidden",
    doors: ["api-key"],
    skip: (ctx) => (ctx.takesTokens ? undefined : "the door asks for no token (apiKeyWithCognito is off)"),
    async run(ctx) {
      expectStatus(
        await ctx.call("/me", { auth: withHeader("x-api-key", ctx.parties.a.key!.value) }),
        401,
        "a key without a token",
      );
      const r = await ctx.call("/me", {
        auth: authorization(ctx.outputs, doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!))),
      });
      expectStatus(r, 403, "a token without a key");
      assert.equal(r.json?.message, "Forbidden");
    },
  },
  {
    id: "authorizer-cached-policy",
    title:
      "given a user who called an allowed route, when they call /admin/stats and another allowed route while the authorizer's answer is cached, then /admin/stats is 403 with an explicit deny and the other route 200: one policy answers for every route",
    doors: ["lambda-authorizer"],
    async run(ctx) {
      const auth = await ctx.as(ctx.parties.a);
      expectStatus(await ctx.call("/notes", { auth }), 200, "an allowed route first");
      const admin = await ctx.call("/admin/stats", { auth });
      expectStatus(admin, 403, "/admin/stats next");
      assert.equal(admin.json?.message, "User is not authorized to access this resource with an explicit deny");
      expectStatus(await ctx.call("/me", { auth }), 200, "another allowed route");
    },
  },
  {
    id: "usage-burst",
    title:
      "given a key's (or a tier's) usage plan, when it sends more than its burst at once, then some answers are 429 Too Many Requests, and a moment later it is served again; another tier's caller is not throttled with it",
    doors: ["api-key", "lambda-authorizer"],
    async run(ctx) {
      // The same caller as the quota check after it: the burst spends its quota too.
      const a = ctx.parties.a;
      const plan = planOf(ctx, a);
      const n = plan ? plan.burstLimit + Math.ceil(plan.rateLimit / 2) + 5 : 60;
      // Another tier's caller first, with as many at once: its larger burst lets them all through
      // (first, so the stage's own throttle, which every caller shares, is not spent yet).
      const tiered = ctx.parties.tiered;
      const other = tiered && planOf(ctx, tiered);
      if (tiered && other && other.burstLimit >= n) {
        const theirs = await burst(ctx, tiered, n);
        assert.ok(
          theirs.every((x) => x.status === 200),
          `${tiered.label}'s tier (burst ${other.burstLimit}) was throttled: ${JSON.stringify(theirs.filter((x) => x.status !== 200).slice(0, 3))}`,
        );
      }
      // A second burst if the first was not throttled: on a loaded machine requests may arrive slower than the bucket refills.
      let answers: { status: number; message?: string }[] = [];
      let throttled = 0;
      for (let attempt = 0; attempt < 2 && throttled === 0; attempt++) {
        answers = await burst(ctx, a, n);
        throttled = answers.filter((x) => x.status === 429 && x.message === "Too Many Requests").length;
      }
      if (!plan && throttled === 0)
        throw new Skip(`no 429 after ${n} concurrent requests: the key's burst is above that (the outputs do not say)`);
      assert.ok(
        throttled > 0,
        `${n} requests at once against a burst of ${plan?.burstLimit}: none was throttled (${JSON.stringify(answers.slice(0, 3))})`,
      );
      assert.ok(
        answers.every((x) => x.status === 200 || x.status === 429),
        JSON.stringify(answers.filter((x) => x.status !== 200 && x.status !== 429)),
      );
      await sleep(Math.ceil(1000 / (plan?.rateLimit ?? 10)) + 100);
      expectStatus(await ctx.call("/me", { auth: await ctx.as(a) }), 200, "served again once the bucket refills");
    },
  },
  {
    id: "usage-quota",
    title:
      "given a key's (or a tier's) quota, when it is spent, then its calls get 429 Limit Exceeded until the period ends, while another key (tier) is still served",
    doors: ["api-key", "lambda-authorizer"],
    skip: (ctx) =>
      quotaSkip(ctx, ctx.parties.a) ??
      (ctx.mode === "lambda-authorizer" && !ctx.parties.tiered ? "needs a user of another tier" : undefined),
    async run(ctx) {
      const { a } = ctx.parties;
      const plan = planOf(ctx, a)!;
      await spendQuota(ctx, a, plan);
      await sleep(Math.ceil(1000 / plan.rateLimit) + 100);
      const again = await ctx.call("/me", { auth: await ctx.as(a) });
      expectStatus(again, 429, "after the quota, with the bucket refilled");
      assert.equal(again.json?.message, "Limit Exceeded");
      const other = ctx.mode === "lambda-authorizer" ? ctx.parties.tiered! : (ctx.parties.admin ?? ctx.parties.b);
      expectStatus(await ctx.call("/me", { auth: await ctx.as(other) }), 200, `${other.label}, on another key`);
    },
  },
  {
    id: "alb-login-redirect",
    title:
      "given a browser without a session, when it requests a page, then the load balancer redirects it to the user pool's authorization endpoint with the code flow's parameters, a state and a nonce, and redirect_uri at the host it used",
    doors: ["alb-oidc"],
    async run(ctx) {
      const r = await ctx.call("/notes?limit=5");
      expectStatus(r, 302, "a first request");
      const to = new URL(r.headers.get("location") ?? "");
      assert.match(to.pathname, /\/oauth2\/authorize$/);
      if (ctx.outputs.local?.idp) assert.equal(`${to.origin}${to.pathname}`, ctx.outputs.local.idp.authorizeEndpoint);
      assert.equal(to.searchParams.get("response_type"), "code");
      assert.equal(to.searchParams.get("redirect_uri"), `${new URL(ctx.outputs.url).origin}/oauth2/idpresponse`);
      assert.ok(to.searchParams.get("client_id"), "client_id");
      assert.match(to.searchParams.get("scope") ?? "", /\bopenid\b/);
      assert.ok(
        (to.searchParams.get("state") ?? "").length >= 16 && (to.searchParams.get("nonce") ?? "").length >= 16,
        "state and nonce",
      );
    },
  },
  {
    id: "alb-tampered-cookie",
    title:
      "given a signed-in browser's session cookie with one character changed, when it is sent, then the load balancer treats it as no session and redirects to the login",
    doors: ["alb-oidc"],
    async run(ctx) {
      const cookie = await (await ctx.as(ctx.parties.a))({ method: "GET", url: ctx.outputs.url, headers: {} });
      const value = cookie.headers.cookie;
      const at = value.indexOf("=") + 10;
      const tampered = `${value.slice(0, at)}${value[at] === "A" ? "B" : "A"}${value.slice(at + 1)}`;
      expectStatus(await ctx.call("/me", { headers: { cookie: tampered } }), 302, "a tampered cookie");
    },
  },
  {
    id: "alb-expired-cookie",
    title:
      "given a session cookie whose session has ended, when it is sent, then the load balancer redirects to the login",
    doors: ["alb-oidc"],
    skip: (ctx) =>
      ctx.outputs.local?.albExpiredSessionEndpoint
        ? undefined
        : "needs local mode's helper that re-dates a session (a deployed ALB's session lasts albSessionTimeout)",
    async run(ctx) {
      const session = await (await ctx.as(ctx.parties.a))({ method: "GET", url: ctx.outputs.url, headers: {} });
      const res = await fetch(ctx.outputs.local!.albExpiredSessionEndpoint!, {
        method: "POST",
        body: session.headers.cookie,
      });
      const { cookie } = (await res.json()) as { cookie: string };
      expectStatus(await ctx.call("/me", { headers: { cookie } }), 302, "an expired session");
      expectStatus(
        await ctx.call("/me", { headers: { cookie: session.headers.cookie } }),
        200,
        "the live session still works",
      );
    },
  },
  {
    id: "alb-forged-header",
    title:
      "given a request that reaches the function directly (Lambda Invoke) with an x-amzn-oidc-data header signed by another key, or naming another load balancer as signer, when the handler gets it, then it answers 401",
    doors: ["alb-oidc"],
    async run(ctx) {
      const { lambda, client } = await lambdaClient(ctx);
      try {
        const config = await client.send(
          new lambda.GetFunctionConfigurationCommand({ FunctionName: String(ctx.outputs.functionName) }),
        );
        const env = config.Environment?.Variables ?? {};
        const key = newAlbKey();
        const exp = Math.floor(Date.now() / 1000) + 120;
        const claims = {
          sub: ctx.parties.a.user?.sub ?? crypto.randomUUID(),
          email: ctx.parties.a.user?.email ?? "x@example.com",
        };
        for (const [what, signer] of [
          ["a header signed by another key", env.ALB_ARN],
          [
            "a header naming another load balancer",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/other/0123456789abcdef",
          ],
        ]) {
          const data = signAlbData(key, {
            signer: String(signer),
            client: String(env.ALB_CLIENT_ID),
            iss: String(env.ALB_ISSUER),
            exp,
            claims,
          });
          const event = albTargetEvent(
            {
              method: "GET",
              path: "/me",
              headers: {
                host: new URL(ctx.outputs.url).host,
                "x-amzn-oidc-data": data,
                "x-amzn-oidc-identity": claims.sub,
              },
            },
            {
              targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/direct/0123456789abcdef",
              multiValueHeaders: false,
            },
          );
          const out = await client.send(
            new lambda.InvokeCommand({
              FunctionName: String(ctx.outputs.functionName),
              Payload: Buffer.from(JSON.stringify(event)),
            }),
          );
          const answer = JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8") || "{}");
          assert.equal(answer.statusCode, 401, `${what}: ${JSON.stringify(answer).slice(0, 200)}`);
        }
      } finally {
        client.destroy();
      }
    },
  },
];

/** Why a check does not run against this door, if it does not: another door's check, or what the door lacks. */
export function skipReason(check: Check, ctx: ContractContext): string | undefined {
  if (check.doors && !check.doors.includes(ctx.mode))
    return `a check of the ${check.doors.join(" and ")} door${check.doors.length > 1 ? "s" : ""}`;
  return check.skip?.(ctx);
}

/** Runs the checks one after another (a CLI's runner; mocha maps each to an `it`). */
/** What a door's browser client sends besides content-type, by how it authenticates (README, "Calling each door"). */
function browserHeaders(c: ClientCredential): string[] {
  switch (c.kind) {
    case "identity-pool-sigv4":
      return ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];
    case "api-key":
      return ["x-api-key"];
    case "user-token":
      return ["authorization", ...(c.apiKey ? ["x-api-key"] : [])];
    case "alb-session":
      return []; // the session is a cookie, which needs no preflight
    default: {
      const unknown: never = c;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** Not a check of the door: the suite's own tidying up, reported only when it fails. */
const CLEANUP: Check = { id: "cleanup", title: "the checks delete every note they wrote", async run() {} };

export async function runChecks(
  ctx: ContractContext,
  report: (check: Check, outcome: "passed" | "failed" | "skipped", detail?: string) => void,
  onlyIds?: string[],
): Promise<{ passed: number; failed: number; skipped: number }> {
  const tally = { passed: 0, failed: 0, skipped: 0 };
  for (const check of CHECKS.filter((c) => !onlyIds || onlyIds.includes(c.id))) {
    const reason = skipReason(check, ctx);
    if (reason) {
      tally.skipped++;
      report(check, "skipped", reason);
      continue;
    }
    try {
      try {
        await check.run(ctx);
      } finally {
        // Each check's notes go right after it, before a later check spends a quota they need.
        const left = await ctx.cleanup();
        if (left.length > 0) {
          tally.failed++;
          report(CLEANUP, "failed", `notes ${check.id} wrote and the suite could not delete: ${left.join(", ")}`);
        }
      }
      tally.passed++;
      report(check, "passed");
    } catch (err) {
      if (err instanceof Skip) {
        tally.skipped++;
        report(check, "skipped", err.message);
        continue;
      }
      tally.failed++;
      report(check, "failed", err instanceof Error ? err.message : String(err));
    }
  }
  return tally;
}

/** Runs the checks and prints one line per check (and why, when it failed or was skipped), then the summary; the number that failed. */
export async function printChecks(
  ctx: ContractContext,
  write: (text: string) => void,
  onlyIds?: string[],
): Promise<number> {
  const tally = await runChecks(
    ctx,
    (check, outcome, detail) => {
      write(
        `${outcome === "passed" ? "  ok  " : outcome === "failed" ? "  FAIL" : "  skip"}  ${check.id}: ${check.title}${detail ? `\n        ${detail}` : ""}\n`,
      );
    },
    onlyIds,
  );
  write(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`);
  return tally.failed;
}
