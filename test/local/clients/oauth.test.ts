import * as assert from "assert";
import { Browser, OAuthError, browse, identityProviderLink } from "../../../local/clients/oauth";

describe("a browser's sign-in with an identity provider (local/clients/oauth.ts)", () => {
  const page =
    `<form method="post"><input name="username"><input name="password" type="password"></form>` +
    `<p><a href="/help?identity_provider=Corporate">Corporate help</a></p>` +
    `<p><a class="idp" href="/pool/interaction/abc?lang=en&amp;identity_provider=Corp">Sign in with Corp</a></p>`;

  it("given a sign-in page linking to providers, then the link whose identity_provider is the name, resolved", () =>
    assert.equal(
      identityProviderLink(page, "http://127.0.0.1:3001/pool/interaction/abc", "Corp"),
      "http://127.0.0.1:3001/pool/interaction/abc?lang=en&identity_provider=Corp",
    ));

  it("given a provider the page does not link to (only a name that starts the same), then none", () => {
    assert.equal(identityProviderLink(page, "http://127.0.0.1:3001/", "Google"), undefined);
    assert.equal(identityProviderLink(page, "http://127.0.0.1:3001/", "Corporat"), undefined);
  });

  describe("browse with identityProvider", () => {
    const POOL = "http://127.0.0.1:3001/pool";
    const IDP = "http://127.0.0.1:3002/corp";
    const form = (action: string) =>
      `<form method="post" action="${action}"><input name="username"><input name="password" type="password"></form>`;
    /** A browser over fixed pages: the pool's login (with or without the Corp link), Corp's form, the callback. */
    class Pages extends Browser {
      readonly posts: string[] = [];
      constructor(private readonly poolLinksCorp: boolean) {
        super();
      }
      override async go(url: string, init: RequestInit = {}): Promise<Response> {
        const u = new URL(url);
        const html = (body: string) => new Response(body, { headers: { "content-type": "text/html" } });
        const redirect = (to: string) => new Response(null, { status: 302, headers: { location: to } });
        if (init.method === "POST") {
          this.posts.push(`${u.origin}${u.pathname}`);
          return redirect("http://app.test/callback?code=c");
        }
        if (u.pathname === "/pool/oauth2/authorize")
          return u.searchParams.get("identity_provider") === "Corp"
            ? redirect(`${IDP}/login`)
            : redirect(`${POOL}/login`);
        if (u.pathname === "/pool/login")
          return html(
            form(`${POOL}/login`) +
              (this.poolLinksCorp ? `<a href="${POOL}/oauth2/authorize?identity_provider=Corp">Corp</a>` : ""),
          );
        if (u.pathname === "/corp/login") return html(form(`${IDP}/login`));
        return new Response("not found", { status: 404 });
      }
    }
    const dana = { username: "dana@corp.example", password: "corp-password", identityProvider: "Corp" };
    const atCallback = (l: string) => l.startsWith("http://app.test/callback");

    it("given a pool's page without the provider's link, then it fails, naming it, posting nothing", async () => {
      const browser = new Pages(false);
      await assert.rejects(
        browse(browser, `${POOL}/oauth2/authorize?client_id=x`, dana, atCallback),
        (err: unknown) => err instanceof OAuthError && /no link to the identity provider Corp/.test(err.message),
      );
      assert.deepEqual(browser.posts, []);
    });

    it("given the page's link to the provider, then the password goes to the provider's form only", async () => {
      const browser = new Pages(true);
      const { location } = await browse(browser, `${POOL}/oauth2/authorize?client_id=x`, dana, atCallback);
      assert.equal(location, "http://app.test/callback?code=c");
      assert.deepEqual(browser.posts, [`${IDP}/login`]);
    });

    it("given an authorize URL with identity_provider (the code flow), then the provider's form gets it", async () => {
      const browser = new Pages(false);
      const start = `${POOL}/oauth2/authorize?client_id=x&identity_provider=Corp`;
      const { location } = await browse(browser, start, dana, atCallback);
      assert.equal(location, "http://app.test/callback?code=c");
      assert.deepEqual(browser.posts, [`${IDP}/login`]);
    });

    it("given no identityProvider, then the pool's own form gets the pool user's password", async () => {
      const browser = new Pages(true);
      await browse(browser, `${POOL}/oauth2/authorize?client_id=x`, { username: "alice", password: "p" }, atCallback);
      assert.deepEqual(browser.posts, [`${POOL}/login`]);
    });
  });
});
