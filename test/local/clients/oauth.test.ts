import * as assert from "assert";
import { identityProviderLink } from "../../../local/clients/oauth";

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
});
