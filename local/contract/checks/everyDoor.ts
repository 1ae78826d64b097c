import * as assert from "assert";
import * as crypto from "crypto";
import type { ClientCredential } from "../../../components/doors/door";
import type { Check } from "../check";
import { ContractContext, expectStatus } from "../context";
import { needsAdmin, titles } from "../helpers";

/**
 * Why a door's preflights cannot be checked: no origins listed. A load balancer with listed origins forwards
 * OPTIONS without the login (its preflight rule, components/doors/alb-oidc/component.ts), so its are checked too.
 */
const noCors = (ctx: ContractContext) =>
  ctx.outputs.local?.corsOrigins.length ? undefined : "the stack lists no CORS origins";

/** Why a gateway's refusals cannot carry CORS headers: a load balancer does not refuse, it redirects to the login. */
const noCorsOnRefusals = (ctx: ContractContext) =>
  ctx.facts.gateway === "load-balancer"
    ? "the load balancer sends a request without a session to the login (a redirect, which the browser's fetch " +
      "fails), never a refusal a page could read"
    : noCors(ctx);

/** What a door's browser client sends besides content-type, by how it authenticates (docs/calling-the-doors.md). */
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

/**
 * The API's behaviour any door must show, whatever its credential: refusal without credentials,
 * the principal it verified, CRUD, attachments, isolation between callers, the admin route, CORS.
 */
export const EVERY_DOOR_CHECKS: Check[] = [
  {
    id: "no-credentials",
    title:
      "given no credentials, when a client creates and lists notes, then the door refuses as it does (401 from " +
      "an authorizer, 403 from API Gateway without a signature or a key, a redirect to the login at a load " +
      "balancer) and nothing is written",
    async run(ctx) {
      const title = `anonymous ${crypto.randomUUID()}`;
      ctx.expectRefused(
        await ctx.call("/notes", { method: "POST", body: { title, content: "x" } }),
        "create without credentials",
      );
      ctx.expectRefused(await ctx.call("/notes"), "list without credentials");
      ctx.expectRefused(await ctx.call("/me"), "me without credentials");
      if (ctx.facts.authorizer === "jwt")
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
      "given a signed-in caller, when it asks /me, then it is the principal the door verified: a user's user " +
      "pool sub, or an application's apikey:<key id>",
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
  {
    id: "crud",
    title:
      "given a signed-in caller, when it creates, lists, reads, updates and deletes a note, then each call " +
      "succeeds and the note is gone at the end",
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
      "given a caller's note, when it uploads through the presigned URL, then the object lands in the bucket, " +
      "and an upload of another length is refused",
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
        const bucket = (ctx.outputs as { attachmentsBucket?: string }).attachmentsBucket;
        const key = String(r.json.key).split("/").map(encodeURIComponent).join("/");
        const stored = await fetch(`${s3}/${bucket}/${key}`);
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
      "given an ordinary caller and an admin (the admin group, the admin role, an admin key), when each calls " +
      "/admin/stats, then the caller gets 403 and the admin 200",
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
    id: "cors-preflight",
    title:
      "given a browser preflight for POST /notes, when it comes from a listed origin, then it is allowed with " +
      "the headers the door's clients send; from another origin it is not",
    skip: noCors,
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      // What each door's browser client sends besides content-type (docs/calling-the-doors.md).
      const clientHeaders = browserHeaders(ctx.facts.credential);
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
      // The session cookie is a credential: the page's fetch sends it only when the answer allows credentials.
      // https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
      if (ctx.facts.credential.kind === "alb-session")
        assert.equal(ok.headers.get("access-control-allow-credentials"), "true", "credentials are allowed");
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
      "given a request from a listed origin without credentials, when the gateway refuses it, then the refusal " +
      "carries the CORS header so the browser can read it",
    skip: noCorsOnRefusals,
    async run(ctx) {
      const listed = ctx.outputs.local!.corsOrigins[0];
      const r = await ctx.call("/notes", { origin: listed });
      ctx.expectRefused(r, "no credentials");
      assert.equal(r.headers.get("access-control-allow-origin"), listed);
    },
  },
];
