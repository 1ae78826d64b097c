import * as https from "https";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import type { LocalInfo, LocalOutputs } from "../localStack";
import { Browser, TokenSet, browse, clientCredentials, signInWithCode } from "./oauth";
import type { SeedUser } from "./seedUsers";
import type { ClientCredential } from "../../components/doors/door";
import { doorsOf } from "./stackDoors";

export { doorsOf };

/**
 * How a client calls each door, as docs/calling-the-doors.md says, from the stack
 * outputs alone: which token a door takes and how it is sent, SigV4 for `iam`, API keys, a load
 * balancer's browser session; and what a door answers a request without credentials.
 */

/** Stack outputs as a client reads them (`.local/outputs.json`, or a deployed stack's). */
export type StackOutputs = Pick<LocalOutputs, "authMode" | "url" | "client" | "secrets"> & {
  region?: string;
  functionName?: string;
  local?: LocalInfo;
};

/**
 * The outputs as a client of one of the stack's doors reads them: that door's `url` and `client` (from `urls` and
 * `clients`, by door) as the stack's own, so every client, check and banner that reads one door's outputs reads it.
 */
export function atDoor<T extends StackOutputs & { urls?: unknown; clients?: unknown; doors?: unknown }>(
  outputs: T,
  door: string,
): T {
  if (door === outputs.authMode) return outputs;
  if (!doorsOf(outputs).includes(door))
    throw new Error(`the stack serves the ${doorsOf(outputs).join(", ")} door(s), not ${door}`);
  const urls = (outputs.urls ?? {}) as Record<string, string>;
  const clients = (outputs.clients ?? {}) as Record<string, StackOutputs["client"]>;
  if (!urls[door] || !clients[door]) throw new Error(`the stack's urls and clients outputs have no ${door} door`);
  return { ...outputs, authMode: door, url: urls[door], client: clients[door] };
}

/** AWS credentials, or a provider of them (what the AWS SDK's credential providers return). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
export type AwsCredentialsSource = AwsCredentials | (() => Promise<AwsCredentials>);

/** A request on its way out, before the caller's credentials are added. */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * TLS as a client of a mutual-TLS domain sees it (PEM): the CA it trusts for the server's
 * certificate (local mode's own; a deployed domain's is public), and the certificate and key it
 * presents (none: it presents no certificate).
 */
export interface ClientTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Sends a request and reads the answer, redirects not followed. With `tls`, over node's https
 * with that CA and client certificate (fetch presents none); a refused handshake rejects, as a
 * network error does, with the TLS error's code.
 */
export async function send(req: OutgoingRequest, tls?: ClientTls): Promise<Response> {
  if (!tls) return fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: "manual" });
  return new Promise((resolve, reject) => {
    const out = https.request(
      req.url,
      { method: req.method, headers: req.headers, ca: tls.ca, cert: tls.cert, key: tls.key, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            for (const v of [value ?? []].flat()) headers.append(name, v);
          const status = res.statusCode ?? 0;
          resolve(
            new Response([101, 204, 205, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers }),
          );
        });
      },
    );
    out.on("error", reject);
    out.end(req.body);
  });
}

/** What a caller adds to a request to prove who it is: a header, a cookie, a SigV4 signature, or several. */
export type Credential = (req: OutgoingRequest) => Promise<OutgoingRequest>;

export const withHeader =
  (name: string, value: string): Credential =>
  async (req) => ({ ...req, headers: { ...req.headers, [name]: value } });

export const combine =
  (...credentials: Credential[]): Credential =>
  async (req) => {
    for (const c of credentials) req = await c(req);
    return req;
  };

/**
 * SigV4 for `execute-api`, as the AWS SDK's signer signs (docs/calling-the-doors.md):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
export function sigv4(credentials: AwsCredentialsSource, region: string, signingDate?: Date): Credential {
  const signer = new SignatureV4({ service: "execute-api", region, credentials, sha256: Hash.bind(null, "sha256") });
  return async (req) => {
    const url = new URL(req.url);
    const signed = await signer.sign(
      {
        method: req.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...req.headers, host: url.host },
        body: req.body,
      },
      signingDate ? { signingDate } : {},
    );
    return { ...req, headers: signed.headers as Record<string, string> };
  };
}

/** What a user presents at a door that takes user pool tokens. */
export type UserTokenKind = Extract<ClientCredential, { kind: "user-token" }>;

/**
 * How clients authenticate at this stack's door: what the door published in its `client` output
 * (`credential`, components/doors/door.ts), so no client needs to know doors by name.
 */
export function credentialOf(outputs: Pick<StackOutputs, "authMode" | "client">): ClientCredential {
  const c = outputs.client.credential as ClientCredential | undefined;
  if (!c || typeof c !== "object" || typeof c.kind !== "string")
    throw new Error(
      `the stack's client output has no credential: redeploy the ${outputs.authMode} door with this version`,
    );
  return c;
}

/** The token a user presents and how, at a door that takes one (undefined: SigV4, a key, a session cookie). */
export function userTokenKind(outputs: Pick<StackOutputs, "authMode" | "client">): UserTokenKind | undefined {
  const c = credentialOf(outputs);
  return c.kind === "user-token" ? c : undefined;
}

/**
 * What the door's AWS service answers a request without any credentials:
 * - a token authorizer (user pools, JWT, Lambda): 401 `Unauthorized`;
 * - AWS_IAM: 403 `Missing Authentication Token`, and an API key requirement: 403 `Forbidden`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html);
 * - the ALB's authenticate action: a 302 to the IdP's login
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).
 */
export function refusal(outputs: Pick<StackOutputs, "authMode" | "client">): {
  status: number;
  message?: string;
  what: string;
} {
  const c = credentialOf(outputs);
  switch (c.kind) {
    case "user-token":
      return { status: 401, message: "Unauthorized", what: "the authorizer's 401" };
    case "identity-pool-sigv4":
      return {
        status: 403,
        message: "Missing Authentication Token",
        what: "API Gateway's 403 for an unsigned request",
      };
    case "api-key":
      return { status: 403, message: "Forbidden", what: "API Gateway's 403 for a request without a valid key" };
    case "alb-session":
      return { status: 302, what: "the load balancer's redirect to the login" };
    default: {
      const unknown: never = c;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** The scopes a sign-in asks for: OpenID, plus the door's API scopes when it checks scopes. */
export function signInScopes(outputs: StackOutputs, only?: string[]): string[] {
  const api = only ?? Object.values((outputs.client.scopes ?? {}) as Record<string, string>);
  return ["openid", "email", "profile", ...api];
}

/** Where a deployed stack's users sign in, when its outputs do not say (cognito, iam, api-key): `--cognito-domain`. */
export interface SignInOptions {
  /** The Cognito domain (https://<prefix>.auth.<region>.amazoncognito.com). */
  cognitoDomain?: string;
  /** A callback URL of the app client (the code flow stops at it; nothing needs to serve it). @default http://localhost:3000/callback */
  callbackUrl?: string;
}

/**
 * The user pool's sign-in endpoints and the app client's callback: the local pool's, else the outputs' or the options'.
 */
function codeFlowOf(outputs: StackOutputs, clientId: string, opts: SignInOptions) {
  const idp = outputs.local?.idp;
  if (idp) {
    const client = idp.clients.find((c) => c.clientId === clientId);
    const redirectUri = client?.callbackUrls[0] ?? idp.clients.find((c) => c.callbackUrls.length)?.callbackUrls[0];
    if (!redirectUri) throw new Error(`no callback URL for client ${clientId}`);
    return { authorizeEndpoint: idp.authorizeEndpoint, tokenEndpoint: idp.tokenEndpoint, redirectUri };
  }
  const domain = opts.cognitoDomain?.replace(/\/$/, "");
  const authorizeEndpoint = outputs.client.authorizeEndpoint ?? (domain && `${domain}/oauth2/authorize`);
  const tokenEndpoint = outputs.client.tokenEndpoint ?? (domain && `${domain}/oauth2/token`);
  if (!authorizeEndpoint || !tokenEndpoint)
    throw new Error(
      "the outputs name no sign-in endpoints for this door: pass --cognito-domain https://<prefix>.auth.<region>.amazoncognito.com",
    );
  return { authorizeEndpoint, tokenEndpoint, redirectUri: opts.callbackUrl ?? "http://localhost:3000/callback" };
}

/** A user's tokens from the door's app client (or `clientId`), through the code flow with PKCE. */
export function signIn(
  outputs: StackOutputs,
  user: Pick<SeedUser, "email" | "password">,
  opts: { clientId?: string; scopes?: string[]; identityProvider?: string } & SignInOptions = {},
): Promise<TokenSet> {
  const clientId = opts.clientId ?? String(outputs.client.userPoolClientId);
  return signInWithCode({
    ...codeFlowOf(outputs, clientId, opts),
    clientId,
    scopes: signInScopes(outputs, opts.scopes),
    username: user.email,
    password: user.password,
    identityProvider: opts.identityProvider,
  });
}

/**
 * A browser session at a load balancer that authenticates: the first request is sent to the
 * login, the user signs in there (with `identityProvider`: by the login page's "Sign in with" link, at that
 * provider), and the load balancer's cookies come back. Returns the Cookie header the browser then sends.
 */
export async function albSession(
  outputs: StackOutputs,
  user: Pick<SeedUser, "email" | "password">,
  opts: { identityProvider?: string } = {},
): Promise<string> {
  const browser = new Browser();
  const start = `${outputs.url.replace(/\/$/, "")}/me`;
  const { res } = await browse(browser, start, {
    username: user.email,
    password: user.password,
    identityProvider: opts.identityProvider,
  });
  const cookie = browser.cookieHeader(start);
  if (!cookie) throw new Error(`no session after signing in at the load balancer (last answer ${res.status})`);
  return cookie;
}

/** The machine client's access token (client credentials), when the stack has one. */
export function machineSignIn(outputs: StackOutputs, scopes: string[] = []): Promise<TokenSet> {
  const clientId = outputs.client.machineClientId;
  const secret = outputs.secrets.machineClientSecret;
  if (!clientId || !secret) throw new Error("this stack has no machine client (m2mClient: true at http-jwt)");
  return clientCredentials(
    String(outputs.local?.idp?.tokenEndpoint ?? outputs.client.tokenEndpoint),
    String(clientId),
    String(secret),
    scopes,
  );
}

/** The token of a sign-in this door takes. */
export function doorToken(outputs: Pick<StackOutputs, "authMode" | "client">, tokens: TokenSet): string {
  const kind = userTokenKind(outputs);
  if (!kind) throw new Error(`the ${outputs.authMode} door takes no bearer token`);
  const token = kind.token === "id" ? tokens.id_token : tokens.access_token;
  if (!token) throw new Error("the sign-in gave no such token");
  return token;
}

/** The Authorization header value for a token at this door. */
export function authorization(outputs: Pick<StackOutputs, "authMode" | "client">, token: string): string {
  return userTokenKind(outputs)?.scheme === "bearer" ? `Bearer ${token}` : token;
}

/**
 * A user's credentials from the identity pool for their user pool ID token, as the AWS SDK gets them (GetId, then
 * GetCredentialsForIdentity, the enhanced flow; docs/calling-the-doors.md, iam). `awsEndpoint`: local mode's.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html
 */
export async function identityPoolCredentials(
  outputs: StackOutputs,
  idToken: string,
  opts: { region: string; awsEndpoint?: string },
): Promise<AwsCredentials> {
  const { fromCognitoIdentityPool } = await import("@aws-sdk/credential-providers");
  const provider = fromCognitoIdentityPool({
    clientConfig: { region: opts.region, ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}) },
    identityPoolId: String(outputs.client.identityPoolId),
    logins: { [`cognito-idp.${opts.region}.amazonaws.com/${outputs.client.userPoolId}`]: idToken },
  });
  return provider();
}

/** How a user signs in for `userPresentation` and `userCredential`. */
export interface UserSignIn extends SignInOptions {
  /** Through that identity provider federated into the pool (`identity_provider`), not the pool's own form. */
  identityProvider?: string;
  /** The API scopes to ask for (default the door's), at a door that takes tokens. */
  scopes?: string[];
  /** The identity pool's region and endpoint (iam). */
  region: string;
  awsEndpoint?: string;
  /** The API key the user's calls go through, at a door that asks for one beside the token. */
  apiKey?: string;
}

/**
 * What a user holds after signing in as the door's published credential says, by its kind: the door's token,
 * identity-pool credentials for their ID token, or the load balancer's session cookie.
 */
export type UserPresentation =
  | { kind: "user-token"; token: string }
  | { kind: "identity-pool-sigv4"; credentials: AwsCredentials }
  | { kind: "alb-session"; cookie: string };

/**
 * Signs a user in as the door's published credential says (optionally through an identity provider) and returns
 * what they then hold. A door of API keys alone serves no user.
 */
export async function userPresentation(
  outputs: StackOutputs,
  user: Pick<SeedUser, "email" | "password">,
  opts: UserSignIn,
): Promise<UserPresentation> {
  const door = credentialOf(outputs);
  const tokens = () =>
    signIn(outputs, user, {
      identityProvider: opts.identityProvider,
      ...(opts.scopes?.length ? { scopes: opts.scopes } : {}),
      cognitoDomain: opts.cognitoDomain,
      callbackUrl: opts.callbackUrl,
    });
  switch (door.kind) {
    case "user-token":
      return { kind: door.kind, token: doorToken(outputs, await tokens()) };
    case "identity-pool-sigv4": {
      const { id_token } = await tokens();
      if (!id_token) throw new Error("the sign-in gave no ID token for the identity pool");
      return { kind: door.kind, credentials: await identityPoolCredentials(outputs, id_token, opts) };
    }
    case "alb-session":
      return {
        kind: door.kind,
        cookie: await albSession(outputs, user, { identityProvider: opts.identityProvider }),
      };
    case "api-key":
      throw new Error(`the ${outputs.authMode} door takes applications' API keys, not users`);
    default: {
      const unknown: never = door;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * What a user holds (`userPresentation`), sent as the door takes it: the token (with the app's API key where the door
 * wants one too), SigV4 with the identity-pool credentials, or the session cookie.
 */
export function presentedAs(
  outputs: StackOutputs,
  held: UserPresentation,
  opts: { apiKey?: string; region: string },
): Credential {
  switch (held.kind) {
    case "user-token": {
      const wantsKey = keyBesideToken(outputs, opts.apiKey);
      return combine(
        withHeader("authorization", authorization(outputs, held.token)),
        ...(wantsKey ? [withHeader("x-api-key", opts.apiKey!)] : []),
      );
    }
    case "identity-pool-sigv4":
      return sigv4(held.credentials, opts.region);
    case "alb-session":
      return withHeader("cookie", held.cookie);
    default: {
      const unknown: never = held;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** Whether the door wants the app's API key beside a user's token; without the key given, an error saying so. */
function keyBesideToken(outputs: StackOutputs, apiKey: string | undefined): boolean {
  const door = credentialOf(outputs);
  const wanted = door.kind === "user-token" && !!door.apiKey;
  if (wanted && !apiKey) throw new Error(`the ${outputs.authMode} door wants an API key beside the token`);
  return wanted;
}

/** A user's sign-in (`userPresentation`), sent as the door takes it (`presentedAs`). */
export async function userCredential(
  outputs: StackOutputs,
  user: Pick<SeedUser, "email" | "password">,
  opts: UserSignIn,
): Promise<Credential> {
  keyBesideToken(outputs, opts.apiKey); // refused before anyone signs in
  return presentedAs(outputs, await userPresentation(outputs, user, opts), opts);
}
