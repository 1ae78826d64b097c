import * as crypto from "crypto";

/**
 * OAuth 2.0 clients as a user's tools run them, with fetch only: the authorization-code flow
 * with PKCE (RFC 7636) through the sign-in form, and client credentials; and a small browser for
 * sign-ins that a server runs (a load balancer's). Nothing here knows how the provider is built:
 * it follows the redirects, posts the sign-in form it lands on (with its hidden fields), and reads
 * the code from the redirect to the callback URL.
 */

export interface TokenSet {
  id_token?: string;
  access_token: string;
  scope?: string;
  expires_in?: number;
  token_type?: string;
}

export class OAuthError extends Error {}

/**
 * A small browser: follows nothing by itself, keeps cookies per host (a cookie set with
 * `Max-Age=0` is removed), so sign-in pages and a load balancer's session work as in a browser.
 */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();
  /** The cookies this browser holds for a URL's host, as a Cookie header value. */
  cookieHeader(url: string): string {
    return [...(this.jars.get(new URL(url).host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.cookieHeader(url);
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(cookie ? { cookie } : {}), ...((init.headers as Record<string, string>) ?? {}) },
    });
    const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
    this.jars.set(new URL(url).host, jar);
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1));
    }
    return res;
  }
}

/**
 * The sign-in form of a page: the first form with a password field, its action (relative to the
 * page), its hidden fields (a hosted UI's CSRF token), and which fields take the name and password.
 */
export function signInForm(
  html: string,
  pageUrl: string,
): { action: string; fields: Record<string, string>; userField: string; passwordField: string } | undefined {
  for (const [, attrs, inner] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const inputs = [...inner.matchAll(/<input\b([^>]*)>/gi)]
      .map(([, a]) => ({
        name: /\bname="([^"]*)"/i.exec(a)?.[1],
        type: (/\btype="([^"]*)"/i.exec(a)?.[1] ?? "text").toLowerCase(),
        value: /\bvalue="([^"]*)"/i.exec(a)?.[1] ?? "",
      }))
      .filter((i) => i.name);
    const password = inputs.find((i) => i.type === "password");
    const user = inputs.find((i) => ["text", "email"].includes(i.type));
    if (!password || !user) continue;
    const action = /\baction="([^"]*)"/i.exec(attrs)?.[1]?.replace(/&amp;/g, "&");
    return {
      action: new URL(action || pageUrl, pageUrl).href,
      fields: Object.fromEntries(
        inputs.filter((i) => i.type === "hidden").map((i) => [i.name!, i.value.replace(/&amp;/g, "&")]),
      ),
      userField: user.name!,
      passwordField: password.name!,
    };
  }
  return undefined;
}

/**
 * The link of a sign-in page that signs in with an identity provider (a hosted UI's "Sign in with <provider>"
 * button): the first link whose URL carries `identity_provider=<name>`, as the hosted UI's buttons do
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html).
 */
export function identityProviderLink(html: string, pageUrl: string, name: string): string | undefined {
  for (const [, href] of html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/gi)) {
    const url = new URL(href.replace(/&amp;/g, "&"), pageUrl);
    if (url.searchParams.get("identity_provider") === name) return url.href;
  }
  return undefined;
}

/** Who signs in as `browse` goes: a name and password, posted at the provider's form (`identityProvider`'s, if set). */
export interface BrowsingUser {
  username: string;
  password: string;
  /** Sign in with that identity provider: on a sign-in page that links to it, follow the link, not the form. */
  identityProvider?: string;
}

/**
 * Goes to `url` as a browser: follows redirects, and on a page with a sign-in form posts the
 * user's name and password (or, with `identityProvider`, first follows the page's link to that provider and posts
 * at its form). Stops at the first answer that is not a redirect, or at a redirect
 * `stop` accepts (not followed). Returns that answer and the URL it came from.
 * With `identityProvider`, a sign-in form met before the way leads to that provider (a URL with its
 * `identity_provider`: the start, a redirect or the page's link) is the pool's own: the provider user's password is
 * never posted there, and the sign-in fails instead (OAuthError), saying the page has no link to the provider.
 */
export async function browse(
  browser: Browser,
  url: string,
  who: BrowsingUser,
  stop: (location: string) => boolean = () => false,
): Promise<{ res: Response; url: string; location?: string }> {
  let current = url;
  let res = await browser.go(current);
  let posted = false;
  const toProvider = (u: string) =>
    who.identityProvider !== undefined && new URL(u).searchParams.get("identity_provider") === who.identityProvider;
  let federated = toProvider(url);
  for (let hops = 0; hops < 16; hops++) {
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, current).href;
      if (stop(next)) return { res, url: current, location: next };
      federated ||= toProvider(next);
      current = next;
      res = await browser.go(current);
      continue;
    }
    if (res.status === 200 && (res.headers.get("content-type") ?? "").includes("text/html") && !posted) {
      const page = await res.text();
      const link = who.identityProvider && !federated && identityProviderLink(page, current, who.identityProvider);
      if (link) {
        federated = true;
        res = await browser.go((current = link));
        continue;
      }
      const form = signInForm(page, current);
      if (!form) return { res, url: current };
      if (who.identityProvider && !federated)
        throw new OAuthError(
          `the sign-in page at ${current} has no link to the identity provider ${who.identityProvider} ` +
            `("Sign in with ${who.identityProvider}"): its form is the pool's own, so ${who.username}'s password ` +
            "is not posted there",
        );
      posted = true;
      res = await browser.go(form.action, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          ...form.fields,
          [form.userField]: who.username,
          [form.passwordField]: who.password,
        }).toString(),
      });
      if (res.status >= 400)
        throw new OAuthError(`sign-in refused (${res.status}): ${(await res.text()).trim().slice(0, 200)}`);
      continue;
    }
    return { res, url: current };
  }
  throw new OAuthError(`too many redirects from ${url}`);
}

export interface CodeFlowRequest {
  authorizeEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  username: string;
  password: string;
  /**
   * `identity_provider`: sign in at that upstream IdP (its form gets the name and password) instead of the pool's.
   * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
   */
  identityProvider?: string;
}

/** Signs a user in with the authorization-code flow and PKCE (S256), posting the sign-in form. */
export async function signInWithCode(r: CodeFlowRequest): Promise<TokenSet> {
  const verifier = crypto.randomBytes(32).toString("base64url");
  const state = crypto.randomBytes(12).toString("base64url");
  const query = new URLSearchParams({
    client_id: r.clientId,
    response_type: "code",
    redirect_uri: r.redirectUri,
    scope: r.scopes.join(" "),
    state,
    code_challenge: crypto.createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...(r.identityProvider ? { identity_provider: r.identityProvider } : {}),
  });
  const { res, location } = await browse(new Browser(), `${r.authorizeEndpoint}?${query}`, r, (l) =>
    l.startsWith(r.redirectUri),
  );
  if (!location)
    throw new OAuthError(
      `the authorize endpoint answered ${res.status} without redirecting to ${r.redirectUri}: ` +
        `${(await res.text()).slice(0, 200)}`,
    );
  const callback = new URL(location);
  if (callback.searchParams.get("error"))
    throw new OAuthError(
      `${callback.searchParams.get("error")}: ${callback.searchParams.get("error_description") ?? ""}`,
    );
  if (callback.searchParams.get("state") !== state) throw new OAuthError("the state came back changed");
  return tokenRequest(r.tokenEndpoint, {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code") ?? "",
    redirect_uri: r.redirectUri,
    client_id: r.clientId,
    code_verifier: verifier,
  });
}

/** Client credentials (HTTP Basic client authentication); no scopes asks for all the client may have. */
export function clientCredentials(
  tokenEndpoint: string,
  clientId: string,
  secret: string,
  scopes: string[] = [],
): Promise<TokenSet> {
  return tokenRequest(
    tokenEndpoint,
    { grant_type: "client_credentials", ...(scopes.length ? { scope: scopes.join(" ") } : {}) },
    `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
  );
}

async function tokenRequest(
  endpoint: string,
  params: Record<string, string>,
  authorization?: string,
): Promise<TokenSet> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, string>;
  if (!res.ok)
    throw new OAuthError(
      `token endpoint answered ${res.status}: ${body.error ?? ""} ${body.error_description ?? ""}`.trim(),
    );
  return body as unknown as TokenSet;
}

/** A JWT's payload, unverified (for display and for tests that build variants of a real token). */
export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}
