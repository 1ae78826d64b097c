import * as assert from "assert";
import * as fs from "fs";
import { Browser, BrowserContext, Page, chromium } from "playwright-core";
import type { AuthMode } from "../../../handlers/contract/authModes";
import { doorConfig } from "../../../components/doors/registry";
import { DEFAULT_APP_PORT, appOrigin, appOverrides } from "../../../local/app/appConfig";
import { RunningBrowserApp, startBrowserApp } from "../../../local/app/server";
import type { LocalOutputs } from "../../../local/localStack";
import { LOCAL_DOORS, TestDoor, removeDir, startTestDoor } from "../../support/localStack";
import { ContractContext } from "../../../local/contract/context";
import { userCredential } from "../../../local/clients/doorClient";

/** Debian's chromium (`bash .ci/run` installs it); playwright never downloads a browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/**
 * The origin the stacks record for the app (as `npm start` records http://localhost:5173), so the
 * recorded config, and the stack runs made of it, are the same on every run: Chromium's host
 * resolver maps it to the app's server on its free port (a real loopback connection, so the
 * browser's private-network rules see what a user's browser sees).
 */
const APP = appOrigin(DEFAULT_APP_PORT);
const ATTACHMENT = { name: "hello.txt", mimeType: "text/plain", buffer: Buffer.from("hello from the browser\n") };

/** A door recorded with the app's origin in its CORS origins and callback URLs (appOverrides). */
const startDoorForApp = (mode: AuthMode, extra: Record<string, unknown> = {}) =>
  startTestDoor(mode, { extra: { ...extra, ...appOverrides(APP, doorConfig(mode, extra)) } });

describe("the browser app, in headless Chromium, at every door", function () {
  this.timeout(60000);
  let browser: Browser;
  let app: RunningBrowserApp;
  let outputs: LocalOutputs | undefined;

  before(async () => {
    assert.ok(
      fs.existsSync(CHROMIUM),
      `Chromium is not at ${CHROMIUM}: install Debian's chromium (bash .ci/run does: apt-get install -y chromium) ` +
        `or set CHROMIUM_PATH`,
    );
    app = await startBrowserApp({ port: 0, origin: APP, outputs: () => outputs });
    const mapped = `MAP ${new URL(APP).host} ${new URL(app.listening).host}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [`--host-resolver-rules=${mapped}`] });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /**
   * The describe's door (recorded with the app's origin) and a fresh browser profile, started before its
   * steps and closed after them; every wait fails after 5 s (each step takes well under one).
   */
  function withDoor(mode: AuthMode, extra: Record<string, unknown> = {}) {
    const at = { requests: [] } as unknown as {
      door: TestDoor;
      context: BrowserContext;
      page: Page;
      /** The page's requests: the method, the URL and the X-Amz-Target header. */
      requests: string[];
    };
    before(async () => {
      at.door = await startDoorForApp(mode, extra);
      outputs = at.door.outputs;
      at.context = await browser.newContext();
      at.context.setDefaultTimeout(5000);
      at.page = await at.context.newPage();
      at.page.on("request", (r) => at.requests.push(`${r.method()} ${r.url()} ${r.headers()["x-amz-target"] ?? ""}`));
    });
    after(async () => {
      await at.context?.close();
      await at.door?.close();
      if (at.door) removeDir(at.door.dataDir);
    });
    return at;
  }

  /** Signs in on the user pool's page the browser was sent to. */
  async function signInOnThePoolsPage(page: Page, user: { email: string; password: string }) {
    await page.fill("input[name=username]", user.email);
    await page.fill("input[type=password]", user.password);
    await page.click("form button");
  }

  /** Signs in with the page's Amplify form (SRP through the user pools API). */
  async function signInWithAmplify(page: Page, user: { email: string; password: string }) {
    await page.fill("#amplify-username", user.email);
    await page.fill("#amplify-password", user.password);
    await page.click("#amplify-form button");
  }

  /** Creates a note, lists it, attaches a file to it: the page's own controls. */
  function notesSteps(ctx: () => Page) {
    it("when the user creates a note, then GET /notes lists it", async () => {
      const page = ctx();
      await page.fill("#new-note input[name=title]", "from Chromium");
      await page.fill("#new-note textarea[name=content]", "hello");
      await page.click("#new-note button");
      await page.locator("#note-list li", { hasText: "from Chromium" }).waitFor();
      await page.click("#list");
      await page.locator("#status", { hasText: "GET /notes: 1 notes" }).waitFor();
    });

    it("when the user attaches a file, then the presigned upload to S3 succeeds and the note lists it", async () => {
      const page = ctx();
      const item = page.locator("#note-list li", { hasText: "from Chromium" });
      await item.locator("input[type=file]").setInputFiles(ATTACHMENT);
      await item.locator("button.upload").click();
      await page.locator("#status", { hasText: `uploaded hello.txt (${ATTACHMENT.buffer.length} bytes)` }).waitFor();
      await page.locator("#note-list li", { hasText: "1 attachment" }).waitFor();
    });
  }

  /** Signs out and checks that no credential stayed in the page's storage (and what `sent` waits for was sent). */
  function signOutStep(
    ctx: () => Page,
    signInControl: string,
    secret: () => RegExp,
    sent?: { title: string; request: (page: Page) => Promise<unknown> },
  ) {
    const back = `then the sign-in is back${sent?.title ?? ""}`;
    it(`when the user signs out, ${back} and web storage holds no credential`, async () => {
      const page = ctx();
      const request = sent?.request(page);
      await page.click("#sign-out");
      await request;
      await page.locator(signInControl).waitFor();
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
      assert.doesNotMatch(stored, secret(), "web storage holds the credential");
      assert.equal(await page.locator("#session").isVisible(), false);
    });
  }

  const tokenDoors: [string, AuthMode, Record<string, unknown>][] = [
    // with the Corp IdP federated into the pool, played by its upstream stand-in
    ["cognito", "cognito", LOCAL_DOORS.cognito.extra],
    ["http-jwt", "http-jwt", {}],
    ["lambda-authorizer", "lambda-authorizer", LOCAL_DOORS["lambda-authorizer"].extra],
    ["iam (identity-pool credentials, SigV4)", "iam", {}],
    [
      "api-key with apiKeyWithCognito (a token and the app's key)",
      "api-key",
      LOCAL_DOORS["api-key with apiKeyWithCognito"].extra,
    ],
  ];
  for (const [title, mode, extra] of tokenDoors) {
    describe(`given the ${title} door`, () => {
      const at = withDoor(mode, extra);

      it("when alice signs in on the hosted UI (code flow, PKCE), then the page shows her /me and claims", async () => {
        const alice = at.door.outputs.local.users[0];
        const res = await at.page.goto(APP);
        assert.match((await res!.allHeaders())["content-security-policy"], /script-src 'self'/);
        await at.page.click("#sign-in-hosted");
        await signInOnThePoolsPage(at.page, alice);
        if (at.door.outputs.client.credential.apiKey) {
          // The door wants the application's key too: the page asks for it after the sign-in.
          await at.page.fill("#api-key", String(Object.values(at.door.outputs.secrets.apiKeys)[0]));
          await at.page.click("#key-form button");
        }
        await at.page.locator("#me", { hasText: '"kind": "user"' }).waitFor();
        assert.equal(new URL(at.page.url()).pathname, "/", "the code left the address bar");
        const me = await at.page.textContent("#me");
        assert.match(me ?? "", new RegExp(`"door": "${mode}"`));
        assert.match(me ?? "", new RegExp(`"id": "${alice.sub}"`));
        assert.match((await at.page.textContent("#claims")) ?? "", new RegExp(`"sub": "${alice.sub}"`));
        assert.match((await at.page.textContent("#tier")) ?? "", /^Tier: /);
      });

      if (mode === "iam")
        it("when the page got identity-pool credentials, then it called the AWS endpoint itself, once", async () => {
          const aws = at.door.outputs.local.endpoints.aws.replace(/\/$/, "");
          const called = at.requests.filter((r) => r.startsWith(`POST ${aws}/ AWSCognitoIdentityService.`));
          assert.deepEqual(
            called.map((r) => r.split(".").pop()),
            ["GetId", "GetCredentialsForIdentity"],
          );
          const relay = await fetch(`${app.listening}/aws/cognito-identity/`, { method: "POST", body: "{}" });
          assert.equal(relay.status, 405, "the app's server answers only GET");
        });

      notesSteps(() => at.page);
      // Any JWT (header and payload are base64url JSON objects: "eyJ").
      signOutStep(
        () => at.page,
        "#sign-in-hosted",
        () => /eyJ[\w-]+\.eyJ/,
        {
          title: " through the pool's /logout",
          request: (page) => page.waitForRequest((r) => new URL(r.url()).pathname.endsWith("/logout")),
        },
      );

      it("when alice signs in on the hosted UI again, then the user pool asks for her password", async () => {
        await at.page.click("#sign-in-hosted");
        await at.page.locator("input[type=password]").waitFor();
        assert.equal(new URL(at.page.url()).origin, new URL(at.door.outputs.local.idp!.authorizeEndpoint).origin);
      });

      if (mode === "http-jwt")
        it("when alice signs in with Amplify, then the door refuses her token (403), the page says why", async () => {
          const alice = at.door.outputs.local.users[0];
          await at.page.goto(APP);
          await at.page.locator("#amplify-scopes-note", { hasText: "aws.cognito.signin.user.admin" }).waitFor();
          await signInWithAmplify(at.page, alice);
          await at.page.locator("#me", { hasText: /^403/ }).waitFor();
          await at.page.click("#sign-out");
          await at.page.locator("#amplify-form").waitFor();
        });

      if (mode === "cognito" || mode === "iam") {
        it("when alice signs in with Amplify (SRP, no redirect), then the page shows /me and her note", async () => {
          const alice = at.door.outputs.local.users[0];
          await at.page.goto(APP);
          await signInWithAmplify(at.page, alice);
          await at.page.locator("#me", { hasText: '"kind": "user"' }).waitFor();
          assert.match((await at.page.textContent("#me")) ?? "", new RegExp(`"id": "${alice.sub}"`));
          await at.page.locator("#note-list li", { hasText: "from Chromium" }).waitFor();
        });
        signOutStep(
          () => at.page,
          "#amplify-form",
          () => /eyJ[\w-]+\.eyJ/,
          {
            title: ", Amplify revoked its refresh token,",
            request: (page) =>
              page.waitForResponse(
                (r) =>
                  r.request().headers()["x-amz-target"] === "AWSCognitoIdentityProviderService.RevokeToken" &&
                  r.status() === 200,
              ),
          },
        );
      }

      if (mode === "cognito")
        it("when a callback brings a state the page never sent, then it is refused (signed out)", async () => {
          await at.page.goto(`${APP}/callback?code=stolen&state=forged`);
          await at.page.locator("#status", { hasText: "the state came back changed or missing" }).waitFor();
          assert.equal(new URL(at.page.url()).pathname, "/", "the code left the address bar");
          await at.page.locator("#sign-in-hosted").waitFor();
        });

      if (mode === "cognito")
        it(
          "given a note Dana wrote at the door, when she signs in with the page's Sign in with Corp (at the upstream " +
            "stand-in), then the page shows her as the pool's user and lists her note",
          async () => {
            const outputs = at.door.outputs;
            const corp = outputs.local.idp!.identityProviders![0];
            const dana = corp.users[0];
            const ctx = new ContractContext(outputs);
            const auth = await userCredential(outputs, dana, { identityProvider: corp.name, region: ctx.region });
            const me = await ctx.call("/me", { auth });
            const body = { title: "Dana's, written at the door", content: "before the browser" };
            assert.equal((await ctx.call("/notes", { method: "POST", auth, body })).status, 201);
            await at.page.goto(APP);
            await at.page.click(`#identity-providers button:has-text("Sign in with ${corp.name}")`);
            await at.page.fill("input[name=email]", dana.email);
            await at.page.fill("input[type=password]", dana.password);
            await at.page.click("form button");
            await at.page.locator("#me", { hasText: `"id": "${me.json.id}"` }).waitFor();
            await at.page.locator("#note-list li", { hasText: body.title }).waitFor();
            assert.match((await at.page.textContent("#claims")) ?? "", new RegExp(`"cognito:username": "Corp_`));
            assert.ok(
              at.requests.some((r) => r.startsWith(`GET ${corp.issuer}/auth?`)),
              "the browser went to the stand-in",
            );
          },
        );
    });
  }

  describe("given the api-key door", () => {
    const key = () => String(at.door.outputs.secrets.apiKeys.reporting);
    const at = withDoor("api-key");

    it("when an application's key is entered, then the page warns keys are not for browsers", async () => {
      await at.page.goto(APP);
      await at.page.locator("#api-key-note", { hasText: "Don't use API keys for authentication" }).waitFor();
      await at.page.fill("#api-key", key());
      await at.page.click("#key-form button");
      await at.page.locator("#me", { hasText: '"id": "apikey:' }).waitFor();
      assert.match((await at.page.textContent("#me")) ?? "", /"kind": "machine"/);
    });

    notesSteps(() => at.page);
    signOutStep(
      () => at.page,
      "#api-key",
      () => new RegExp(key()),
    );
  });

  describe("given the alb-oidc door", () => {
    const at = withDoor("alb-oidc", LOCAL_DOORS["alb-oidc"].extra);

    it("given no session, when the page calls GET /me, then the load balancer refuses it: the sign-in", async () => {
      await at.page.goto(APP);
      await at.page.locator("#alb-sign-in").waitFor();
      // The load balancer starts its own login: the page names the providers to pick on the pool's page.
      await at.page.locator("#alb-identity-providers", { hasText: "\u201cSign in with Corp\u201d" }).waitFor();
      assert.equal(await at.page.locator("#session").isVisible(), false);
    });

    it("when alice signs in at the load balancer and comes back, then the page shows her /me", async () => {
      const alice = at.door.outputs.local.users[0];
      await at.page.click("#alb-sign-in");
      await signInOnThePoolsPage(at.page, alice);
      await at.page.waitForURL(`${at.door.outputs.url}/me`);
      await at.page.goto(APP);
      await at.page.locator("#me", { hasText: '"kind": "user"' }).waitFor();
      const me = await at.page.textContent("#me");
      assert.match(me ?? "", /"door": "alb-oidc"/);
      assert.match(me ?? "", new RegExp(`"id": "${alice.sub}"`));
    });

    notesSteps(() => at.page);

    it(
      "when the user signs out, then the door's logout expires the session and the user pool's logout sends the " +
        "browser back to the door, whose login asks again; back at the app, the sign-in link, and a call is refused",
      async () => {
        const alice = at.door.outputs.local.users[0];
        await at.page.click("#sign-out");
        await at.page.locator("input[type=password]").waitFor();
        const cookies = (await at.context.cookies()).map((c) => c.name);
        assert.ok(!cookies.some((c) => /^notes-auth-session-\d+$/.test(c)), cookies.join(", "));
        await at.page.goto(APP);
        await at.page.locator("#alb-sign-in").waitFor();
        assert.equal(await at.page.locator("#session").isVisible(), false);
        const call = await at.context.request.get(`${at.door.outputs.url}/notes`, {
          headers: { accept: "application/json" },
          maxRedirects: 0,
        });
        assert.equal(call.status(), 401, "the load balancer's API rule, not the login");
        // Signed in again for the next step (the pool asks for the password: its session ended too).
        await at.page.click("#alb-sign-in");
        await signInOnThePoolsPage(at.page, alice);
        await at.page.waitForURL(`${at.door.outputs.url}/me`);
      },
    );

    it("when the load balancer's session is gone, then the page's next call shows the sign-in link again", async () => {
      await at.page.goto(APP);
      await at.page.locator("#note-list li", { hasText: "from Chromium" }).waitFor();
      await at.context.clearCookies();
      await at.page.click("#list");
      await at.page.locator("#status", { hasText: "the load balancer refused the call (no session)" }).waitFor();
      await at.page.locator("#alb-sign-in").waitFor();
    });
  });
});
