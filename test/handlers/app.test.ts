import * as assert from "assert";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { AuthMode } from "../../handlers/contract/authModes";
import { createAlbVerifier } from "../../handlers/doors/albVerifier";
import { s3Remover } from "../../handlers/notes/attachments";
import { LIMITS } from "../../handlers/notes/schema";
import { UPLOAD_URL_SECONDS } from "../../handlers/routes";
import { normalize } from "../../handlers/http/request";
import {
  ALB_ARN,
  ALB_CLIENT,
  Call,
  IDENTITY_POOL_ID,
  ISSUER,
  SPA_CLIENT,
  USER_A,
  USER_B,
  accessClaims,
  albEvent,
  albKey,
  forbiddenStore,
  handlerFor,
  httpEvent,
  idClaims,
  machineClaims,
  memoryKeyFetcher,
  restEvent,
  signAlbToken,
  startDynalite,
  storeAt,
} from "../support/handler";
import { dynamoError, hangingStandIn, proxyStandIn, refusingEndpoint, timed } from "../support/standins";

type Db = Awaited<ReturnType<typeof startDynalite>>;
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString("base64url");
/** The store's policy, short for tests: a 400 ms deadline, 150 ms per attempt. */
const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };
const PROMPT_MS = POLICY.deadlineMs + 200;
const key = albKey();
const verifier = createAlbVerifier({
  albArn: ALB_ARN,
  issuer: ISSUER,
  clientId: ALB_CLIENT,
  fetcher: memoryKeyFetcher([key]),
});

/** One door: how to turn a call by a user into that door's event. */
interface Door {
  name: string;
  mode: AuthMode;
  event: (c: Call, user: string) => any;
}
const PROVIDER = (sub: string) =>
  `cognito-idp.us-east-1.amazonaws.com/us-east-1_Notes1234,` +
  `cognito-idp.us-east-1.amazonaws.com/us-east-1_Notes1234:CognitoSignIn:${sub}`;
const DOORS: Door[] = [
  {
    name: "REST v1 (iam, identity-pool user)",
    mode: "iam",
    event: (c, u) =>
      restEvent(c, {
        identity: {
          cognitoIdentityPoolId: IDENTITY_POOL_ID,
          cognitoAuthenticationType: "authenticated",
          cognitoAuthenticationProvider: PROVIDER(u),
          userArn: "arn:aws:sts::123456789012:assumed-role/notes-user-role/CognitoIdentityCredentials",
        },
      }),
  },
  {
    name: "REST v1 (api-key)",
    mode: "api-key",
    event: (c, u) => restEvent(c, { identity: { apiKeyId: `key-of-${u}` } }),
  },
  { name: "REST v1 (cognito)", mode: "cognito", event: (c, u) => restEvent(c, { claims: idClaims(u) }) },
  {
    name: "HTTP v2 (http-jwt)",
    mode: "http-jwt",
    event: (c, u) => httpEvent(c, accessClaims(u, ["notes/read", "notes/write"])),
  },
  {
    name: "ALB single-value (alb-oidc)",
    mode: "alb-oidc",
    event: (c, u) => albEvent(c, signAlbToken(key, { sub: u })),
  },
  {
    name: "ALB multi-value (alb-oidc)",
    mode: "alb-oidc",
    event: (c, u) => albEvent(c, signAlbToken(key, { sub: u }), true),
  },
];

describe("handler against dynalite", function () {
  let db: Db;
  before(async () => {
    db = await startDynalite();
  });
  after(async () => db.close());
  const rows = async () => ((await db.client.send(new ScanCommand({ TableName: db.table }))).Items ?? []).length;

  for (const door of DOORS) {
    describe(door.name, () => {
      const call = (c: Call, user = USER_A) => handlerFor(door.mode, db, { alb: verifier })(door.event(c, user));

      it("creates, reads, lists, updates and deletes a note (full CRUD)", async () => {
        // when A creates a note
        const created = await call({
          method: "POST",
          path: "/notes",
          body: { title: " First ", content: "hello", tags: ["a"] },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.equal(created.body.title, "First");
        assert.equal(created.body.userId, undefined, "the owner id is not echoed");
        const id = created.body.noteId;
        // the Location is the path the client called (the REST stage included), then the id
        assert.equal(
          created.headers.Location,
          `${door.mode === "http-jwt" || door.mode === "alb-oidc" ? "" : "/v1"}/notes/${id}`,
        );
        // then A reads and lists it
        assert.deepEqual((await call({ method: "GET", path: `/notes/${id}` })).body, created.body);
        const list = await call({ method: "GET", path: "/notes" });
        assert.equal(list.status, 200);
        assert.ok(list.body.items.some((n: any) => n.noteId === id));
        // and updates it
        const updated = await call({ method: "PUT", path: `/notes/${id}`, body: { content: "changed" } });
        assert.equal(updated.status, 200);
        assert.equal(updated.body.content, "changed");
        assert.equal(updated.body.title, "First");
        // and deletes it
        assert.equal((await call({ method: "DELETE", path: `/notes/${id}` })).status, 204);
        assert.equal((await call({ method: "GET", path: `/notes/${id}` })).status, 404);
        assert.equal((await call({ method: "DELETE", path: `/notes/${id}` })).status, 404);
      });

      // A body without a JSON Content-Type is what a cross-site form or a no-cors fetch sends (a CORS "simple request",
      // no preflight):
      // https://fetch.spec.whatwg.org/#cors-safelisted-request-header
      it(
        "given a write with a body and no Content-Type, or text/plain, then 415 with a JSON message " +
          "and nothing written",
        async () => {
          const before = await rows();
          const bare = door.event({ method: "POST", path: "/notes", body: { title: "t", content: "c" } }, USER_A);
          for (const k of Object.keys(bare.headers ?? {}))
            if (k.toLowerCase() === "content-type") delete bare.headers[k];
          for (const k of Object.keys(bare.multiValueHeaders ?? {}))
            if (k.toLowerCase() === "content-type") delete bare.multiValueHeaders[k];
          const plain = door.event(
            {
              method: "PUT",
              path: "/notes/11111111-1111-4111-8111-111111111111",
              body: { title: "t" },
              headers: { "Content-Type": "text/plain" },
            },
            USER_A,
          );
          for (const event of [bare, plain]) {
            const res = await handlerFor(door.mode, db, { alb: verifier })(event);
            assert.equal(res.status, 415, JSON.stringify(res.body));
            assert.match(res.body.message, /application\/json/);
          }
          assert.equal(await rows(), before);
        },
      );

      it("isolates principals: B cannot read, change or delete A's note, and it stays as it was", async () => {
        const a = await call({ method: "POST", path: "/notes", body: { title: "A's", content: "secret" } });
        const id = a.body.noteId;
        for (const c of [
          { method: "GET", path: `/notes/${id}` },
          { method: "PUT", path: `/notes/${id}`, body: { title: "pwned" } },
          { method: "DELETE", path: `/notes/${id}` },
          { method: "POST", path: `/notes/${id}/attachment`, body: { contentType: "text/plain", size: 3 } },
        ]) {
          const res = await call(c, USER_B);
          assert.equal(res.status, 404, `${c.method}: ${JSON.stringify(res.body)}`);
          assert.deepEqual(res.body, { message: "note not found" }, "the same answer as for a missing note");
        }
        assert.ok(
          !(await call({ method: "GET", path: "/notes" }, USER_B)).body.items.some((n: any) => n.noteId === id),
        );
        assert.deepEqual((await call({ method: "GET", path: `/notes/${id}` })).body, a.body);
      });

      it("reports the caller at /me", async () => {
        const res = await call({ method: "GET", path: "/me" });
        assert.equal(res.status, 200);
        assert.equal(res.body.id, door.mode === "api-key" ? `apikey:key-of-${USER_A}` : USER_A);
        assert.equal(res.body.door, door.mode);
      });
    });
  }

  it("given a lambda-authorizer caller, then GET /me shows the tier its authorizer put them on", async () => {
    const e = restEvent({ method: "GET", path: "/me", query: { tier: "enterprise", plan: "enterprise" } });
    // and a forged tier in the client's headers and query, which nothing reads
    for (const h of ["x-tier", "x-plan", "plan"]) {
      e.headers[h] = "enterprise";
      e.multiValueHeaders[h] = ["enterprise"];
    }
    e.requestContext.authorizer = {
      principalId: USER_A,
      sub: USER_A,
      iss: ISSUER,
      clientId: SPA_CLIENT,
      username: "alice",
      groups: JSON.stringify(["pro"]),
      scopes: "",
      plan: "pro",
      exp: Math.floor(Date.now() / 1000) + 300,
    };
    const res = await handlerFor("lambda-authorizer", db)(e);
    assert.equal(res.status, 200);
    assert.deepEqual((({ id, door, tier }) => ({ id, door, tier }))(res.body), {
      id: USER_A,
      door: "lambda-authorizer",
      tier: "pro",
    });
  });

  describe("listing", () => {
    it("pages with limit and an opaque cursor, only through the caller's own notes", async () => {
      const user = "33333333-3333-4333-8333-333333333333";
      const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(user) }));
      for (let i = 0; i < 5; i++) await call({ method: "POST", path: "/notes", body: { title: `n${i}`, content: "" } });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await call({
          method: "GET",
          path: "/notes",
          query: { limit: "2", ...(cursor ? { cursor } : {}) },
        });
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.ok(page.body.items.length <= 2);
        seen.push(...page.body.items.map((n: any) => n.title));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen.sort(), ["n0", "n1", "n2", "n3", "n4"]);
    });
  });

  describe("bad input writes nothing", () => {
    const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(USER_A) }));
    const cases: [string, Call, number, RegExp][] = [
      ["malformed JSON", { method: "POST", path: "/notes", body: "{not json" }, 400, /malformed JSON/],
      ["a missing title", { method: "POST", path: "/notes", body: { content: "x" } }, 400, /^title: is required$/],
      [
        "a title of the wrong type",
        { method: "POST", path: "/notes", body: { title: 5, content: "x" } },
        400,
        /^title: must be a string$/,
      ],
      [
        "an empty title",
        { method: "POST", path: "/notes", body: { title: "  ", content: "x" } },
        400,
        /^title: must not be empty$/,
      ],
      [
        "a title over 200 characters",
        { method: "POST", path: "/notes", body: { title: "t".repeat(201), content: "x" } },
        400,
        /^title: must be at most 200/,
      ],
      [
        "content over 64 KiB",
        { method: "POST", path: "/notes", body: { title: "t", content: "é".repeat(33000) } },
        400,
        /^content: must be at most 65536 bytes$/,
      ],
      [
        "eleven tags",
        {
          method: "POST",
          path: "/notes",
          body: { title: "t", content: "c", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
        },
        400,
        /^tags: must have at most 10/,
      ],
      [
        "a forged userId in the body",
        { method: "POST", path: "/notes", body: { title: "t", content: "c", userId: USER_B } },
        400,
        /^userId: not allowed$/,
      ],
      [
        "a forged field after a bad one",
        { method: "POST", path: "/notes", body: { title: 5, content: "c", owner: USER_B } },
        400,
        /^(title: must be a string|owner: not allowed)$/,
      ],
      ["a JSON array body", { method: "POST", path: "/notes", body: "[1,2]" }, 400, /^body: must be a JSON object$/],
      ["no body", { method: "POST", path: "/notes" }, 400, /^body: a JSON object is required$/],
      [
        "a body over 128 KiB",
        { method: "POST", path: "/notes", body: { title: "t", content: "x".repeat(140 * 1024) } },
        413,
        /limit is 131072/,
      ],
      [
        "a non-JSON content type",
        {
          method: "POST",
          path: "/notes",
          body: "title=t",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
        },
        415,
        /application\/json/,
      ],
      [
        "an empty update",
        { method: "PUT", path: "/notes/11111111-1111-4111-8111-111111111111", body: {} },
        400,
        /at least one of/,
      ],
      ["an unknown route", { method: "GET", path: "/nope" }, 404, /no such route/],
      ["a wrong method", { method: "PATCH", path: "/notes" }, 405, /method not allowed/],
      ["a bad list limit", { method: "GET", path: "/notes", query: { limit: "1000" } }, 400, /^limit: /],
      ["a hexadecimal list limit (0x10)", { method: "GET", path: "/notes", query: { limit: "0x10" } }, 400, /^limit: /],
      ["an exponent list limit (1e1)", { method: "GET", path: "/notes", query: { limit: "1e1" } }, 400, /^limit: /],
      [
        "a list limit with a sign or a fraction",
        { method: "GET", path: "/notes", query: { limit: "+5.0" } },
        400,
        /^limit: /,
      ],
      [
        "a NUL in the title",
        { method: "POST", path: "/notes", body: { title: "a\u0000b", content: "x" } },
        400,
        /^title: must not hold control characters/,
      ],
      [
        "a C0 control (BEL) in the title",
        { method: "POST", path: "/notes", body: { title: "a\u0007b", content: "x" } },
        400,
        /^title: must not hold control characters/,
      ],
      [
        "a carriage return in the title",
        { method: "POST", path: "/notes", body: { title: "a\rb", content: "x" } },
        400,
        /^title: must not hold control characters/,
      ],
      [
        "a right-to-left override in the title",
        { method: "POST", path: "/notes", body: { title: "invoice\u202Efdp.exe", content: "x" } },
        400,
        /^title: must not hold control characters/,
      ],
      [
        "a bidi isolate in the title",
        { method: "POST", path: "/notes", body: { title: "a\u2066b\u2069", content: "x" } },
        400,
        /^title: must not hold control characters/,
      ],
      [
        "a bidi embedding in a tag",
        { method: "POST", path: "/notes", body: { title: "t", content: "x", tags: ["\u202Ax"] } },
        400,
        /^tags\.0: must not hold control characters/,
      ],
      [
        "a forged cursor naming another owner",
        { method: "GET", path: "/notes", query: { cursor: cursorOf({ userId: USER_B, noteId: "x" }) } },
        400,
        /^cursor: /,
      ],
      [
        "a crafted cursor with the caller's id and an empty note id",
        { method: "GET", path: "/notes", query: { cursor: cursorOf({ userId: USER_A, noteId: "" }) } },
        400,
        /^cursor: /,
      ],
      [
        "a cursor with a note id no note can have",
        { method: "GET", path: "/notes", query: { cursor: cursorOf({ userId: USER_A, noteId: "x".repeat(2000) }) } },
        400,
        /^cursor: /,
      ],
      [
        "a cursor with an extra key",
        {
          method: "GET",
          path: "/notes",
          query: { cursor: cursorOf({ userId: USER_A, noteId: "11111111-1111-4111-8111-111111111111", title: "x" }) },
        },
        400,
        /^cursor: /,
      ],
      [
        "a cursor of another type",
        { method: "GET", path: "/notes", query: { cursor: cursorOf({ userId: USER_A, noteId: 5 }) } },
        400,
        /^cursor: /,
      ],
      [
        "a title of zero-width characters only",
        { method: "POST", path: "/notes", body: { title: "\u200b\u200c\u2060\ufeff", content: "x" } },
        400,
        /^title: must have a visible character$/,
      ],
      [
        "a lone surrogate in the title",
        { method: "POST", path: "/notes", body: '{"title":"a\\ud800","content":"x"}' },
        400,
        /^title: must be valid Unicode/,
      ],
      [
        "a lone surrogate in the content",
        { method: "POST", path: "/notes", body: '{"title":"t","content":"x\\udc00y"}' },
        400,
        /^content: must be valid Unicode/,
      ],
      [
        "a lone surrogate in a tag",
        { method: "POST", path: "/notes", body: '{"title":"t","content":"","tags":["\\ud83d"]}' },
        400,
        /^tags\.0: must be valid Unicode/,
      ],
      [
        "tags repeated in another case",
        { method: "POST", path: "/notes", body: { title: "t", content: "c", tags: ["Work", "home", " work"] } },
        400,
        /^tags: must not repeat a tag/,
      ],
      [
        "application/jsonp",
        {
          method: "POST",
          path: "/notes",
          body: { title: "t", content: "c" },
          headers: { "Content-Type": "application/jsonp" },
        },
        415,
        /application\/json/,
      ],
      [
        "application/json-patch+json",
        {
          method: "PUT",
          path: "/notes/11111111-1111-4111-8111-111111111111",
          body: { title: "t" },
          headers: { "Content-Type": "application/json-patch+json" },
        },
        415,
        /application\/json/,
      ],
      [
        "JSON with another charset",
        {
          method: "POST",
          path: "/notes",
          body: { title: "t", content: "c" },
          headers: { "Content-Type": "application/json; charset=iso-8859-1" },
        },
        415,
        /application\/json/,
      ],
      [
        "JSON with another parameter",
        {
          method: "POST",
          path: "/notes",
          body: { title: "t", content: "c" },
          headers: { "Content-Type": "application/json; profile=x" },
        },
        415,
        /application\/json/,
      ],
      [
        "a malformed If-Match",
        {
          method: "PUT",
          path: "/notes/11111111-1111-4111-8111-111111111111",
          body: { title: "t" },
          headers: { "If-Match": "abc" },
        },
        400,
        /^If-Match: /,
      ],
      ["a note id that cannot exist", { method: "GET", path: "/notes/..%2F..%2Fadmin" }, 404, /note not found/],
      [
        "an attachment over the size cap",
        {
          method: "POST",
          path: "/notes/11111111-1111-4111-8111-111111111111/attachment",
          body: { contentType: "image/png", size: 11 * 1024 * 1024 },
        },
        413,
        /^size: /,
      ],
      [
        "an attachment size as text",
        {
          method: "POST",
          path: "/notes/11111111-1111-4111-8111-111111111111/attachment",
          body: { contentType: "image/png", size: "10" },
        },
        400,
        /^size: must be a number$/,
      ],
      [
        "an attachment with a bad size",
        {
          method: "POST",
          path: "/notes/11111111-1111-4111-8111-111111111111/attachment",
          body: { contentType: "image/png", size: 1.5 },
        },
        400,
        /^size: must be a whole number$/,
      ],
    ];
    for (const [what, c, status, message] of cases) {
      it(`${what}: ${status} with a JSON message, and no row written`, async () => {
        const before = await rows();
        const res = await call(c);
        assert.equal(res.status, status, JSON.stringify(res.body));
        assert.match(res.body.message, message);
        assert.equal(res.headers["Content-Type"], "application/json");
        assert.equal(await rows(), before);
      });
    }
    it("answers 405 with an Allow header", async () => {
      const res = await call({ method: "PATCH", path: "/notes/11111111-1111-4111-8111-111111111111" });
      assert.equal(res.headers.Allow, "GET, PUT, DELETE");
    });
  });

  describe("unauthenticated requests", () => {
    it("get 401 and nothing is read or written, on every route", async () => {
      const before = await rows();
      for (const c of [
        { method: "GET", path: "/notes" },
        { method: "POST", path: "/notes", body: { title: "t", content: "c" } },
        { method: "GET", path: "/admin/stats" },
      ]) {
        const res = await handlerFor("cognito", db)(restEvent(c));
        assert.equal(res.status, 401);
      }
      assert.equal(await rows(), before);
    });
  });

  describe("attachments", () => {
    it("presigns an upload under the caller's private prefix, for an existing note only", async () => {
      const call = (c: Call) => handlerFor("http-jwt", db)(httpEvent(c, accessClaims(USER_A, ["notes/write"])));
      const note = await call({ method: "POST", path: "/notes", body: { title: "with file", content: "" } });
      const res = await call({
        method: "POST",
        path: `/notes/${note.body.noteId}/attachment`,
        body: { contentType: "image/png", size: 1024 },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.match(res.body.key, new RegExp(`^private/${USER_A}/${note.body.noteId}/[0-9a-f-]{36}$`));
      assert.ok(res.body.uploadUrl.includes(res.body.key));
      assert.equal(res.body.expiresInSeconds, 300);
      assert.deepEqual((await call({ method: "GET", path: `/notes/${note.body.noteId}` })).body.attachmentKeys, [
        res.body.key,
      ]);
    });
    it("deletes a note's attachments with the note, and never another principal's", async () => {
      const removed: string[] = [];
      const call = (c: Call, user = USER_A) =>
        handlerFor("cognito", db, { removed })(restEvent(c, { claims: idClaims(user) }));
      const note = await call({ method: "POST", path: "/notes", body: { title: "files", content: "" } });
      const up = await call({
        method: "POST",
        path: `/notes/${note.body.noteId}/attachment`,
        body: { contentType: "image/png", size: 10 },
      });
      // when B tries, nothing is removed
      assert.equal((await call({ method: "DELETE", path: `/notes/${note.body.noteId}` }, USER_B)).status, 404);
      assert.deepEqual(removed, []);
      // when A deletes the note, its attachment goes too
      assert.equal((await call({ method: "DELETE", path: `/notes/${note.body.noteId}` })).status, 204);
      assert.deepEqual(removed, [up.body.key]);
    });
    it(
      "given S3 fails, when a note is deleted, then the note is gone and its keys are logged before " +
        "the row goes and again as not deleted",
      async () => {
        const logged: Record<string, unknown>[] = [];
        const removeObjects = async (keys: string[]) => ({
          deleted: [],
          failed: keys.map((key) => ({ key, error: "S3 down" })),
        });
        const call = (c: Call) =>
          handlerFor("cognito", db, { log: (e) => void logged.push(e), removeObjects })(
            restEvent(c, { claims: idClaims(USER_A) }),
          );
        const note = await call({ method: "POST", path: "/notes", body: { title: "x", content: "" } });
        const up = await call({
          method: "POST",
          path: `/notes/${note.body.noteId}/attachment`,
          body: { contentType: "text/plain", size: 1 },
        });
        assert.equal((await call({ method: "DELETE", path: `/notes/${note.body.noteId}` })).status, 204);
        assert.equal((await call({ method: "GET", path: `/notes/${note.body.noteId}` })).status, 404);
        assert.deepEqual(
          logged.map((e) => ({ message: e.message, keys: e.keys })),
          [
            { message: "deleting note with attachments", keys: [up.body.key] },
            {
              message:
                "upload URLs outlive the deleted note: an object uploaded to these keys before the time given is " +
                "left behind",
              keys: [up.body.key],
            },
            { message: "attachments not deleted", keys: [up.body.key] },
          ],
        );
      },
    );
    it(
      "given an upload URL still valid, when its note is deleted, then a log line names the keys an " +
        "upload can still reach and until when; after the URL's life, none",
      async () => {
        // given a note whose upload URL was issued at 12:00 (URLs live UPLOAD_URL_SECONDS)
        const logged: Record<string, unknown>[] = [];
        let clock = new Date("2026-11-23T12:00:00Z");
        const call = (c: Call) =>
          handlerFor("cognito", db, { log: (e) => void logged.push(e), now: () => clock })(
            restEvent(c, { claims: idClaims(USER_A) }),
          );
        const lateNote = await call({ method: "POST", path: "/notes", body: { title: "late", content: "" } });
        const up = await call({
          method: "POST",
          path: `/notes/${lateNote.body.noteId}/attachment`,
          body: { contentType: "text/plain", size: 1 },
        });
        assert.equal(up.body.expiresInSeconds, UPLOAD_URL_SECONDS);
        // when it is deleted four minutes later, the URL can still put an object nothing references: logged by key,
        // with
        // the URL's end
        clock = new Date("2026-11-23T12:04:00Z");
        assert.equal((await call({ method: "DELETE", path: `/notes/${lateNote.body.noteId}` })).status, 204);
        const warned = logged.filter((e) => e.level === "warn");
        assert.deepEqual(
          warned.map((e) => ({ keys: e.keys, until: e.until })),
          [{ keys: [up.body.key], until: "2026-11-23T12:05:00.000Z" }],
        );
        // when another note is deleted after its URL's life, no such line
        logged.length = 0;
        clock = new Date("2026-11-23T12:00:00Z");
        const oldNote = await call({ method: "POST", path: "/notes", body: { title: "old", content: "" } });
        await call({
          method: "POST",
          path: `/notes/${oldNote.body.noteId}/attachment`,
          body: { contentType: "text/plain", size: 1 },
        });
        clock = new Date("2026-11-23T12:05:01Z");
        assert.equal((await call({ method: "DELETE", path: `/notes/${oldNote.body.noteId}` })).status, 204);
        assert.deepEqual(
          logged.filter((e) => e.level === "warn"),
          [],
        );
      },
    );
    it("encodes a machine principal in the key so it stays one path segment", async () => {
      const call = (c: Call) => handlerFor("http-jwt", db)(httpEvent(c, machineClaims(["notes/write"])));
      const note = await call({ method: "POST", path: "/notes", body: { title: "m", content: "" } });
      const res = await call({
        method: "POST",
        path: `/notes/${note.body.noteId}/attachment`,
        body: { contentType: "text/plain", size: 3 },
      });
      assert.match(res.body.key, /^private\/client%3Amachineclient0+\//);
    });
  });

  describe("admin routes", () => {
    it("give counts to admins and 403 to everyone else, per door", async () => {
      const stats = (mode: AuthMode, event: any) => handlerFor(mode, db)(event);
      const path = { method: "GET", path: "/admin/stats" };
      const admin = await stats(
        "cognito",
        restEvent(path, { claims: idClaims(USER_A, { "cognito:groups": "admins" }) }),
      );
      assert.equal(admin.status, 200);
      assert.ok(admin.body.notes >= 1 && admin.body.principals >= 1, JSON.stringify(admin.body));
      assert.equal((await stats("cognito", restEvent(path, { claims: idClaims(USER_A) }))).status, 403);
      assert.equal((await stats("api-key", restEvent(path, { identity: { apiKeyId: "opskey123" } }))).status, 200);
      assert.equal((await stats("api-key", restEvent(path, { identity: { apiKeyId: "reportingkey" } }))).status, 403);
      assert.equal((await stats("http-jwt", httpEvent(path, accessClaims(USER_A, ["notes/admin"])))).status, 403);
      assert.equal(
        (
          await stats(
            "http-jwt",
            httpEvent(path, accessClaims(USER_A, ["notes/admin"], { "cognito:groups": "[admins]" })),
          )
        ).status,
        200,
      );
    });
  });

  describe("a credential header sent twice", () => {
    // Which occurrence a gateway verifies is not documented, so neither is trusted. REST v1 and ALB (multi-value) list
    // every occurrence; an HTTP API joins them with commas:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
    const twice: [string, AuthMode, () => any][] = [
      [
        "REST v1: two Authorization headers (cognito)",
        "cognito",
        () => {
          const e = restEvent({ method: "GET", path: "/me" }, { claims: idClaims(USER_A) });
          e.multiValueHeaders.Authorization = [e.headers.Authorization, e.headers.Authorization];
          return e;
        },
      ],
      [
        "REST v1: Authorization and authorization (iam)",
        "iam",
        () => {
          const e = restEvent(
            { method: "GET", path: "/me" },
            { identity: { userArn: "arn:aws:sts::123456789012:assumed-role/reporting/s" } },
          );
          e.multiValueHeaders.Authorization = ["AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=00"];
          e.multiValueHeaders.authorization = ["AWS4-HMAC-SHA256 Credential=c/d, SignedHeaders=host, Signature=11"];
          return e;
        },
      ],
      [
        "REST v1: two x-api-key headers (api-key)",
        "api-key",
        () => {
          const e = restEvent({ method: "GET", path: "/me" }, { identity: { apiKeyId: "k1" } });
          e.multiValueHeaders["x-api-key"] = ["k".repeat(20), "j".repeat(20)];
          return e;
        },
      ],
      [
        "HTTP API: Authorization joined with a comma (http-jwt)",
        "http-jwt",
        () => {
          const e = httpEvent({ method: "GET", path: "/me" }, accessClaims(USER_A, ["notes/read"]));
          e.headers.authorization = "Bearer a.b.c,Bearer d.e.f";
          return e;
        },
      ],
      [
        "ALB multi-value: two Authorization headers (alb-oidc)",
        "alb-oidc",
        () => {
          const e = albEvent({ method: "GET", path: "/me" }, signAlbToken(key, { sub: USER_A }), true);
          e.multiValueHeaders.authorization = ["Bearer a.b.c", "Bearer d.e.f"];
          return e;
        },
      ],
    ];
    for (const [what, mode, event] of twice) {
      it(`given ${what}, then 401 and a warning that names the header, never its values`, async () => {
        const logged: Record<string, unknown>[] = [];
        const res = await handlerFor(mode, db, { alb: verifier, log: (e) => void logged.push(e) })(event());
        assert.equal(res.status, 401, JSON.stringify(res.body));
        assert.equal(logged.length, 1, JSON.stringify(logged));
        assert.equal(logged[0].level, "warn");
        assert.match(String(logged[0].header), /^(authorization|x-api-key)$/);
        assert.ok(
          !JSON.stringify(logged).includes("Bearer") && !JSON.stringify(logged).includes("AWS4"),
          "no credential in the log",
        );
      });
    }
    it("given one SigV4 Authorization header (its own commas) at an HTTP API, then it is not taken for two", () => {
      const e = httpEvent({ method: "GET", path: "/me" });
      e.headers.authorization =
        "AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/execute-api/aws4_request, " +
        "SignedHeaders=host;x-amz-date, Signature=0123abcd";
      assert.equal(normalize(e).headers.authorization, e.headers.authorization);
    });
  });

  describe("cross-site writes at alb-oidc (the session cookie goes with any site's request)", () => {
    const albCall = (c: Call) =>
      handlerFor("alb-oidc", db, { alb: verifier })(albEvent(c, signAlbToken(key, { sub: USER_A })));
    it(
      "given a write whose Origin is another site, then 403 and nothing written; a read from there is " + "not refused",
      async () => {
        const before = await rows();
        const res = await albCall({
          method: "POST",
          path: "/notes",
          body: { title: "t", content: "c" },
          headers: { Origin: "https://evil.example.net" },
        });
        assert.equal(res.status, 403, JSON.stringify(res.body));
        assert.equal(
          (
            await albCall({
              method: "DELETE",
              path: "/notes/11111111-1111-4111-8111-111111111111",
              headers: { Origin: "https://evil.example.net" },
            })
          ).status,
          403,
        );
        assert.equal(await rows(), before);
        assert.equal(
          (await albCall({ method: "GET", path: "/notes", headers: { Origin: "https://evil.example.net" } })).status,
          200,
        );
      },
    );
    it(
      "given a write from a configured CORS origin, from the API's own origin, or with no Origin, " +
        "then it is accepted",
      async () => {
        assert.equal(
          (
            await albCall({
              method: "POST",
              path: "/notes",
              body: { title: "t", content: "c" },
              headers: { Origin: "https://app.example.com" },
            })
          ).status,
          201,
        );
        assert.equal(
          (
            await albCall({
              method: "POST",
              path: "/notes",
              body: { title: "t", content: "c" },
              headers: { Origin: "https://notes.example.com", Host: "notes.example.com" },
            })
          ).status,
          201,
        );
        assert.equal(
          (await albCall({ method: "POST", path: "/notes", body: { title: "t", content: "c" } })).status,
          201,
        );
      },
    );
    it(
      "given a token door (cognito), then Origin is not what decides (the client attaches the token " + "itself)",
      async () => {
        const res = await handlerFor(
          "cognito",
          db,
        )(
          restEvent(
            {
              method: "POST",
              path: "/notes",
              body: { title: "t", content: "c" },
              headers: { Origin: "https://evil.example.net" },
            },
            { claims: idClaims(USER_A) },
          ),
        );
        assert.equal(res.status, 201);
      },
    );
  });

  describe("CORS at alb-oidc (a page of a listed origin calls the load balancer with its session cookie)", () => {
    const APP = "https://app.example.com";
    const preflight = (origin: string, method = "POST", store = forbiddenStore()) => ({
      store,
      res: handlerFor("alb-oidc", undefined, { store })(
        albEvent({
          method: "OPTIONS",
          path: "/notes",
          headers: {
            Origin: origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
          },
        }),
      ),
    });

    it(
      "given a preflight from a listed origin without a principal (the OPTIONS rule skips the login), then 204 " +
        "with the origin, credentials, methods and headers, and the store is never called",
      async () => {
        const { store, res } = preflight(APP);
        const r = await res;
        assert.equal(r.status, 204);
        assert.equal(r.raw.body, "", "a preflight carries no data");
        assert.equal(r.headers["Access-Control-Allow-Origin"], APP);
        assert.equal(r.headers["Access-Control-Allow-Credentials"], "true");
        assert.match(r.headers["Access-Control-Allow-Methods"], /(^|,)POST(,|$)/);
        assert.deepEqual(r.headers["Access-Control-Allow-Headers"].split(","), ["content-type", "if-match"]);
        assert.equal(r.headers.Vary, "Origin");
        assert.deepEqual(store.calls, []);
      },
    );

    it("given a preflight from an origin not listed, or for a method the API has not, then a bare 403", async () => {
      for (const [origin, method] of [
        ["https://evil.example.net", "POST"],
        [`${APP}.evil.example.net`, "POST"],
        [APP, "PATCH"],
      ]) {
        const { store, res } = preflight(origin, method);
        const r = await res;
        assert.equal(r.status, 403, `${origin} ${method}`);
        assert.equal(r.headers["Access-Control-Allow-Origin"] === origin, false, `${origin} ${method}`);
        assert.equal(r.headers["Access-Control-Allow-Credentials"], undefined);
        assert.deepEqual(store.calls, []);
      }
    });

    it("given an OPTIONS that carries a valid session, then it is still only a preflight (no route runs)", async () => {
      const store = forbiddenStore();
      const e = albEvent(
        { method: "OPTIONS", path: "/notes", headers: { Origin: APP, "Access-Control-Request-Method": "GET" } },
        signAlbToken(key, { sub: USER_A }),
      );
      const r = await handlerFor("alb-oidc", undefined, { store, alb: verifier })(e);
      assert.equal(r.status, 204);
      assert.equal(r.raw.body, "");
      assert.deepEqual(store.calls, []);
    });

    it(
      "given a listed origin's read with the session, then the answer names the origin and allows " +
        "credentials (never *); another origin's gets neither",
      async () => {
        const call = (origin: string) =>
          handlerFor("alb-oidc", db, { alb: verifier })(
            albEvent(
              { method: "GET", path: "/notes", headers: { Origin: origin } },
              signAlbToken(key, { sub: USER_A }),
            ),
          );
        const listed = await call(APP);
        assert.equal(listed.status, 200);
        assert.equal(listed.headers["Access-Control-Allow-Origin"], APP);
        assert.equal(listed.headers["Access-Control-Allow-Credentials"], "true");
        const other = await call("https://evil.example.net");
        assert.equal(other.headers["Access-Control-Allow-Origin"], undefined);
        assert.equal(other.headers["Access-Control-Allow-Credentials"], undefined);
      },
    );

    it("given a token door (cognito), then a listed origin's answer does not allow credentials", async () => {
      const r = await handlerFor(
        "cognito",
        db,
      )(restEvent({ method: "GET", path: "/me", headers: { Origin: APP } }, { claims: idClaims(USER_A) }));
      assert.equal(r.headers["Access-Control-Allow-Origin"], APP);
      assert.equal(r.headers["Access-Control-Allow-Credentials"], undefined);
    });

    it(
      "given a write from the load balancer's own origin on the scheme it came in with (X-Forwarded-Proto), " +
        "then it is accepted; the same host on the other scheme is another origin, refused",
      async () => {
        const write = (origin: string, proto: string) =>
          handlerFor("alb-oidc", db, { alb: verifier })(
            albEvent(
              {
                method: "POST",
                path: "/notes",
                body: { title: "t", content: "c" },
                headers: { Origin: origin, Host: "localhost:8443", "X-Forwarded-Proto": proto },
              },
              signAlbToken(key, { sub: USER_A }),
            ),
          );
        assert.equal((await write("http://localhost:8443", "http")).status, 201);
        assert.equal((await write("https://localhost:8443", "https")).status, 201);
        assert.equal((await write("http://localhost:8443", "https")).status, 403);
        assert.equal((await write("https://localhost:8443", "http")).status, 403);
      },
    );
  });

  describe("bodies that are not UTF-8", () => {
    it(
      "given a base64 body with bytes that are not UTF-8, then 400 and nothing written (never stored " + "as U+FFFD)",
      async () => {
        const before = await rows();
        const e = restEvent({ method: "POST", path: "/notes", body: "x" }, { claims: idClaims(USER_A) });
        e.body = Buffer.concat([
          Buffer.from('{"title":"caf'),
          Buffer.from([0xe9]),
          Buffer.from('","content":"x"}'),
        ]).toString("base64");
        e.isBase64Encoded = true;
        const res = await handlerFor("cognito", db)(e);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.match(res.body.message, /^body: not valid UTF-8$/);
        assert.equal(await rows(), before);
      },
    );
  });

  describe("input that is fine", () => {
    it("given tab and newline in a title, and digits for limit, then they pass", async () => {
      const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(USER_A) }));
      assert.equal(
        (await call({ method: "POST", path: "/notes", body: { title: "a\tb\nc", content: "x" } })).status,
        201,
      );
      assert.equal((await call({ method: "GET", path: "/notes", query: { limit: "010" } })).status, 200);
    });
    it("given application/json with charset=utf-8 and tags that differ, when creating, then 201", async () => {
      const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(USER_A) }));
      const res = await call({
        method: "POST",
        path: "/notes",
        body: { title: "é ok \u200b", content: "😀", tags: ["work", "works"] },
        headers: { "Content-Type": "application/json; charset=UTF-8" },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    });
  });

  describe("versions: ETag and If-Match", () => {
    const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(USER_A) }));

    it(
      "given two clients that read the same note, when both PUT with If-Match, then the second gets " +
        "412 and the first's change stays",
      async () => {
        const created = await call({ method: "POST", path: "/notes", body: { title: "shared", content: "v1" } });
        assert.match(created.headers.ETag, /^"[0-9a-f]{16}"$/);
        const id = created.body.noteId;
        const read = await call({ method: "GET", path: `/notes/${id}` });
        assert.equal(read.headers.ETag, created.headers.ETag);
        assert.equal(read.body.version, undefined, "the version is the ETag, not a field");
        const first = await call({
          method: "PUT",
          path: `/notes/${id}`,
          body: { content: "alice" },
          headers: { "If-Match": read.headers.ETag },
        });
        assert.equal(first.status, 200);
        assert.notEqual(first.headers.ETag, read.headers.ETag);
        const second = await call({
          method: "PUT",
          path: `/notes/${id}`,
          body: { content: "bob" },
          headers: { "If-Match": read.headers.ETag },
        });
        assert.equal(second.status, 412);
        assert.match(second.body.message, /changed/);
        const now = await call({ method: "GET", path: `/notes/${id}` });
        assert.equal(now.body.content, "alice");
        assert.equal(now.headers.ETag, first.headers.ETag);
      },
    );

    it(
      "given a stale If-Match, when deleting, then 412 and the note stays; given the current one, " + "then 204",
      async () => {
        const created = await call({ method: "POST", path: "/notes", body: { title: "del", content: "" } });
        const id = created.body.noteId;
        const changed = await call({ method: "PUT", path: `/notes/${id}`, body: { title: "del2" } });
        assert.equal(
          (await call({ method: "DELETE", path: `/notes/${id}`, headers: { "If-Match": created.headers.ETag } }))
            .status,
          412,
        );
        assert.equal((await call({ method: "GET", path: `/notes/${id}` })).status, 200);
        assert.equal(
          (await call({ method: "DELETE", path: `/notes/${id}`, headers: { "If-Match": `W/${changed.headers.ETag}` } }))
            .status,
          412,
          "a weak tag never matches",
        );
        assert.equal(
          (
            await call({
              method: "DELETE",
              path: `/notes/${id}`,
              headers: { "If-Match": `"nope", ${changed.headers.ETag}` },
            })
          ).status,
          204,
        );
      },
    );

    it("given no If-Match (or *), when two clients PUT, then the last write wins as before", async () => {
      const id = (await call({ method: "POST", path: "/notes", body: { title: "lww", content: "" } })).body.noteId;
      assert.equal((await call({ method: "PUT", path: `/notes/${id}`, body: { content: "one" } })).status, 200);
      assert.equal(
        (await call({ method: "PUT", path: `/notes/${id}`, body: { content: "two" }, headers: { "If-Match": "*" } }))
          .status,
        200,
      );
      assert.equal((await call({ method: "GET", path: `/notes/${id}` })).body.content, "two");
    });

    it("given a browser origin that is allowed, then it may read ETag, Location and Retry-After", async () => {
      const res = await call({
        method: "POST",
        path: "/notes",
        body: { title: "cors", content: "" },
        headers: { Origin: "https://app.example.com" },
      });
      // header names are case-insensitive (https://fetch.spec.whatwg.org/#http-access-control-expose-headers)
      const exposed = res.headers["Access-Control-Expose-Headers"]
        .split(",")
        .map((h: string) => h.trim().toLowerCase());
      assert.deepEqual(exposed.sort(), ["etag", "location", "retry-after"]);
    });
  });

  describe("attachment cap", () => {
    it(
      `given a note with ${LIMITS.attachments} attachments, when one more is asked for, then 409 JSON ` +
        `and the note keeps ${LIMITS.attachments}`,
      async () => {
        const call = (c: Call) => handlerFor("cognito", db)(restEvent(c, { claims: idClaims(USER_A) }));
        const id = (await call({ method: "POST", path: "/notes", body: { title: "full", content: "" } })).body.noteId;
        for (let i = 0; i < LIMITS.attachments; i++)
          assert.equal(
            (
              await call({
                method: "POST",
                path: `/notes/${id}/attachment`,
                body: { contentType: "text/plain", size: 1 },
              })
            ).status,
            200,
          );
        const over = await call({
          method: "POST",
          path: `/notes/${id}/attachment`,
          body: { contentType: "text/plain", size: 1 },
        });
        assert.equal(over.status, 409);
        assert.match(over.body.message, new RegExp(`at most ${LIMITS.attachments} attachments`));
        assert.equal(
          (await call({ method: "GET", path: `/notes/${id}` })).body.attachmentKeys.length,
          LIMITS.attachments,
        );
      },
    );
  });

  describe("storage faults: a prompt JSON answer, and a table that holds what the client was told", () => {
    const rowsOf = async (title: string) =>
      ((await db.client.send(new ScanCommand({ TableName: db.table }))).Items ?? []).filter(
        (i) => i.title?.S === title,
      );
    const create = async (endpoint: string, title: string, logged: Record<string, unknown>[] = []) => {
      const h = handlerFor("cognito", db, { store: storeAt(endpoint, POLICY), log: (e) => void logged.push(e) });
      return timed(() =>
        h(restEvent({ method: "POST", path: "/notes", body: { title, content: "" } }, { claims: idClaims(USER_A) })),
      );
    };
    const is503 = (res: { status: number; body: any; headers: Record<string, string> }) => {
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { message: "storage is not answering; try again" });
      assert.equal(res.headers["Retry-After"], "1");
      assert.equal(res.headers["Content-Type"], "application/json");
    };

    const unavailable: [string, () => Promise<{ endpoint: string; close: () => Promise<void> }>][] = [
      ["refuses connections", async () => ({ endpoint: await refusingEndpoint(), close: async () => undefined })],
      ["accepts and never answers", hangingStandIn],
      ["is slower than the deadline", () => proxyStandIn(db.endpoint, () => ({ kind: "slow", delayMs: 1000 }))],
    ];
    for (const [what, start] of unavailable) {
      it(
        `given DynamoDB ${what}, when a note is created, then 503 JSON by the deadline, logged with ` +
          `its cause, and no row`,
        async () => {
          const stand = await start();
          const logged: Record<string, unknown>[] = [];
          try {
            const { ms, value } = await create(stand.endpoint, `unavailable: ${what}`, logged);
            is503(value);
            assert.ok(ms < PROMPT_MS, `${ms} ms`);
            assert.deepEqual(
              logged.map((e) => [e.level, e.status]),
              [["error", 503]],
            );
            assert.match(String(logged[0].cause), /^ServiceUnreachable: dynamodb unavailable: /);
            assert.equal((await rowsOf(`unavailable: ${what}`)).length, 0);
          } finally {
            await stand.close();
          }
        },
      );
    }

    it(
      "given ProvisionedThroughputExceededException for the first calls, when a note is created, then " +
        "201 after retries and exactly that row",
      async () => {
        const proxy = await proxyStandIn(db.endpoint, (n) =>
          n <= 2
            ? dynamoError(
                "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
              )
            : undefined,
        );
        try {
          const { value } = await create(proxy.endpoint, "throttled");
          assert.equal(value.status, 201, JSON.stringify(value.body));
          assert.deepEqual(
            (await rowsOf("throttled")).map((r) => r.noteId.S),
            [value.body.noteId],
          );
        } finally {
          await proxy.close();
        }
      },
    );

    for (const [what, s3] of [
      [
        "refuses connections",
        () => refusingEndpoint().then((endpoint) => ({ endpoint, close: async () => undefined })),
      ],
      ["never answers", hangingStandIn],
    ] as const) {
      it(
        `given S3 ${what}, when a note with attachments is deleted, then 204 within the cleanup ` +
          `deadline, no row, and a log line names every undeleted key`,
        async () => {
          const stand = await s3();
          const logged: Record<string, unknown>[] = [];
          const removeObjects = s3Remover(
            {
              bucket: "notes-attachments",
              region: "us-east-1",
              credentials: () => ({ accessKeyId: "a", secretAccessKey: "b" }),
              endpoint: stand.endpoint,
            },
            { deadlineMs: 300, attemptTimeoutMs: 100, baseDelayMs: 5, maxDelayMs: 20 },
          );
          const call = (c: Call) =>
            handlerFor("cognito", db, { removeObjects, log: (e) => void logged.push(e) })(
              restEvent(c, { claims: idClaims(USER_A) }),
            );
          try {
            const id = (await call({ method: "POST", path: "/notes", body: { title: `s3 ${what}`, content: "" } })).body
              .noteId;
            const keys: string[] = [];
            for (let i = 0; i < 12; i++)
              keys.push(
                (
                  await call({
                    method: "POST",
                    path: `/notes/${id}/attachment`,
                    body: { contentType: "text/plain", size: 1 },
                  })
                ).body.key,
              );
            const { ms, value } = await timed(() => call({ method: "DELETE", path: `/notes/${id}` }));
            assert.equal(value.status, 204);
            assert.ok(ms < 300 + 300, `${ms} ms`);
            assert.equal((await rowsOf(`s3 ${what}`)).length, 0);
            // (their upload URLs are still valid: that is logged too, by key)
            assert.deepEqual(
              logged.filter((e) => e.level !== "warn").map((e) => [e.level, e.message, e.keys]),
              [
                ["info", "deleting note with attachments", keys],
                ["error", "attachments not deleted", keys],
              ],
            );
          } finally {
            await stand.close();
          }
        },
      );
    }
  });

  describe("unexpected errors", () => {
    it("answer 500 with no details, and log the error without the request's token", async () => {
      const logged: Record<string, unknown>[] = [];
      const { createHandler } = await import("../../handlers/app");
      const { envFor } = await import("../support/handler");
      const failing = {
        get: async () => {
          throw new Error("ProvisionedThroughputExceededException: slow down");
        },
      } as any;
      const h = createHandler({
        env: envFor("cognito"),
        store: failing,
        presign: async () => "",
        removeObjects: async () => ({ deleted: [], failed: [] }),
        maxAttachmentBytes: 1,
        now: () => new Date(),
        newId: () => "x",
        log: (e) => void logged.push(e),
      });
      const event = restEvent(
        {
          method: "GET",
          path: "/notes/11111111-1111-4111-8111-111111111111",
          headers: { Authorization: "eyJsecret.token.value" },
        },
        { claims: idClaims(USER_A) },
      );
      const res: any = await h(event);
      assert.equal(res.statusCode, 500);
      assert.deepEqual(JSON.parse(res.body), { message: "internal error" });
      assert.equal(logged.length, 1);
      assert.ok(!JSON.stringify(logged).includes("eyJsecret"), "no token in the log");
      assert.match(String(logged[0].error), /slow down/);
    });
  });

  describe("CORS on real responses", () => {
    it("echoes a listed origin only, never *", async () => {
      const call = (origin: string) =>
        handlerFor(
          "cognito",
          db,
        )(restEvent({ method: "GET", path: "/me", headers: { Origin: origin } }, { claims: idClaims(USER_A) }));
      assert.equal(
        (await call("https://app.example.com")).headers["Access-Control-Allow-Origin"],
        "https://app.example.com",
      );
      assert.equal((await call("https://evil.example.com")).headers["Access-Control-Allow-Origin"], undefined);
    });
  });
});
