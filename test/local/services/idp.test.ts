import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  LocalClient,
  LocalIdp,
  effectiveGroups,
  newSigningKey,
  passwordPolicyMessage,
  signingKeyFile,
  startIdp,
  validitySeconds,
} from "../../../local/services/idp";
import { recordedProgram } from "../../../local/recorded";
import { loadUsers } from "../../../local/clients/seedUsers";
import { Browser, browse } from "../../../local/clients/oauth";
import { removeDir } from "../../support/localStack";
import { runMode } from "../../support/stack";

describe("the local user pool's settings", () => {
  it(
    "given token validities and groups, when the local pool reads them, then Cognito's units and only " +
      "existing groups count",
    () => {
      assert.equal(validitySeconds(60, "minutes"), 3600);
      assert.equal(validitySeconds(undefined, undefined), 3600);
      assert.equal(validitySeconds(1, undefined), 3600, "hours by default");
      assert.deepEqual(
        effectiveGroups(
          { username: "x", email: "x@example.com", password: "p", sub: "s", groups: ["admins", "ghosts"] },
          ["admins"],
        ),
        ["admins"],
      );
    },
  );

  it("given the pool's password policy, when a password breaks a rule, then Cognito's message names the first", () => {
    const policy = {
      minimumLength: 8,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
    };
    const message = (p: string) =>
      passwordPolicyMessage(policy, p)?.replace("Password did not conform with policy: ", "");
    assert.equal(message("Ab1!"), "Password not long enough");
    assert.equal(message("ABCDEFG1!"), "Password must have lowercase characters");
    assert.equal(message("abcdefg1!"), "Password must have uppercase characters");
    assert.equal(message("Abcdefgh!"), "Password must have numeric characters");
    assert.equal(message("Abcdefgh1"), "Password must have symbol characters");
    assert.equal(message("Abcdefg1!"), undefined);
  });
});

describe("the local user pool's sign-out endpoint (/logout)", function () {
  this.timeout(60000);
  let idp: LocalIdp;
  let dataDir: string;
  let spa: LocalClient;
  const alice = () => {
    const u = idp.pools[0].users[0];
    return { username: u.email, password: u.password };
  };
  const authorize = () =>
    `${idp.pools[0].authorizeEndpoint}?${new URLSearchParams({
      client_id: spa.clientId,
      response_type: "code",
      redirect_uri: spa.callbackUrls[0],
      scope: "openid",
    })}`;
  /** A browser signed in on the hosted UI: the authorize endpoint sent it to the callback with a code. */
  const signedInBrowser = async () => {
    const browser = new Browser();
    const { location } = await browse(browser, authorize(), alice(), (l) => l.startsWith(spa.callbackUrls[0]));
    assert.match(location ?? "", /[?&]code=/);
    return browser;
  };
  /** Where the authorize endpoint sends a browser now: straight to the callback (a session) or to the sign-in page. */
  const nextSignIn = async (browser: Browser) => {
    let url = authorize();
    for (let hops = 0; hops < 6; hops++) {
      const res = await browser.go(url);
      const location = res.headers.get("location");
      if (!location) return /type="password"/.test(await res.text()) ? "the sign-in form" : `${res.status}`;
      url = new URL(location, url).href;
      if (url.startsWith(spa.callbackUrls[0])) return "the callback, with a code";
    }
    return "too many redirects";
  };
  const logout = (browser: Browser, query: Record<string, string>) =>
    browser.go(`${idp.pools[0].issuer}/logout?${new URLSearchParams(query)}`);

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-idp-"));
    fs.writeFileSync(signingKeyFile(dataDir), JSON.stringify(newSigningKey()));
    idp = await startIdp({ program: recordedProgram(await runMode("cognito")), users: loadUsers(), dataDir });
    spa = idp.pools[0].clients.find((c) => c.flows.includes("code") && c.logoutUrls.length)!;
  });
  after(async () => {
    await idp?.close();
    removeDir(dataDir);
  });

  it("given a signed-in browser, when it goes to /logout with a sign-out URL, then the next sign-in asks", async () => {
    const browser = await signedInBrowser();
    assert.equal(await nextSignIn(browser), "the callback, with a code", "the session signs in without a password");
    const res = await logout(browser, { client_id: spa.clientId, logout_uri: spa.logoutUrls[0] });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), spa.logoutUrls[0]);
    assert.equal(await nextSignIn(browser), "the sign-in form");
  });

  it("given a signed-in browser, when logout_uri is not a sign-out URL of the client, then it is refused", async () => {
    const browser = await signedInBrowser();
    for (const logout_uri of ["https://evil.example/", `${spa.logoutUrls[0]}x`]) {
      const res = await logout(browser, { client_id: spa.clientId, logout_uri });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("location"), null);
      assert.equal(((await res.json()) as { error: string }).error, "redirect_mismatch");
    }
    assert.equal(await nextSignIn(browser), "the callback, with a code", "a refused sign-out ends no session");
  });

  it("given /logout without a known client_id, when asked, then it answers 400 and redirects nowhere", async () => {
    const browser = new Browser();
    for (const query of [
      { logout_uri: spa.logoutUrls[0] },
      { client_id: "nope", logout_uri: spa.logoutUrls[0] },
    ] as Record<string, string>[]) {
      const res = await logout(browser, query);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("location"), null);
    }
  });

  it("given a redirect_uri of the client, when the browser signs out with it, then it goes to sign in", async () => {
    const browser = await signedInBrowser();
    const query = {
      client_id: spa.clientId,
      redirect_uri: spa.callbackUrls[0],
      response_type: "code",
      scope: "openid",
    };
    const res = await logout(browser, query);
    assert.equal(res.status, 302);
    const next = new URL(res.headers.get("location")!);
    assert.equal(`${next.origin}${next.pathname}`, idp.pools[0].authorizeEndpoint);
    assert.equal(next.searchParams.get("redirect_uri"), spa.callbackUrls[0]);
    assert.equal(await nextSignIn(browser), "the sign-in form");
  });
});
