import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Browser, BrowserContext, Page, chromium } from "playwright-core";
import { doorConfig } from "../../../components/doors/registry";
import { DEFAULT_APP_PORT, appOrigin, appOverrides } from "../../../local/app/appConfig";
import { RunningLocalStack, startLocalStack } from "../../../local/localStack";
import { removeDir } from "../../support/localStack";
import { runMode } from "../../support/stack";

/** Debian's chromium (`bash .ci/run` installs it); playwright never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The app's origin, as `npm start` records it (a listed CORS origin), and a sibling origin no stack lists. */
const APP = appOrigin(DEFAULT_APP_PORT);
const OTHER = appOrigin(DEFAULT_APP_PORT + 1);
const UPLOAD = "hello from another origin\n";

/** What the page's fetch got: status and body, or the browser's refusal (a TypeError, the CORS check). */
type Fetched = { status: number; body: any } | { refused: string };

/**
 * A page of another origin calling the alb-oidc door with the load balancer's session cookie: the
 * OPTIONS rule lets preflights through without the login, the function allows a listed origin with
 * credentials, and the cookie goes along because the page and the load balancer are the same site
 * (ports do not count, as app.example.com and api.example.com in AWS): local mode names the load
 * balancer http://localhost:<port>, the app's site, in its URLs and the login client's callback URLs.
 * https://fetch.spec.whatwg.org/#cors-protocol-and-credentials
 */
describe("the alb-oidc door from a page of another origin, in headless Chromium (CORS, session cookie)", function () {
  this.timeout(60000);
  let stack: RunningLocalStack;
  let dataDir: string;
  let pages: http.Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alb: string;

  before(async () => {
    assert.ok(
      fs.existsSync(CHROMIUM),
      `Chromium is not at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`,
    );
    const run = await runMode("alb-oidc", appOverrides(APP, doorConfig("alb-oidc")));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-albcors-"));
    stack = await startLocalStack({ run, stack: "test", dataDir, port: 0, log: () => undefined });
    alb = stack.outputs.url.replace(/\/$/, "");
    // An empty page for both origins: what matters is the origin the calls come from.
    pages = http.createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html>"),
    );
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    const served = `127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const rules = [`MAP ${new URL(APP).host} ${served}`, `MAP ${new URL(OTHER).host} ${served}`];
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [`--host-resolver-rules=${rules.join(",")}`] });
    context = await browser.newContext();
    context.setDefaultTimeout(5000);
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    pages?.close();
    await stack?.close();
    if (dataDir) removeDir(dataDir);
  });

  /** `fetch(alb + path, { credentials: "include" })` from a page of `origin`, JSON in and out. */
  async function fetchFrom(origin: string, method: string, route: string, body?: unknown): Promise<Fetched> {
    if (new URL(page.url()).origin !== origin) await page.goto(origin);
    return page.evaluate(
      async ({ url, method, body }) => {
        try {
          const res = await fetch(url, {
            method,
            credentials: "include",
            headers: body === undefined ? {} : { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : undefined };
        } catch (err) {
          return { refused: String(err) };
        }
      },
      { url: `${alb}${route}`, method, body },
    );
  }

  it("given alice signs in at the load balancer (a top-level navigation), then its /me is hers", async () => {
    const alice = stack.outputs.local.users[0];
    await page.goto(`${alb}/me`);
    await page.fill("input[name=username]", alice.email);
    await page.fill("input[type=password]", alice.password);
    await page.click("form button");
    await page.waitForURL(`${alb}/me`);
    assert.match((await page.textContent("body")) ?? "", new RegExp(`"id":"${alice.sub}"`));
  });

  let noteId: string;
  it("when the app's page creates a note with credentials, then the door answers it: 201", async () => {
    const created = await fetchFrom(APP, "POST", "/notes", { title: "from the app's origin", content: "hi" });
    assert.ok("status" in created, `the browser refused it: ${JSON.stringify(created)}`);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    noteId = created.body.noteId;
    assert.ok(noteId);
  });

  it("when the app's page lists the notes, then the new one is there", async () => {
    const listed = await fetchFrom(APP, "GET", "/notes");
    assert.ok("status" in listed && listed.status === 200, JSON.stringify(listed));
    assert.ok(
      listed.body.items.some((n: { noteId: string }) => n.noteId === noteId),
      JSON.stringify(listed.body),
    );
  });

  it("when the app's page asks for an upload URL, then it gets one and S3 takes the file from that page", async () => {
    const grant = await fetchFrom(APP, "POST", `/notes/${noteId}/attachment`, {
      contentType: "text/plain",
      size: Buffer.byteLength(UPLOAD),
    });
    assert.ok("status" in grant && grant.status === 200, JSON.stringify(grant));
    const put = await page.evaluate(
      async ({ url, text }) =>
        (await fetch(url, { method: "PUT", headers: { "content-type": "text/plain" }, body: text })).status,
      { url: grant.body.uploadUrl as string, text: UPLOAD },
    );
    assert.equal(put, 200);
  });

  it("when a page of an origin not in corsOrigins makes the same calls, then the browser refuses each", async () => {
    for (const [method, route, body] of [
      ["POST", "/notes", { title: "from elsewhere", content: "x" }],
      ["GET", "/notes", undefined],
      ["POST", `/notes/${noteId}/attachment`, { contentType: "text/plain", size: 1 }],
    ] as const) {
      const got = await fetchFrom(OTHER, method, route, body);
      assert.ok("refused" in got, `${method} ${route} from ${OTHER}: ${JSON.stringify(got)}`);
    }
    const listed = await fetchFrom(APP, "GET", "/notes");
    assert.ok("status" in listed);
    assert.equal(listed.body.items.length, 1, "nothing was written from the other origin");
  });
});
