import type { AppConfig } from "../appTypes.js";

/**
 * The hosted UI's authorization-code flow with PKCE (RFC 7636, S256), as a public SPA client runs
 * it: the verifier and state wait in sessionStorage for the one redirect (as Amplify and
 * oidc-client-ts keep theirs), the code is exchanged at the token endpoint (CORS, no secret), the
 * code leaves the address bar, and the tokens live in memory only.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */

export interface Tokens {
  id_token?: string;
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

type SignIn = NonNullable<AppConfig["signIn"]>;

const PENDING = "notes-auth:pending-sign-in";

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const randomString = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/**
 * Sends the browser to the authorize endpoint: the user pool's sign-in page, or with `identityProvider` straight to
 * that provider's (`identity_provider`, as a hosted UI's "Sign in with" button does).
 */
export async function beginSignIn(s: SignIn, identityProvider?: string): Promise<void> {
  const verifier = randomString(32);
  const state = randomString(16);
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    client_id: s.clientId,
    response_type: "code",
    redirect_uri: s.redirectUri,
    scope: s.scopes.join(" "),
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...(identityProvider ? { identity_provider: identityProvider } : {}),
  });
  location.assign(`${s.authorizeEndpoint}?${query}`);
}

/** On the callback page: the tokens for the code (undefined elsewhere). */
export async function finishSignIn(s: SignIn): Promise<Tokens | undefined> {
  if (location.pathname !== new URL(s.redirectUri).pathname) return undefined;
  const q = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null") as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", "/");
  if (q.get("error")) throw new Error(`sign-in refused: ${q.get("error")} ${q.get("error_description") ?? ""}`);
  if (!pending || q.get("state") !== pending.state) throw new Error("sign-in: the state came back changed or missing");
  const res = await fetch(s.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: q.get("code") ?? "",
      redirect_uri: s.redirectUri,
      client_id: s.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`the token endpoint answered ${res.status}: ${body.error ?? ""}`);
  return body as Tokens;
}

/** A JWT's payload, for display (the door verifies the token; this copy is never trusted). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
