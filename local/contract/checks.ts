import * as assert from "assert";
import * as crypto from "crypto";
import type { AuthMode } from "../../handlers/authModes";
import { StackOutputs, authorization, doorToken, machineSignIn, signIn, userTokenKind } from "../doorClient";
import { TokenSet, decodeJwt } from "../oauth";
import type { SeedUser } from "../seedUsers";

/**
 * The contract suite: black-box HTTP calls against a running door, using only the stack
 * outputs (`.local/outputs.json`, or a deployed stack's) and the clients a user has (fetch and
 * the OAuth flows). It knows each door's client side (README, "Calling each door"), never how
 * a gateway is built. Checks that need what a target cannot give are skipped with the reason.
 */

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  method?: string;
  /** An Authorization header value, as the door wants it. */
  auth?: string;
  body?: unknown;
  origin?: string;
  headers?: Record<string, string>;
}

/** The test users a contract run signs in: two ordinary users and one admin. */
export interface ContractUsers {
  a: SeedUser;
  b: SeedUser;
  admin: SeedUser;
}

export class ContractContext {
  readonly mode: AuthMode;
  readonly users: ContractUsers;
  private readonly tokens = new Map<string, Promise<TokenSet>>();

  constructor(readonly outputs: StackOutputs) {
    this.mode = outputs.authMode as AuthMode;
    this.users = contractUsers(outputs);
  }

  /** A user's sign-in at the door's client (or another), memoized per user, client and scopes. */
  signIn(user: SeedUser, opts: { clientId?: string; scopes?: string[] } = {}): Promise<TokenSet> {
    const key = JSON.stringify([user.sub, opts.clientId, opts.scopes]);
    let t = this.tokens.get(key);
    if (!t) {
      t = signIn(this.outputs, user, opts);
      t.catch(() => this.tokens.delete(key));
      this.tokens.set(key, t);
    }
    return t;
  }

  /** The Authorization header a user presents at this door. */
  async authOf(user: SeedUser): Promise<string> {
    return authorization(this.mode, doorToken(this.mode, await this.signIn(user)));
  }

  async call(path: string, o: CallOptions = {}): Promise<Reply> {
    const res = await fetch(`${this.outputs.url.replace(/\/$/, "")}${path}`, {
      method: o.method ?? "GET",
      headers: {
        ...(o.auth ? { authorization: o.auth } : {}),
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
        ...o.headers,
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** Creates a note as a user; fails the check unless it is 201. */
  async createNote(user: SeedUser, title = `contract ${crypto.randomUUID()}`): Promise<{ id: string; title: string }> {
    const r = await this.call("/notes", { method: "POST", auth: await this.authOf(user), body: { title, content: "written by the contract suite" } });
    expectStatus(r, 201, "create a note");
    return { id: r.json.noteId, title: r.json.title };
  }
}

/** Two ordinary users and an admin from the outputs' test users (the admin group from the outputs). */
export function contractUsers(outputs: StackOutputs): ContractUsers {
  const users = outputs.local?.users ?? [];
  const adminGroup = outputs.local?.adminGroup ?? "admins";
  const plain = users.filter((u) => !u.groups.includes(adminGroup));
  const admin = users.find((u) => u.groups.includes(adminGroup));
  if (plain.length < 2 || !admin) throw new Error(`the contract needs two users outside and one inside the ${adminGroup} group; outputs list ${users.map((u) => u.username).join(", ") || "none"}`);
  return { a: plain[0], b: plain[1], admin };
}

export function expectStatus(r: Reply, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
}

/** A check of the contract; `skip` says why it cannot run against these outputs. */
export interface Check {
  id: string;
  /** given / when / then */
  title: string;
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

/** Lists a user's notes' titles (all pages). */
async function titles(ctx: ContractContext, user: SeedUser): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await ctx.call(`/notes?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { auth: await ctx.authOf(user) });
    expectStatus(r, 200, "list notes");
    out.push(...r.json.items.map((n: { title: string }) => n.title));
    cursor = r.json.nextCursor;
  } while (cursor);
  return out;
}

const refused = (r: Reply, what: string) => assert.ok(r.status === 401, `${what}: expected 401, got ${r.status} ${r.text.slice(0, 200)}`);

export const CHECKS: Check[] = [
  {
    id: "no-credentials",
    title: "given no credentials, when a client creates and lists notes, then the door answers 401 and nothing is written",
    async run(ctx) {
      const title = `anonymous ${crypto.randomUUID()}`;
      refused(await ctx.call("/notes", { method: "POST", body: { title, content: "x" } }), "create without credentials");
      refused(await ctx.call("/notes"), "list without credentials");
      refused(await ctx.call("/me"), "me without credentials");
      if (ctx.mode === "http-jwt") {
        const r = await ctx.call("/notes");
        assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer /, "the HTTP API's 401 carries www-authenticate");
      }
      for (const u of [ctx.users.a, ctx.users.b, ctx.users.admin]) assert.ok(!(await titles(ctx, u)).includes(title), "the refused note was written");
    },
  },
  {
    id: "forged-token",
    title: "given a token signed by a key of the caller's own (same header and claims as a real one), when it is presented, then the door answers 401",
    async run(ctx) {
      const real = doorToken(ctx.mode, await ctx.signIn(ctx.users.a));
      refused(await ctx.call("/notes", { auth: authorization(ctx.mode, forge(real)) }), "forged token");
    },
  },
  {
    id: "tampered-signature",
    title: "given a genuine token with one signature byte changed, when it is presented, then the door answers 401",
    async run(ctx) {
      const real = doorToken(ctx.mode, await ctx.signIn(ctx.users.a));
      refused(await ctx.call("/notes", { auth: authorization(ctx.mode, tamper(real)) }), "tampered token");
    },
  },
  {
    id: "expired-token",
    title: "given a genuine token of the pool whose exp has passed, when it is presented, then the door answers 401",
    skip: (ctx) => (ctx.outputs.local?.idp ? undefined : "needs the local pool's expired-copy endpoint (a deployed pool's tokens live at least 5 minutes)"),
    async run(ctx) {
      const real = doorToken(ctx.mode, await ctx.signIn(ctx.users.a));
      const res = await fetch(ctx.outputs.local!.idp!.expiredCopyEndpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: real }) });
      const { token } = (await res.json()) as { token: string };
      assert.ok(decodeJwt(token).exp * 1000 < Date.now(), "the copy has expired");
      refused(await ctx.call("/notes", { auth: authorization(ctx.mode, token) }), "expired token");
    },
  },
  {
    id: "other-client-token",
    title: "given a token that another app client of the same user pool got for the user, when it is presented, then the door answers 401 (the gateway's audience check at http-jwt, the handler's at cognito)",
    skip: (ctx) => (ctx.outputs.local?.idp ? undefined : "needs a second app client of the pool (local mode adds one)"),
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.users.a, { clientId: ctx.outputs.local!.idp!.otherClientId });
      refused(await ctx.call("/notes", { auth: authorization(ctx.mode, doorToken(ctx.mode, tokens)) }), "another client's token");
    },
  },
  {
    id: "wrong-token-type",
    title: "given the other token of the same sign-in, when it is presented, then the door refuses it: an access token at cognito 401, an ID token at http-jwt 403 (it has none of the route's scopes)",
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.users.a);
      const wantsId = userTokenKind(ctx.mode).token === "id";
      const r = await ctx.call("/notes", { auth: authorization(ctx.mode, wantsId ? tokens.access_token : tokens.id_token!) });
      expectStatus(r, wantsId ? 401 : 403, "the other kind of token");
    },
  },
  {
    id: "crud",
    title: "given a signed-in user, when they create, list, read, update and delete a note, then each call succeeds and the note is gone at the end",
    async run(ctx) {
      const auth = await ctx.authOf(ctx.users.a);
      const note = await ctx.createNote(ctx.users.a);
      assert.ok((await titles(ctx, ctx.users.a)).includes(note.title), "the new note is listed");
      const got = await ctx.call(`/notes/${note.id}`, { auth });
      expectStatus(got, 200, "get the note");
      assert.equal(got.json.title, note.title);
      const put = await ctx.call(`/notes/${note.id}`, { method: "PUT", auth, body: { content: "changed" } });
      expectStatus(put, 200, "update the note");
      assert.equal((await ctx.call(`/notes/${note.id}`, { auth })).json.content, "changed");
      expectStatus(await ctx.call(`/notes/${note.id}`, { method: "DELETE", auth }), 204, "delete the note");
      expectStatus(await ctx.call(`/notes/${note.id}`, { auth }), 404, "get the deleted note");
    },
  },
  {
    id: "attachment",
    title: "given a user's note, when they upload through the presigned URL, then the object lands in the bucket, and an upload of another length is refused",
    async run(ctx) {
      const auth = await ctx.authOf(ctx.users.a);
      const note = await ctx.createNote(ctx.users.a);
      const content = Buffer.from("hello, attachment");
      const r = await ctx.call(`/notes/${note.id}/attachment`, { method: "POST", auth, body: { contentType: "text/plain", size: content.length } });
      expectStatus(r, 200, "presign an upload");
      const wrong = await fetch(r.json.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: Buffer.concat([content, Buffer.from("!")]) });
      assert.equal(wrong.status, 403, "S3 refuses a body of another length than the signed one");
      const put = await fetch(r.json.uploadUrl, { method: "PUT", headers: { "content-type": "text/plain" }, body: content });
      assert.equal(put.status, 200, `upload: ${put.status} ${await put.text()}`);
      const s3 = ctx.outputs.local?.endpoints.s3;
      if (s3) {
        const stored = await fetch(`${s3}/${(ctx.outputs as { attachmentsBucket?: string }).attachmentsBucket}/${r.json.key}`);
        assert.equal(stored.status, 200, "the object is in the local bucket");
        assert.equal(await stored.text(), content.toString());
      }
    },
  },
  {
    id: "isolation",
    title: "given user A's note, when user B reads, changes or deletes it, then each answer is 404 and A's note is unchanged",
    async run(ctx) {
      const note = await ctx.createNote(ctx.users.a);
      const b = await ctx.authOf(ctx.users.b);
      expectStatus(await ctx.call(`/notes/${note.id}`, { auth: b }), 404, "B reads A's note");
      expectStatus(await ctx.call(`/notes/${note.id}`, { method: "PUT", auth: b, body: { content: "B was here" } }), 404, "B changes A's note");
      expectStatus(await ctx.call(`/notes/${note.id}`, { method: "DELETE", auth: b }), 404, "B deletes A's note");
      assert.ok(!(await titles(ctx, ctx.users.b)).includes(note.title), "A's note is not in B's list");
      const mine = await ctx.call(`/notes/${note.id}`, { auth: await ctx.authOf(ctx.users.a) });
      expectStatus(mine, 200, "A still reads the note");
      assert.equal(mine.json.content, "written by the contract suite");
    },
  },
  {
    id: "admin",
    title: "given an ordinary user and a member of the admin group, when each calls /admin/stats, then the user gets 403 and the admin 200",
    async run(ctx) {
      expectStatus(await ctx.call("/admin/stats", { auth: await ctx.authOf(ctx.users.a) }), 403, "a user on /admin/stats");
      expectStatus(await ctx.call("/admin/stats", { auth: await ctx.authOf(ctx.users.admin) }), 200, "an admin on /admin/stats");
    },
  },
  {
    id: "read-only-token",
    title: "given an access token with only notes/read, when it lists and then creates a note, then the list is 200 and the write is refused by the gateway with 403",
    skip: (ctx) => (ctx.mode === "http-jwt" ? undefined : "only the http-jwt door checks scopes"),
    async run(ctx) {
      const read = String(ctx.outputs.client.scopes?.read ?? "notes/read");
      const auth = authorization(ctx.mode, (await ctx.signIn(ctx.users.a, { scopes: [read] })).access_token);
      expectStatus(await ctx.call("/notes", { auth }), 200, "list with notes/read");
      const title = `read-only ${crypto.randomUUID()}`;
      const r = await ctx.call("/notes", { method: "POST", auth, body: { title, content: "x" } });
      expectStatus(r, 403, "create with notes/read only");
      assert.deepEqual(r.json, { message: "Forbidden" }, "the gateway's own 403");
      assert.ok(!(await titles(ctx, ctx.users.a)).includes(title), "nothing was written");
    },
  },
  {
    id: "machine-client",
    title: "given the machine client's client-credentials token, when it calls /me and creates a note, then it is client:<id>, a machine, and it may write; /admin/stats follows its scopes",
    skip: (ctx) => (ctx.outputs.client.machineClientId ? undefined : "the stack has no machine client (m2mClient)"),
    async run(ctx) {
      const tokens = await machineSignIn(ctx.outputs);
      const auth = authorization(ctx.mode, tokens.access_token);
      const me = await ctx.call("/me", { auth });
      expectStatus(me, 200, "the machine's /me");
      assert.equal(me.json.id, `client:${ctx.outputs.client.machineClientId}`);
      assert.equal(me.json.kind, "machine");
      expectStatus(await ctx.call("/notes", { method: "POST", auth, body: { title: "from a machine", content: "x" } }), 201, "a machine creates a note");
      const admin = String(ctx.outputs.client.scopes?.admin ?? "notes/admin");
      expectStatus(await ctx.call("/admin/stats", { auth }), String(tokens.scope ?? "").split(" ").includes(admin) ? 200 : 403, "the machine on /admin/stats");
    },
  },
  {
    id: "cors-preflight",
    title: "given a browser preflight for POST /notes, when it comes from a listed origin, then it is allowed; from another origin it is not",
    skip: (ctx) => (ctx.outputs.local?.corsOrigins.length ? undefined : "the stack lists no CORS origins"),
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      const preflight = (origin: string) => ctx.call("/notes", { method: "OPTIONS", origin, headers: { "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } });
      const ok = await preflight(listed);
      assert.ok(ok.status >= 200 && ok.status < 300, `preflight from ${listed}: ${ok.status} ${ok.text}`);
      assert.equal(ok.headers.get("access-control-allow-origin"), listed, "the listed origin is allowed");
      assert.match(ok.headers.get("access-control-allow-methods") ?? "", /POST/);
      assert.match((ok.headers.get("access-control-allow-headers") ?? "").toLowerCase(), /authorization/);
      const other = await preflight("https://not-listed.example");
      assert.notEqual(other.headers.get("access-control-allow-origin"), "https://not-listed.example", "another origin is not allowed");
    },
  },
  {
    id: "cors-on-gateway-error",
    title: "given a request from a listed origin without credentials, when the gateway refuses it, then the 401 carries the CORS header so the browser can read it",
    skip: (ctx) => (ctx.outputs.local?.corsOrigins.length ? undefined : "the stack lists no CORS origins"),
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      const r = await ctx.call("/notes", { origin: listed });
      refused(r, "no credentials");
      assert.equal(r.headers.get("access-control-allow-origin"), listed);
    },
  },
];

/** Runs the checks one after another (a CLI's runner; mocha maps each to an `it`). */
export async function runChecks(ctx: ContractContext, report: (check: Check, outcome: "passed" | "failed" | "skipped", detail?: string) => void, only?: string[]): Promise<{ passed: number; failed: number; skipped: number }> {
  const tally = { passed: 0, failed: 0, skipped: 0 };
  for (const check of CHECKS.filter((c) => !only || only.includes(c.id))) {
    const reason = check.skip?.(ctx);
    if (reason) {
      tally.skipped++;
      report(check, "skipped", reason);
      continue;
    }
    try {
      await check.run(ctx);
      tally.passed++;
      report(check, "passed");
    } catch (err) {
      tally.failed++;
      report(check, "failed", err instanceof Error ? err.message : String(err));
    }
  }
  return tally;
}
