import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { GroupDefinition, groupRoleClaims } from "../../awsRules/userPool";
import type { RecordedProgram } from "../recorded";
import type { SeedUser } from "../clients/seedUsers";

/**
 * The user pool's stand-in: one oidc-provider (panva's certified OpenID Connect server) per
 * recorded `aws:cognito/userPool:UserPool`, configured from the recorded `UserPoolClient`,
 * `ResourceServer`, `UserGroup` and `UserPoolDomain` resources, signing RS256 tokens shaped
 * like Cognito's:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html
 * (ID token: `aud` = the app client, `token_use: "id"`, `cognito:username`, `cognito:groups`,
 * `cognito:roles` and `cognito:preferred_role` from the groups' roles (awsRules/userPool.ts), `email`;
 * access token: `client_id`, `scope`, `token_use: "access"`, `username`, `cognito:groups`, no
 * `aud`; client credentials: `sub` = `client_id`). The `/oauth2/userInfo` endpoint answers with
 * the user's attributes only, as Cognito's does.
 *
 * Each pool is served under `http://127.0.0.1:<port>/<poolId>`, so the documented issuer
 * `https://cognito-idp.<region>.amazonaws.com/<poolId>` and the pool's domain
 * `https://<prefix>.auth.<region>.amazoncognito.com` both map to that base: discovery, the JWKS
 * at `/.well-known/jwks.json`, and the domain's `/oauth2/authorize` and `/oauth2/token`.
 */

/** The OIDC scopes Cognito app clients may be allowed; the rest are resource-server scopes. */
const OIDC_SCOPES = ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"];
/** Only so oidc-provider issues JWT access tokens; the `aud` it requires is hidden again (Cognito's have none). */
const RESOURCE = "urn:local:cognito-user-pool";

/** An app client of a local pool. */
export interface LocalClient {
  clientId: string;
  /** The recorded resource's name (e.g. `users-spa`); `local-other` for the local-only extra client. */
  name: string;
  /** With `generateSecret`: generated here (Cognito generates it too), shown in outputs.json `secrets`. */
  secret?: string;
  flows: string[];
  /** Every scope the client may ask for (OIDC and resource-server scopes). */
  scopes: string[];
  callbackUrls: string[];
  ttl: { accessToken: number; idToken: number };
}

export interface LocalUserPool {
  poolId: string;
  /** https://cognito-idp.<region>.amazonaws.com/<poolId>: what the program wrote. */
  awsIssuer: string;
  /** http://127.0.0.1:<port>/<poolId>: `iss` of the local tokens. */
  issuer: string;
  /** The recorded domain (https://<prefix>.auth.<region>.amazoncognito.com), mapped to `issuer`. */
  awsDomainUrl?: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  /** The sign-in form a person or a script posts to (reached by redirect from the authorize endpoint). */
  loginForm: string;
  /** Local-only: re-dates a genuine token of this pool into the past (for the contract suite's expired-token check). */
  expiredCopyEndpoint: string;
  clients: LocalClient[];
  /** An app client of this pool that no door trusts, present only locally (the "token of another client" checks). */
  otherClientId: string;
  groups: string[];
  /** The recorded groups with their IAM roles and precedence (the ID token's role claims come from them). */
  groupRoles: GroupDefinition[];
  /** The pool's users: local/users.json, and those the admin API adds (npm run smoke --create-users). */
  users: LocalUser[];
  /** Sign-in names: email when the pool signs in with email (`usernameAttributes`), else the username. */
  signsInWithEmail: boolean;
}

/** A user of a local pool; users.json's are confirmed, the admin API's wait for a permanent password. */
export interface LocalUser extends SeedUser {
  status: "CONFIRMED" | "FORCE_CHANGE_PASSWORD";
}

export interface LocalIdp {
  /** http://127.0.0.1:<port> */
  url: string;
  pools: LocalUserPool[];
  /** The pool a documented issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`) or a local one names. */
  poolByIssuer(issuer: string): LocalUserPool | undefined;
  /** A documented AWS issuer or domain URL (or any string containing one) with local URLs in its place. */
  localize(value: string): string;
  close(): Promise<void>;
}

export interface IdpOptions {
  program: RecordedProgram;
  users: SeedUser[];
  /** Keeps the signing key here (so tokens survive a restart); a fresh key otherwise. */
  dataDir?: string;
  port?: number;
  /**
   * Maps recorded URLs of the stack's own front door (a load balancer's names) to the local
   * ones, for app clients' callback URLs: the ALB's login returns to the name the client used.
   */
  localizeUrl?: (url: string) => string;
}

/** A user pool's `passwordPolicy` as the program records it. */
export interface PasswordPolicy {
  minimumLength?: number;
  requireLowercase?: boolean;
  requireUppercase?: boolean;
  requireNumbers?: boolean;
  requireSymbols?: boolean;
}

/**
 * The special characters Cognito counts as symbols.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html#user-pool-settings-policies
 */
const COGNITO_SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** What a password lacks under the pool's policy (empty when it complies), as Cognito checks at sign-up. */
export function passwordPolicyViolations(policy: PasswordPolicy, password: string): string[] {
  const out: string[] = [];
  if (password.length < (policy.minimumLength ?? 8)) out.push(`at least ${policy.minimumLength ?? 8} characters`);
  if (policy.requireLowercase && !/[a-z]/.test(password)) out.push("a lower-case letter");
  if (policy.requireUppercase && !/[A-Z]/.test(password)) out.push("an upper-case letter");
  if (policy.requireNumbers && !/[0-9]/.test(password)) out.push("a number");
  if (policy.requireSymbols && !COGNITO_SYMBOLS.test(password)) out.push("a symbol");
  return out;
}

/** Cognito's default token validity units: hours for access and ID tokens (UserPoolClient TokenValidityUnits). */
export function validitySeconds(value: number | undefined, unit: string | undefined, fallbackHours = 1): number {
  if (value === undefined) return fallbackHours * 3600;
  const factor: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
  return value * (factor[unit ?? "hours"] ?? 3600);
}

/** Groups of a user that exist in the pool; Cognito cannot put a user in a group it lacks. */
export function effectiveGroups(user: SeedUser, poolGroups: string[]): string[] {
  return user.groups.filter((g) => poolGroups.includes(g));
}

/** The pool's clients from the recorded UserPoolClient inputs (ids as the program sees them). */
function clientsOf(
  program: RecordedProgram,
  poolId: string,
  resourceScopes: string[],
  localizeUrl: (url: string) => string,
): LocalClient[] {
  return program
    .ofType("aws:cognito/userPoolClient:UserPoolClient")
    .filter((c) => c.inputs.userPoolId === poolId)
    .map((c) =>
      clientFrom(
        program.idOf(c),
        c.name,
        { ...c.inputs, callbackUrls: [...new Set((c.inputs.callbackUrls ?? []).map(localizeUrl))] },
        resourceScopes,
      ),
    );
}

function clientFrom(
  clientId: string,
  name: string,
  inputs: Record<string, any>,
  resourceScopes: string[],
): LocalClient {
  const units = inputs.tokenValidityUnits ?? {};
  return {
    clientId,
    name,
    secret: inputs.generateSecret ? crypto.randomBytes(32).toString("base64url") : undefined,
    flows: inputs.allowedOauthFlowsUserPoolClient ? (inputs.allowedOauthFlows ?? []) : [],
    scopes: (inputs.allowedOauthScopes ?? []).filter(
      (s: string) => OIDC_SCOPES.includes(s) || resourceScopes.includes(s),
    ),
    callbackUrls: inputs.callbackUrls ?? [],
    ttl: {
      accessToken: validitySeconds(inputs.accessTokenValidity, units.accessToken),
      idToken: validitySeconds(inputs.idTokenValidity, units.idToken),
    },
  };
}

/** `notes/read`, … : the scopes of the pool's recorded resource servers (`identifier/scopeName`). */
function resourceScopesOf(program: RecordedProgram, poolId: string): string[] {
  return program
    .ofType("aws:cognito/resourceServer:ResourceServer")
    .filter((r) => r.inputs.userPoolId === poolId)
    .flatMap((r) => (r.inputs.scopes ?? []).map((s: { scopeName: string }) => `${r.inputs.identifier}/${s.scopeName}`));
}

/** Where a local pool keeps its RS256 signing key (a JWK) in a data folder. */
export const signingKeyFile = (dataDir: string) => path.join(dataDir, "idp-signing-key.json");

/** RS256 signing key, kept in dataDir when given. */
function signingKey(dataDir: string | undefined): crypto.JsonWebKey & { kid: string } {
  const file = dataDir ? signingKeyFile(dataDir) : undefined;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  const jwk = newSigningKey();
  if (file) fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

/** A fresh RSA-2048 signing key as a JWK with a random kid. */
export function newSigningKey(): crypto.JsonWebKey & { kid: string } {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: "jwk" }),
    kid: crypto.randomBytes(16).toString("base64url"),
    alg: "RS256",
    use: "sig",
  };
}

/** The region of a documented ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
const regionOf = (arn: string) => arn.split(":")[3];

/** Starts one server with an OpenID provider per recorded user pool. */
export async function startIdp(opts: IdpOptions): Promise<LocalIdp> {
  const { Provider, errors } = await quietly(() => import("oidc-provider"));
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwk = signingKey(opts.dataDir);
  const pools: LocalUserPool[] = [];
  const apps = new Map<
    string,
    { pool: LocalUserPool; callback: (req: http.IncomingMessage, res: http.ServerResponse) => void; provider: any }
  >();

  for (const poolResource of opts.program.ofType("aws:cognito/userPool:UserPool")) {
    const poolId = opts.program.idOf(poolResource);
    const region = regionOf(opts.program.stateOf(poolResource).arn);
    const resourceScopes = resourceScopesOf(opts.program, poolId);
    const groupResources = opts.program
      .ofType("aws:cognito/userGroup:UserGroup")
      .filter((g) => g.inputs.userPoolId === poolId);
    const groups = groupResources.map((g) => String(g.inputs.name));
    const policy: PasswordPolicy = poolResource.inputs.passwordPolicy ?? {};
    for (const u of opts.users) {
      const missing = passwordPolicyViolations(policy, u.password);
      if (missing.length)
        throw new Error(
          `local/users.json: ${u.username}'s password does not meet the user pool's password policy (needs ` +
            `${missing.join(", ")})`,
        );
    }
    const recordedClients = clientsOf(opts.program, poolId, resourceScopes, opts.localizeUrl ?? ((u) => u));
    const spa = recordedClients.find((c) => c.flows.includes("code"));
    const other = clientFrom(
      `local-other-client-of-${poolId}`,
      "local-other",
      {
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: [...OIDC_SCOPES.slice(0, 3), ...resourceScopes],
        callbackUrls: spa?.callbackUrls ?? ["http://localhost:3000/callback"],
      },
      resourceScopes,
    );
    const issuer = `${url}/${poolId}`;
    const domain = opts.program
      .ofType("aws:cognito/userPoolDomain:UserPoolDomain")
      .find((d) => d.inputs.userPoolId === poolId);
    const pool: LocalUserPool = {
      poolId,
      awsIssuer: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
      issuer,
      awsDomainUrl: domain ? `https://${domain.inputs.domain}.auth.${region}.amazoncognito.com` : undefined,
      authorizeEndpoint: `${issuer}/oauth2/authorize`,
      tokenEndpoint: `${issuer}/oauth2/token`,
      loginForm: `${issuer}/login`,
      expiredCopyEndpoint: `${issuer}/local/expired-copy`,
      clients: [...recordedClients, other],
      otherClientId: other.clientId,
      groups,
      groupRoles: groupResources.map((g) => ({
        name: String(g.inputs.name),
        roleArn: g.inputs.roleArn || undefined,
        precedence: g.inputs.precedence,
      })),
      users: opts.users.map((u) => ({ ...u, groups: effectiveGroups(u, groups), status: "CONFIRMED" as const })),
      signsInWithEmail: (poolResource.inputs.usernameAttributes ?? []).includes("email"),
    };
    pools.push(pool);
    const provider = await quietly(async () => newProvider(Provider, errors, pool, jwk));
    apps.set(`/${poolId}`, { pool, provider, callback: provider.callback() });
  }

  server.on("request", (req, res) => {
    const prefix = `/${(req.url ?? "/").split("/")[1]}`;
    const app = apps.get(prefix);
    if (!app) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "no such user pool" }));
      return;
    }
    // Mounted as Express mounts an app: the provider sees the path below its issuer.
    (req as any).originalUrl = req.url;
    req.url = req.url!.slice(prefix.length) || "/";
    const rest = req.url.split("?")[0];
    if (rest === "/login" || rest.startsWith("/interaction/")) void login(app.provider, app.pool, req, res);
    else if (rest === "/local/expired-copy" && req.method === "POST") void expiredCopy(app.pool, jwk, req, res);
    else if (rest === "/oauth2/userInfo") void userInfo(app.pool, jwk, req, res);
    else app.callback(req, res);
  });

  const replacements = pools.flatMap(
    (p) => [[p.awsIssuer, p.issuer], ...(p.awsDomainUrl ? [[p.awsDomainUrl, p.issuer]] : [])] as [string, string][],
  );
  return {
    url,
    pools,
    poolByIssuer: (issuer) => pools.find((p) => p.issuer === issuer || p.awsIssuer === issuer),
    localize: (value) => replacements.reduce((v, [aws, local]) => v.split(aws).join(local), value),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function newProvider(Provider: any, errors: any, pool: LocalUserPool, jwk: object): any {
  const bySub = { get: (sub: string) => pool.users.find((u) => u.sub === sub && u.status === "CONFIRMED") };
  const clientOf = (id: string) => pool.clients.find((c) => c.clientId === id);
  const resourceScopesOfClient = (id: string) => (clientOf(id)?.scopes ?? []).filter((s) => !OIDC_SCOPES.includes(s));
  const userClaims = (u: SeedUser) => ({
    "cognito:username": u.username,
    ...(u.groups.length ? { "cognito:groups": u.groups } : {}),
  });

  return new Provider(pool.issuer, {
    jwks: { keys: [jwk] },
    cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
    clients: pool.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.secret
        ? { client_secret: c.secret, token_endpoint_auth_method: "client_secret_basic" }
        : { token_endpoint_auth_method: "none" }),
      grant_types: [
        ...(c.flows.includes("code") ? ["authorization_code"] : []),
        ...(c.flows.includes("client_credentials") ? ["client_credentials"] : []),
      ],
      response_types: c.flows.includes("code") ? ["code"] : [],
      redirect_uris: c.flows.includes("code") ? c.callbackUrls : [],
    })),
    // Cognito supports PKCE and does not require it.
    pkce: { required: () => false },
    scopes: ["openid", "email", "profile"],
    // Cognito ID tokens carry a jti (the handler matches the REST authorizer's claims to the token by it).
    claims: {
      openid: [
        "sub",
        "cognito:username",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
        "token_use",
        "jti",
      ],
      email: ["email", "email_verified"],
    },
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => {
      const u = bySub.get(sub);
      return (
        u && {
          accountId: sub,
          claims: async (use: string) => ({
            sub,
            email: u.email,
            email_verified: true,
            ...userClaims(u),
            ...(use === "id_token"
              ? { token_use: "id", jti: crypto.randomUUID(), ...groupRoleClaims(pool.groupRoles, u.groups) }
              : {}),
          }),
        }
      );
    },
    // Cognito shows no consent screen: a signed-in user gets what the client may ask for.
    loadExistingGrant: async (ctx: any) => {
      const clientId = ctx.oidc.client.clientId;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session.accountId });
      const requested = String(ctx.oidc.params.scope ?? "").split(" ");
      grant.addOIDCScope(
        requested.filter((s) => OIDC_SCOPES.includes(s) && clientOf(clientId)?.scopes.includes(s)).join(" "),
      );
      grant.addOIDCClaims([
        "email",
        "email_verified",
        "cognito:username",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
        "token_use",
        "jti",
      ]);
      grant.addResourceScope(RESOURCE, requested.filter((s) => resourceScopesOfClient(clientId).includes(s)).join(" "));
      await grant.save();
      return grant;
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/${pool.poolId}/interaction/${interaction.uid}`,
    },
    routes: {
      authorization: "/oauth2/authorize",
      token: "/oauth2/token",
      userinfo: "/oauth2/userInfo",
      jwks: "/.well-known/jwks.json",
      revocation: "/oauth2/revoke",
      end_session: "/logout",
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx: any, _resource: string, client: { clientId: string }) => {
          const allowed = resourceScopesOfClient(client.clientId);
          // Cognito's token endpoint answers invalid_scope for a scope the client is not allowed:
          // https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
          const asked = String(ctx.oidc.params?.scope ?? "")
            .split(" ")
            .filter((s) => s && !OIDC_SCOPES.includes(s));
          const refused = asked.filter((s) => !allowed.includes(s));
          if (refused.length)
            throw new errors.InvalidScope("requested scope is not allowed for this client", refused.join(" "));
          return {
            scope: allowed.join(" "),
            accessTokenFormat: "jwt",
            audience: RESOURCE,
            accessTokenTTL: clientOf(client.clientId)?.ttl.accessToken ?? 3600,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    extraTokenClaims: async (_ctx: unknown, token: any) => {
      const u = token.accountId ? bySub.get(token.accountId) : undefined;
      return {
        token_use: "access",
        version: 2,
        ...(u ? { username: u.username, ...(u.groups.length ? { "cognito:groups": u.groups } : {}) } : {}),
      };
    },
    formats: {
      customizers: {
        jwt: async (ctx: any, token: any, jwt: any) => {
          // Cognito's access tokens have only kid and alg in the header and no aud: a
          // non-enumerable aud satisfies oidc-provider's check but is not serialized.
          jwt.header = { typ: undefined };
          Object.defineProperty(jwt.payload, "aud", {
            value: jwt.payload.aud,
            enumerable: false,
            writable: true,
            configurable: true,
          });
          // When the client asks for none, client credentials get every scope the client is allowed (Cognito's
          // default).
          if (!token.accountId && !jwt.payload.scope)
            jwt.payload.scope = resourceScopesOfClient(token.clientId).join(" ");
          // A user's access token lists the OIDC scopes granted too, as Cognito's does.
          if (token.accountId) {
            const grant = token.grantId ? await ctx.oidc.provider.Grant.find(token.grantId) : undefined;
            jwt.payload.scope = [
              ...String(grant?.getOIDCScope() ?? "").split(" "),
              ...String(jwt.payload.scope ?? "").split(" "),
            ]
              .filter(Boolean)
              .join(" ");
          }
        },
      },
    },
    ttl: {
      AccessToken: (_ctx: unknown, token: any) => clientOf(token.clientId)?.ttl.accessToken ?? 3600,
      ClientCredentials: (_ctx: unknown, token: any) => clientOf(token.clientId)?.ttl.accessToken ?? 3600,
      IdToken: (_ctx: unknown, token: any, client: any) =>
        clientOf(client?.clientId ?? token?.clientId)?.ttl.idToken ?? 3600,
      AuthorizationCode: 300,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  });
}

/** Reads a form or JSON body. */
async function formBody(req: http.IncomingMessage): Promise<Record<string, string>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(text || "{}");
  return Object.fromEntries(new URLSearchParams(text));
}

const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The sign-in page (oidc-provider leaves interactions to the host): GET shows a form, POST with
 * `username` and `password` signs in. `/login` without an interaction explains where to start.
 */
async function login(
  provider: any,
  pool: LocalUserPool,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  try {
    if (!req.url!.startsWith("/interaction/")) {
      res
        .writeHead(400, { "content-type": "text/plain" })
        .end(
          `start at ${pool.authorizeEndpoint}?client_id=…&response_type=code&redirect_uri=…&scope=openid (npm ` +
            `run token does it for you)\n`,
        );
      return;
    }
    await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      const hint = pool.signsInWithEmail ? "email" : "username";
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<!doctype html><title>Sign in (local user pool ${html(pool.poolId)})</title><h1>Sign in</h1>` +
            `<form method="post"><label>${hint} <input name="username" autocomplete="username"></label>` +
            (`<label>password <input name="password" type="password" ` +
              `autocomplete="current-password"></label><button>Sign in</button></form>`) +
            (`<p>Local test users: ` +
              `${pool.users.map((u) => html(pool.signsInWithEmail ? u.email : u.username)).join(", ")} (passwords ` +
              `in local/users.json)</p>`),
        );
      return;
    }
    const { username = "", password = "" } = await formBody(req);
    // usernameConfiguration.caseSensitive false: sign-in names compare case-insensitively.
    const name = username.trim().toLowerCase();
    const user = findUser(pool, name);
    if (!user || user.password !== password || user.status !== "CONFIRMED") {
      // Cognito's wording, the same for an unknown user and a wrong password (preventUserExistenceErrors).
      res.writeHead(401, { "content-type": "text/plain" }).end("Incorrect username or password.\n");
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    res.writeHead(400, { "content-type": "text/plain" }).end(`${err instanceof Error ? err.message : err}\n`);
  }
}

/** A user by sign-in name: the email when the pool signs in with email, or the username (case-insensitively). */
export function findUser(pool: LocalUserPool, name: string): LocalUser | undefined {
  const n = name.trim().toLowerCase();
  return pool.users.find(
    (u) => (pool.signsInWithEmail && u.email.toLowerCase() === n) || u.username.toLowerCase() === n,
  );
}

/**
 * `/oauth2/userInfo`: the attributes of the user an access token of this pool was issued to, for
 * a token with the `openid` scope; Cognito answers with user attributes (`sub`, `email`,
 * `email_verified` as a string, `username`), never the token's group claims.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html
 */
async function userInfo(
  pool: LocalUserPool,
  jwk: crypto.JsonWebKey & { kid: string },
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const jose = await import("jose");
  const refuse = (description: string) =>
    res
      .writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": `Bearer error="invalid_token", error_description="${description}"`,
      })
      .end(JSON.stringify({ error: "invalid_token", error_description: description }));
  const token = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
  if (!token) return void refuse("Access token is missing");
  try {
    const key = crypto.createPublicKey(crypto.createPrivateKey({ key: jwk, format: "jwk" }));
    const { payload } = await jose.jwtVerify(token, key, { issuer: pool.issuer, algorithms: ["RS256"] });
    const user = pool.users.find((u) => u.sub === payload.sub && u.status === "CONFIRMED");
    if (
      payload.token_use !== "access" ||
      !String(payload.scope ?? "")
        .split(" ")
        .includes("openid") ||
      !user
    )
      return void refuse("Access token does not contain openid scope");
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ sub: user.sub, email_verified: "true", email: user.email, username: user.username }));
  } catch {
    refuse("Access token is invalid or expired");
  }
}

/**
 * Local-only: a copy of a genuine token of this pool (checked against the pool's key) whose
 * `iat`/`exp` lie in the past, signed with the same key. A deployed pool cannot give one
 * (Cognito tokens live at least 5 minutes), so the contract suite asks for it here.
 */
async function expiredCopy(
  pool: LocalUserPool,
  jwk: crypto.JsonWebKey & { kid: string },
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const jose = await import("jose");
  try {
    const { token } = await formBody(req);
    const key = crypto.createPrivateKey({ key: jwk, format: "jwk" });
    const { payload } = await jose.jwtVerify(String(token), crypto.createPublicKey(key), {
      issuer: pool.issuer,
      algorithms: ["RS256"],
    });
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    const exp = Math.floor(Date.now() / 1000) - 60;
    const copy = await new jose.SignJWT({
      ...payload,
      iat: exp - lifetime,
      exp,
      ...(payload.auth_time ? { auth_time: exp - lifetime } : {}),
    })
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
      .sign(key);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: copy }));
  } catch {
    res
      .writeHead(400, { "content-type": "application/json" })
      .end(JSON.stringify({ message: "not a token of this pool" }));
  }
}

/**
 * Loads oidc-provider without its two start-up notices, which do not apply here: "Unsupported
 * runtime" (Node 20.19+ runs it; the project targets Node 20) and the in-memory adapter one
 * (local mode keeps no OAuth state across restarts on purpose). Other warnings pass through.
 */
async function quietly<T>(load: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (
      !/^oidc-provider WARNING: (Unsupported runtime|a quick start development-only in-memory adapter)/.test(
        String(args[0]).replace(/\x1b\[[0-9;]*m/g, ""),
      )
    )
      warn(...args);
  };
  try {
    return await load();
  } finally {
    console.warn = warn;
  }
}
