import type { AppConfig } from "../appTypes.js";
import { Tokens, beginSignIn, claimsOf, finishSignIn } from "./codeFlow.mjs";
import { CredentialsProvider, identityPoolCredentials, signedHeaders } from "./sigv4.mjs";
import { amplifyCredentials, amplifySignIn, amplifySignOut, configureAmplify } from "./amplify.mjs";

/**
 * The browser app: signs in the way the door's clients do, then creates, lists and attaches
 * files to notes, and shows who the backend thinks you are. Credentials live in this page's
 * memory only (a reload signs you out); every value from the API is shown as text, never HTML.
 */

/** How a user signed in: the hosted UI's code flow, or Amplify's SRP sign-in through the user pools API. */
type Via = "hosted-ui" | "amplify";

type Session =
  | { kind: "token"; via: Via; tokens: Tokens; apiKey?: string }
  | { kind: "sigv4"; via: Via; tokens: Tokens; credentials: CredentialsProvider }
  | { kind: "api-key"; apiKey: string }
  /** The load balancer's HttpOnly session cookie: the page never sees it; the browser sends it (same site). */
  | { kind: "alb-session" };

let config: AppConfig;
let session: Session | undefined;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};
const show = (what: unknown) => (typeof what === "string" ? what : JSON.stringify(what, null, 2));

function status(text: string, error = false) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

/** One call to the door with the session's credential; the answer's status and JSON body. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const url = `${config.api}${path}`;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let headers: Record<string, string> = payload ? { "content-type": "application/json" } : {};
  const s = session;
  if (s?.kind === "token" && config.credential.kind === "user-token") {
    const c = config.credential;
    const token = c.token === "id" ? s.tokens.id_token! : s.tokens.access_token;
    headers.authorization = c.scheme === "bearer" ? `Bearer ${token}` : token;
    if (s.apiKey) headers["x-api-key"] = s.apiKey;
  } else if (s?.kind === "api-key") headers["x-api-key"] = s.apiKey;
  else if (s?.kind === "sigv4")
    headers = await signedHeaders(s.credentials, config.region, { method, url, headers, body: payload });
  // Only the load balancer's session is a cookie; every other credential is in the request, and no cookie goes.
  const credentials = s?.kind === "alb-session" ? "include" : "omit";
  // At the load balancer a call asks for JSON: its API rule then answers 401 without a session, not the login.
  if (s?.kind === "alb-session") headers.accept = "application/json";
  const res = await fetch(url, { method, headers, body: payload, credentials }).catch((err: unknown) => {
    // Without a session the load balancer answers its own 401, which carries no CORS headers: the browser refuses
    // the call (a TypeError). Its session ended, so the page offers the sign-in again.
    if (s?.kind !== "alb-session" || !(err instanceof TypeError)) throw err;
    session = undefined;
    renderSignIn();
    throw new Error(`${method} ${path}: the load balancer refused the call (no session): sign in again`);
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: shown as text
  }
  return { status: res.status, body: parsed };
}

function apiKeyNote(): HTMLElement {
  return el(
    "p",
    { className: "note", id: "api-key-note" },
    "An API key identifies an application, not a person, and anything a browser holds is public: whoever opens " +
      "this page can read the key and call the API as that application, within its usage plan. AWS: \u201cDon't " +
      "use API keys for authentication or authorization\u201d. Keep keys in back ends; sign people in at a user door.",
  );
}

function keyForm(onKey: (key: string) => void): HTMLElement {
  const input = el("input", { id: "api-key", type: "password", placeholder: "x-api-key value", autocomplete: "off" });
  const form = el("form", { id: "key-form" }, input, el("button", { type: "submit" }, "Use this key"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    onKey(input.value.trim());
  });
  return form;
}

function renderSignIn() {
  const box = $("sign-in");
  box.replaceChildren();
  $("session").hidden = true;
  $("notes").hidden = true;
  box.hidden = false;
  const c = config.credential;
  const users = config.users.map((u) => `${u.username} / ${u.password}`).join("; ");
  switch (c.kind) {
    case "user-token":
    case "identity-pool-sigv4": {
      const how =
        c.kind === "user-token"
          ? `the door takes the ${c.token === "id" ? "ID" : "access"} token` +
            (c.scheme === "bearer" ? " as a bearer token" : " in Authorization") +
            (c.apiKey ? ", with the app's API key" : "")
          : "the ID token buys identity-pool credentials, and every call is signed with SigV4";
      const button = el("button", { id: "sign-in-hosted", type: "button" }, "Sign in with the hosted UI");
      button.addEventListener("click", () => void beginSignIn(config.signIn!).catch((e) => status(String(e), true)));
      box.append(
        el("h2", {}, "Sign in"),
        el("p", {}, `The user pool's sign-in page (authorization code with PKCE); ${how}.`),
        button,
        ...providerButtons(),
        ...(config.amplify ? amplifyForm() : []),
        el("p", {}, `Local users: ${users}`),
      );
      return;
    }
    case "api-key":
      box.append(
        el("h2", {}, "An API key"),
        apiKeyNote(),
        el(
          "p",
          {},
          `The stack's key clients: ${config.apiKeyClients.join(", ")} (values in .local/outputs.json "secrets").`,
        ),
        keyForm((apiKey) => void signedIn({ kind: "api-key", apiKey })),
      );
      return;
    case "alb-session":
      box.append(
        el("h2", {}, "The load balancer's sign-in"),
        el(
          "p",
          {},
          "The load balancer signs browsers in itself: open the door, sign in on the user pool's page, and the " +
            "load balancer keeps your session in an HttpOnly cookie on its own origin. Then come back: this page " +
            "is on the same site, so its calls (credentials: \u201cinclude\u201d) carry the cookie, and the " +
            "function allows this origin with credentials.",
        ),
        el(
          "p",
          { className: "row" },
          el("a", { id: "alb-sign-in", className: "button", href: `${config.api}/me` }, "Sign in at the load balancer"),
        ),
        ...(config.identityProviders.length
          ? [
              el(
                "p",
                { id: "alb-identity-providers" },
                "The load balancer starts its own sign-in, so this page cannot pick a provider for it: on the user " +
                  `pool's page, choose ${config.identityProviders.map((p) => `\u201cSign in with ${p.name}\u201d`).join(" or ")}.`,
              ),
            ]
          : []),
        el("p", {}, `Local users: ${users}`),
        ...providerUsers(),
      );
      return;
  }
}

/**
 * A "Sign in with <provider>" button for each identity provider federated into the pool: the same code flow, with
 * `identity_provider`, so the pool sends the browser straight to that provider and back, and the tokens are the
 * pool's (the person is a user of the pool, with its own `sub`).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 */
function providerButtons(): HTMLElement[] {
  if (!config.identityProviders.length || !config.signIn) return [];
  const buttons = config.identityProviders.map((p) => {
    const b = el("button", { type: "button", className: "sign-in-idp" }, `Sign in with ${p.name}`);
    b.addEventListener("click", () => void beginSignIn(config.signIn!, p.name).catch((e) => status(String(e), true)));
    return b;
  });
  return [el("p", { className: "row", id: "identity-providers" }, ...buttons), ...providerUsers()];
}

/** The test users of each provider's local stand-in, as a hint. */
function providerUsers(): HTMLElement[] {
  return config.identityProviders
    .filter((p) => p.users.length)
    .map((p) =>
      el(
        "p",
        {},
        `${p.name}'s users (its local stand-in): ${p.users.map((u) => `${u.email} / ${u.password}`).join("; ")}`,
      ),
    );
}

/** The OIDC scopes; the rest of a sign-in's scopes are the door's API scopes (resource-server scopes). */
const OIDC_SCOPES = ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"];

/** Amplify's SRP sign-in: a name and password form (the page never keeps them), and what the door makes of it. */
function amplifyForm(): HTMLElement[] {
  const c = config.credential;
  const apiScopes = (config.signIn?.scopes ?? []).filter((s) => !OIDC_SCOPES.includes(s));
  const user = el("input", { id: "amplify-username", type: "email", placeholder: "email", autocomplete: "username" });
  const password = el("input", {
    id: "amplify-password",
    type: "password",
    placeholder: "password",
    autocomplete: "current-password",
  });
  const form = el("form", { id: "amplify-form" }, user, password, el("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void (async () => {
      configureAmplify(config.amplify!);
      const tokens = await amplifySignIn(user.value.trim(), password.value);
      password.value = "";
      if (c.kind === "identity-pool-sigv4")
        return signedIn({ kind: "sigv4", via: "amplify", tokens, credentials: amplifyCredentials });
      return signedIn({ kind: "token", via: "amplify", tokens });
    })().catch((err) => status(String(err), true));
  });
  return [
    el("h3", {}, "Or with Amplify JS (SRP)"),
    el(
      "p",
      {},
      "Amplify's signIn proves the password with SRP through the user pools API, without a redirect" +
        (c.kind === "identity-pool-sigv4" ? "; fetchAuthSession then gets the identity pool's credentials." : "."),
    ),
    ...(c.kind === "user-token" && c.token === "access" && apiScopes.length
      ? [
          el(
            "p",
            { className: "note", id: "amplify-scopes-note" },
            `This door checks the access token's scopes (${apiScopes.join(", ")}). The user pools API's tokens ` +
              "carry only aws.cognito.signin.user.admin (resource-server scopes come from the hosted UI's code " +
              "flow), so the door refuses Amplify's token on those routes, as it does in AWS.",
          ),
        ]
      : []),
    form,
  ];
}

async function signedIn(s: Session) {
  session = s;
  $("sign-in").hidden = true;
  $("session").hidden = false;
  $("notes").hidden = false;
  const tokens = s.kind === "api-key" || s.kind === "alb-session" ? undefined : s.tokens;
  const c = config.credential;
  const shown = tokens && (c.kind === "user-token" && c.token === "access" ? tokens.access_token : tokens.id_token);
  $("claims-title").hidden = !shown;
  $("claims").hidden = !shown;
  $("claims").textContent = shown ? show(claimsOf(shown)) : "";
  if (c.kind === "user-token" && c.apiKey && s.kind === "token" && !s.apiKey) {
    $("me").textContent = "this door also wants the app's API key:";
    $("me").append(
      apiKeyNote(),
      keyForm((apiKey) => void signedIn({ ...s, apiKey })),
    );
    return;
  }
  await refreshMe();
  await listNotes();
}

async function refreshMe() {
  const me = await call("GET", "/me");
  $("me").textContent = `${me.status}\n${show(me.body)}`;
  const tiers = Object.entries(config.tiers)
    .map(([name, t]) => `${name}${t.group ? ` (group ${t.group})` : " (default)"}`)
    .join(", ");
  $("tier").textContent =
    `Tier: ${me.body?.tier ?? "not reported by GET /me"}` + (tiers ? `; the door's tiers: ${tiers}` : "");
}

async function listNotes() {
  const res = await call("GET", "/notes");
  const list = $("note-list");
  list.replaceChildren();
  if (res.status !== 200) return status(`GET /notes: ${res.status} ${show(res.body)}`, true);
  for (const note of res.body.items ?? []) list.append(noteItem(note));
  status(`GET /notes: ${res.body.items?.length ?? 0} notes`);
}

function noteItem(note: { noteId: string; title: string; content?: string; attachmentKeys?: string[] }): HTMLElement {
  const file = el("input", { type: "file", className: "file" });
  const upload = el("button", { type: "button", className: "upload" }, "Attach");
  upload.addEventListener(
    "click",
    () => void attach(note.noteId, file.files?.[0]).catch((err) => status(String(err), true)),
  );
  const keys = note.attachmentKeys ?? [];
  return el(
    "li",
    { className: "note-item" },
    el("strong", {}, note.title),
    ` ${note.content ?? ""} `,
    el("span", { className: "attachments" }, `${keys.length} attachment${keys.length === 1 ? "" : "s"}`),
    el("span", { className: "row" }, file, upload),
  );
}

/** The presigned upload: the API hands out a PUT URL bound to the type and exact size; the file goes to S3. */
async function attach(noteId: string, file: File | undefined) {
  if (!file) return status("choose a file first", true);
  const contentType = file.type || "application/octet-stream";
  const grant = await call("POST", `/notes/${encodeURIComponent(noteId)}/attachment`, { contentType, size: file.size });
  if (grant.status !== 201 && grant.status !== 200)
    return status(`POST /notes/${noteId}/attachment: ${grant.status} ${show(grant.body)}`, true);
  const put = await fetch(grant.body.uploadUrl, {
    method: "PUT",
    headers: { "content-type": contentType },
    body: file,
  });
  if (!put.ok) return status(`the upload to S3 answered ${put.status}`, true);
  await listNotes();
  status(`uploaded ${file.name} (${file.size} bytes) to ${grant.body.key}`);
}

function wire() {
  $("new-note").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    void (async () => {
      const res = await call("POST", "/notes", { title: data.get("title"), content: data.get("content") ?? "" });
      if (res.status !== 201) return status(`POST /notes: ${res.status} ${show(res.body)}`, true);
      form.reset();
      await listNotes();
      status(`created "${res.body.title}"`);
    })().catch((err) => status(String(err), true));
  });
  $("list").addEventListener("click", () => void listNotes().catch((err) => status(String(err), true)));
  $("sign-out").addEventListener("click", () => void signOut().catch((e) => status(String(e), true)));
}

/**
 * Signs out: Amplify's signOut for an Amplify session; for a hosted UI session the user pool's sign-out endpoint,
 * which ends its sign-in session too (the next sign-in asks for the password) and sends the browser back here. The
 * page forgets its credentials either way.
 */
async function signOut() {
  const s = session;
  session = undefined;
  if (s?.kind === "alb-session") {
    // The load balancer's HttpOnly cookie is on its origin, out of this page's reach: the door's logout route expires
    // it and sends the browser to the user pool's logout ("Authentication logout"), so the next visit signs in again.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
    if (config.albSignOut) return location.assign(config.albSignOut);
    renderSignIn();
    return status("this page forgot the session; the load balancer's cookie lasts until the session timeout");
  }
  if ((s?.kind === "token" || s?.kind === "sigv4") && s.via === "amplify") await amplifySignOut();
  if ((s?.kind === "token" || s?.kind === "sigv4") && s.via === "hosted-ui" && config.signIn) {
    const { logoutEndpoint, clientId, logoutUri } = config.signIn;
    return location.assign(`${logoutEndpoint}?${new URLSearchParams({ client_id: clientId, logout_uri: logoutUri })}`);
  }
  renderSignIn();
  status("signed out: this page forgot its credentials");
}

async function main() {
  wire();
  config = await (await fetch("/config.json")).json();
  $("door").textContent = `The ${config.authMode} door at ${config.api}`;
  if (config.credential.kind === "alb-session") return albSession();
  const s = config.signIn;
  const tokens = s ? await finishSignIn(s).catch((e) => void status(String(e), true)) : undefined;
  if (!tokens) return renderSignIn();
  if (config.credential.kind === "identity-pool-sigv4")
    return signedIn({
      kind: "sigv4",
      via: "hosted-ui",
      tokens,
      credentials: identityPoolCredentials(config, tokens.id_token!),
    });
  return signedIn({ kind: "token", via: "hosted-ui", tokens });
}

/** At the load balancer the session is its cookie: `GET /me` with it answers 200 once the browser signed in there. */
async function albSession() {
  session = { kind: "alb-session" };
  const me = await call("GET", "/me").catch(() => undefined);
  if (me?.status === 200) return signedIn({ kind: "alb-session" });
  session = undefined;
  renderSignIn();
}

main().catch((e) => status(String(e), true));
