import * as crypto from "crypto";

/**
 * OAuth 2.0 clients as a user's tools run them, with fetch only: the authorization-code flow
 * with PKCE (RFC 7636) through the sign-in form, and client credentials. Nothing here knows how
 * the provider is built: it follows the redirects of the authorize endpoint, posts the form it
 * lands on, and reads the code from the redirect to the callback URL.
 */

export interface TokenSet {
  id_token?: string;
  access_token: string;
  scope?: string;
  expires_in?: number;
  token_type?: string;
}

export class OAuthError extends Error {}

/** A tiny cookie jar: the sign-in pages keep their interaction state in cookies. */
class Browser {
  private readonly jar = new Map<string, string>();
  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> ?? {}) } });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(";");
      const eq = pair.indexOf("=");
      this.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    return res;
  }
}

export interface CodeFlowRequest {
  authorizeEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  username: string;
  password: string;
}

/** Signs a user in with the authorization-code flow and PKCE (S256), posting the sign-in form. */
export async function signInWithCode(r: CodeFlowRequest): Promise<TokenSet> {
  const browser = new Browser();
  const verifier = crypto.randomBytes(32).toString("base64url");
  const state = crypto.randomBytes(12).toString("base64url");
  const query = new URLSearchParams({
    client_id: r.clientId, response_type: "code", redirect_uri: r.redirectUri, scope: r.scopes.join(" "), state,
    code_challenge: crypto.createHash("sha256").update(verifier).digest("base64url"), code_challenge_method: "S256",
  });
  let res = await browser.go(`${r.authorizeEndpoint}?${query}`);
  let location = res.headers.get("location");
  for (let hops = 0; location && !location.startsWith(r.redirectUri) && hops < 5; hops++) {
    const url = new URL(location, r.authorizeEndpoint).href;
    res = await browser.go(url);
    if (res.status === 200 && (res.headers.get("content-type") ?? "").includes("text/html")) {
      // The sign-in form: post the credentials back to it.
      res = await browser.go(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username: r.username, password: r.password }).toString() });
      if (res.status >= 400) throw new OAuthError(`sign-in refused (${res.status}): ${(await res.text()).trim()}`);
    }
    location = res.headers.get("location");
  }
  if (!location?.startsWith(r.redirectUri)) throw new OAuthError(`the authorize endpoint answered ${res.status} without redirecting to ${r.redirectUri}: ${(await res.text()).slice(0, 200)}`);
  const callback = new URL(location);
  if (callback.searchParams.get("error")) throw new OAuthError(`${callback.searchParams.get("error")}: ${callback.searchParams.get("error_description") ?? ""}`);
  if (callback.searchParams.get("state") !== state) throw new OAuthError("the state came back changed");
  return tokenRequest(r.tokenEndpoint, {
    grant_type: "authorization_code", code: callback.searchParams.get("code") ?? "", redirect_uri: r.redirectUri, client_id: r.clientId, code_verifier: verifier,
  });
}

/** Client credentials (HTTP Basic client authentication); no scopes asks for all the client may have. */
export function clientCredentials(tokenEndpoint: string, clientId: string, secret: string, scopes: string[] = []): Promise<TokenSet> {
  return tokenRequest(tokenEndpoint, { grant_type: "client_credentials", ...(scopes.length ? { scope: scopes.join(" ") } : {}) }, `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`);
}

async function tokenRequest(endpoint: string, params: Record<string, string>, authorization?: string): Promise<TokenSet> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, string>;
  if (!res.ok) throw new OAuthError(`token endpoint answered ${res.status}: ${body.error ?? ""} ${body.error_description ?? ""}`.trim());
  return body as unknown as TokenSet;
}

/** A JWT's payload, unverified (for display and for tests that build variants of a real token). */
export function decodeJwt(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}
