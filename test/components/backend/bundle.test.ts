import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import type { AddressInfo } from "net";
import * as path from "path";
import { bundleHandler } from "../../../components/backend/bundle";
import { ISSUER, POOL_ID, SPA_CLIENT, USER_A, idClaims, restEvent, startDynalite } from "../../support/handler";

/**
 * The artifact itself: the esbuild bundle that goes into the Lambda zip, loaded the way the
 * runtime does, configured only through the environment the stack sets (endpoints included).
 */
describe("the bundled handler (index.js), configured by environment only", function () {
  // outside the project: no node_modules to fall back on, as in the Lambda zip
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-bundle-"));
  const saved = { ...process.env };
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let handler: (event: unknown) => Promise<any>;
  let s3: http.Server;
  const s3Requests: string[] = [];

  before(async () => {
    db = await startDynalite();
    // an S3 stand-in on loopback that records what it is asked to do
    s3 = http.createServer((req, res) => {
      s3Requests.push(`${req.method} ${new URL(req.url!, "http://x").pathname}`);
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((r) => s3.listen(0, "127.0.0.1", r));
    Object.assign(process.env, {
      NOTES_TABLE: db.table,
      ATTACHMENTS_BUCKET: "notes-attachments",
      AUTH_MODE: "cognito",
      ALLOWED_CLIENT_IDS: SPA_CLIENT,
      COGNITO_ISSUER: ISSUER,
      USER_POOL_ID: POOL_ID,
      ADMIN_GROUP: "admins",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "session",
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(s3.address() as AddressInfo).port}`,
    });
    fs.writeFileSync(path.join(dir, "index.js"), bundleHandler().code);
    handler = require(path.join(dir, "index.js")).handler;
  });
  after(async () => {
    process.env = saved;
    await db.close();
    await new Promise((r) => s3.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves create, read and presign against the endpoint from AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const call = async (c: any) => {
      const res = await handler(restEvent(c, { claims: idClaims(USER_A) }));
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const created = await call({ method: "POST", path: "/notes", body: { title: "bundled", content: "works" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const read = await call({ method: "GET", path: `/notes/${created.body.noteId}` });
    assert.equal(read.body.title, "bundled");
    const upload = await call({
      method: "POST",
      path: `/notes/${created.body.noteId}/attachment`,
      body: { contentType: "text/plain", size: 5 },
    });
    assert.equal(upload.status, 200, JSON.stringify(upload.body));
    const url = new URL(upload.body.uploadUrl);
    assert.equal(url.origin, process.env.AWS_ENDPOINT_URL_S3, "AWS_ENDPOINT_URL_S3 is honoured (path-style)");
    assert.equal(url.pathname, `/notes-attachments/${upload.body.key}`);
    assert.equal(url.searchParams.get("X-Amz-Security-Token"), "session");
    // and deleting the note deletes the object at that endpoint
    assert.equal((await call({ method: "DELETE", path: `/notes/${created.body.noteId}` })).status, 204);
    assert.deepEqual(s3Requests, [`DELETE /notes-attachments/${upload.body.key}`]);
  });

  it(
    "given the bundle, then it requires node's built-ins only: no AWS SDK or other package is left to the " + "runtime",
    () => {
      const { builtinModules } = require("module") as typeof import("module");
      const required = [...new Set([...bundleHandler().code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
      assert.deepEqual(
        required.filter((m) => !builtinModules.includes(m.replace(/^node:/, ""))),
        [],
      );
      assert.ok(required.includes("https"), "it talks to AWS itself");
    },
  );

  it("answers 401 without verified claims, from the bundle too", async () => {
    const res = await handler(restEvent({ method: "GET", path: "/notes" }));
    assert.equal(res.statusCode, 401);
  });
});
