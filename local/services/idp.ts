import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { GroupDefinition, groupRoleClaims } from "../../awsRules/userPool";
import type { RecordedProgram } from "../recorded";
import type { SeedUser } from "../clients/seedUsers";
import { Upstream, recordedIdentityProviders, startUpstream } from "./upstream";
import { html, loginAs } from "./loginPage";
import type { LocalLambda } from "./lambda";
import type { TriggerSource } from "../../handlers/preTokenGeneration";
import { RecordedTrigger, TokenGroups, recordedTrigger, tokenGroups } from "./userPool/preTokenGeneration";

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
/** The ID token claims of the `email` scope, and of `openid` beyond `sub` (Cognito's own). */
const EMAIL_CLAIMS = ["email", "email_verified"];
const OPENID_CLAIMS = [
  "cognito:username",
  "cognito:groups",
  "cognito:roles",
  "cognito:preferred_role",
  "token_use",
  "jti",
  "origin_jti",
];
/** The claims a sign-in's grant allows in its ID tokens (Cognito's, beyond `sub`). */
const GRANTED_CLAIMS = [...EMAIL_CLAIMS, ...OPENID_CLAIMS];
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
  /** The client's allowed sign-out URLs (`logoutUrls`): where `/logout` may send the browser. */
  logoutUrls: string[];
  ttl: { accessToken: number; idToken: number; refreshToken: number };
  /**
   * The client's `explicitAuthFlows` (`ALLOW_USER_SRP_AUTH`, …); Cognito's default without any is SRP, custom and
   * refresh: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ExplicitAuthFlows
   */
  authFlows: string[];
  /** `preventUserExistenceErrors: ENABLED`: an unknown user is refused as a wrong password is. */
  hidesUnknownUsers: boolean;
  /** `enableTokenRevocation` (Cognito's default is on): RevokeToken works for this client's refresh tokens. */
  tokenRevocation: boolean;
  /** The attributes the client may read and write (undefined: all). */
  readAttributes?: string[];
  writeAttributes?: string[];
  /** `supportedIdentityProviders` beyond COGNITO: the providers `identity_provider` may name for this client. */
  identityProviders: string[];
}

export interface LocalUserPool {
  poolId: string;
  /** The recorded pool's ARN (the source Cognito invokes its triggers from) and region. */
  arn: string;
  region: string;
  /** The pool's custom attributes (`custom:<name>`, from the recorded `schemas`). */
  customAttributes: string[];
  /** The recorded pre token generation trigger (lambdaConfig), if any: it decides the tokens' groups. */
  trigger?: RecordedTrigger;
  /** The groups (and the ID token's role claims) of a user's tokens for a client: the trigger's answer, if any. */
  tokenGroups(clientId: string, user: LocalUser, source: TriggerSource): Promise<TokenGroups>;
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
  /** The recorded `mfaConfiguration` (OFF, ON, OPTIONAL). */
  mfa: string;
  /** Whether users may sign themselves up (`adminCreateUserConfig.allowAdminCreateUserOnly` is not true). */
  selfSignUp: boolean;
  passwordPolicy: PasswordPolicy;
  /**
   * The pool's refresh tokens, one store for both ways of signing in (oidc-provider's, opaque as Cognito's are to a
   * client): those of the hosted UI's code flow and those the user pools API issues, each usable at
   * REFRESH_TOKEN_AUTH and at `/oauth2/token`, as Cognito's are.
   */
  refreshTokens: {
    /** A new sign-in's refresh token (a grant of its own) and the sign-in's origin_jti. */
    issue(user: LocalUser, client: LocalClient): Promise<{ token: string; originJti: string }>;
    find(token: string): Promise<RefreshGrant | undefined>;
    /** RevokeToken: the token stops working, and so do the access tokens of its sign-in. */
    revoke(token: string): Promise<void>;
  };
  /** The origin_jti of sign-ins whose refresh token was revoked (their access tokens are refused). */
  revokedOrigins: Set<string>;
  /** SHA-256 of the refresh tokens RevokeToken revoked (so a refresh says "revoked", as Cognito does). */
  revokedTokens: Set<string>;
  /** The stand-ins of the pool's recorded identity providers (local/services/upstream.ts). */
  upstreams: Upstream[];
  /** The ID token claims of federated users beyond Cognito's own: `identities` and the mapped attributes. */
  federatedClaims: string[];
  /** `<issuer>/oauth2/idpresponse`: where the upstream IdPs send the browser back (Cognito's redirect URI). */
  idpResponseUrl: string;
}

/** Whose a refresh token is: the user, the app client, and when it was issued and ends (epoch seconds). */
export interface RefreshGrant {
  sub: string;
  clientId: string;
  iat: number;
  exp: number;
  /** The sign-in's `origin_jti`, which its ID and access tokens carry (also after a refresh). */
  originJti: string;
}

/** How a revoked refresh token is remembered (never by its value). */
export const tokenDigest = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** A user of a local pool; users.json's are confirmed, the admin API's wait for a permanent password. */
export interface LocalUser extends SeedUser {
  /** https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html (UserStatus) */
  status: "CONFIRMED" | "FORCE_CHANGE_PASSWORD" | "UNCONFIRMED" | "EXTERNAL_PROVIDER";
  /** A federated user's attributes from the provider's attribute mapping (`name`, `custom:idp_groups`, …). */
  attributes?: Record<string, string>;
  /** A federated user's link to the IdP, as the ID token's `identities` claim lists it. */
  identities?: FederatedIdentity[];
  /**
   * An authenticator app's secret (base32), once associated; `verified` after VerifySoftwareToken, `enabled` once
   * SetUserMFAPreference (or the MFA_SETUP sign-in) turned it on.
   */
  totp?: { secret: string; verified: boolean; enabled?: boolean };
  /** Epoch seconds of the user's last GlobalSignOut: tokens issued before it are refused. */
  signedOutAt?: number;
  /** The one code sent to the user (sign-up confirmation or password reset) and when it expires. */
  code?: { purpose: "SIGN_UP" | "FORGOT_PASSWORD"; value: string; exp: number };
}

/**
 * One entry of the ID token's `identities` claim (Cognito's shape: strings, `dateCreated` in epoch milliseconds):
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 */
export interface FederatedIdentity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: null;
  primary: "true";
  dateCreated: string;
}

/** The user statuses that may sign in and hold tokens: a pool's own confirmed users and federated ones. */
const ACTIVE = ["CONFIRMED", "EXTERNAL_PROVIDER"];

export interface LocalIdp {
  /** http://127.0.0.1:<port> */
  url: string;
  pools: LocalUserPool[];
  /** The pool a documented issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>`) or a local one names. */
  poolByIssuer(issuer: string): LocalUserPool | undefined;
  /** A documented AWS issuer or domain URL (or any string containing one) with local URLs in its place. */
  localize(value: string): string;
  /** Where codes sent to users are written (beside the log), when the pool keeps a data folder. */
  dataDir?: string;
  /**
   * The tokens of a sign-in through the user pools API, signed as the hosted UI's are: ID, access, and a refresh
   * token unless `refreshing` (the grant being refreshed, whose origin_jti the new tokens keep).
   */
  issueTokens(
    pool: LocalUserPool,
    client: LocalClient,
    user: LocalUser,
    refreshing?: RefreshGrant,
    /** The trigger source: TokenGeneration_Authentication by default (TokenGeneration_RefreshTokens refreshing). */
    source?: TriggerSource,
  ): Promise<IssuedTokens>;
  /** The claims of a token this pool signed (undefined when it is not one, or expired). */
  verifyToken(pool: LocalUserPool, token: string): Promise<Record<string, any> | undefined>;
  close(): Promise<void>;
}

/** What InitiateAuth and RespondToAuthChallenge answer in `AuthenticationResult`. */
export interface IssuedTokens {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: "Bearer";
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
  /** The local Lambda service, which runs a pool's recorded trigger (started after the pool: asked when needed). */
  lambda?: () => Pick<LocalLambda, "invokeAs"> | undefined;
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

/**
 * Cognito's InvalidPasswordException message for the first rule a password breaks (undefined when it complies),
 * e.g. `Password did not conform with policy: Password must have symbol characters`.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html#API_SignUp_Errors
 */
export function passwordPolicyMessage(policy: PasswordPolicy, password: string): string | undefined {
  const missing = passwordPolicyViolations(policy, password)[0];
  if (!missing) return undefined;
  const words: [string, string][] = [
    ["at least", "Password not long enough"],
    ["lower-case", "Password must have lowercase characters"],
    ["upper-case", "Password must have uppercase characters"],
    ["number", "Password must have numeric characters"],
    ["symbol", "Password must have symbol characters"],
  ];
  return `Password did not conform with policy: ${words.find(([w]) => missing.includes(w))?.[1] ?? missing}`;
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
        {
          ...c.inputs,
          callbackUrls: [...new Set((c.inputs.callbackUrls ?? []).map(localizeUrl))],
          logoutUrls: [...new Set((c.inputs.logoutUrls ?? []).map(localizeUrl))],
        },
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
  const flows: string[] = inputs.explicitAuthFlows ?? [];
  return {
    clientId,
    name,
    secret: inputs.generateSecret ? crypto.randomBytes(32).toString("base64url") : undefined,
    flows: inputs.allowedOauthFlowsUserPoolClient ? (inputs.allowedOauthFlows ?? []) : [],
    scopes: (inputs.allowedOauthScopes ?? []).filter(
      (s: string) => OIDC_SCOPES.includes(s) || resourceScopes.includes(s),
    ),
    callbackUrls: inputs.callbackUrls ?? [],
    logoutUrls: inputs.logoutUrls ?? [],
    ttl: {
      accessToken: validitySeconds(inputs.accessTokenValidity, units.accessToken),
      idToken: validitySeconds(inputs.idTokenValidity, units.idToken),
      // Refresh tokens are counted in days unless the units say otherwise; 30 days by default.
      refreshToken: validitySeconds(inputs.refreshTokenValidity ?? 30, units.refreshToken ?? "days"),
    },
    authFlows: flows.length ? flows : ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    hidesUnknownUsers: inputs.preventUserExistenceErrors === "ENABLED",
    tokenRevocation: inputs.enableTokenRevocation !== false,
    readAttributes: inputs.readAttributes?.length ? inputs.readAttributes : undefined,
    writeAttributes: inputs.writeAttributes?.length ? inputs.writeAttributes : undefined,
    identityProviders: (inputs.supportedIdentityProviders ?? []).filter((p: string) => p !== "COGNITO"),
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

/** The upstream stand-ins' signing key: one per process (RSA key generation is the slowest part of a start). */
let upstreamKey: ReturnType<typeof newSigningKey> | undefined;

/** The region of a documented ARN (`arn:aws:cognito-idp:<region>:<account>:userpool/<id>`). */
const regionOf = (arn: string) => arn.split(":")[3];

/** Starts one server with an OpenID provider per recorded user pool. */
export async function startIdp(opts: IdpOptions): Promise<LocalIdp> {
  const { Provider, errors } = await quietly(() => import("oidc-provider"));
  // Before any port opens: a SAML provider stops local mode (NotEmulatedYet).
  const identityProviders = recordedIdentityProviders(opts.program);
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
    {
      pool: LocalUserPool;
      callback: (req: http.IncomingMessage, res: http.ServerResponse) => void;
      provider: any;
      /** Sign-ins gone to an upstream IdP: the interaction's uid to the provider's name. */
      federating: Map<string, string>;
    }
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
        explicitAuthFlows: spa?.authFlows,
        preventUserExistenceErrors: spa?.hidesUnknownUsers ? "ENABLED" : undefined,
      },
      resourceScopes,
    );
    const issuer = `${url}/${poolId}`;
    const domain = opts.program
      .ofType("aws:cognito/userPoolDomain:UserPoolDomain")
      .find((d) => d.inputs.userPoolId === poolId);
    const poolArn = String(opts.program.stateOf(poolResource).arn);
    const pool: LocalUserPool = {
      poolId,
      arn: poolArn,
      region,
      customAttributes: (poolResource.inputs.schemas ?? []).map((a: { name: string }) => `custom:${a.name}`),
      trigger: recordedTrigger(poolResource.name, poolResource.inputs.lambdaConfig),
      tokenGroups: (clientId, user, source) => tokenGroups(pool, opts.lambda?.(), clientId, user, source),
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
      mfa: String(poolResource.inputs.mfaConfiguration ?? "OFF"),
      selfSignUp: poolResource.inputs.adminCreateUserConfig?.allowAdminCreateUserOnly !== true,
      passwordPolicy: policy,
      revokedOrigins: new Set(),
      revokedTokens: new Set(),
      upstreams: [],
      federatedClaims: [
        ...new Set(
          identityProviders
            .filter((p) => p.poolId === poolId)
            .flatMap((p) => ["identities", ...Object.keys(p.attributeMapping)]),
        ),
      ],
      idpResponseUrl: `${issuer}/oauth2/idpresponse`,
      refreshTokens: {
        issue: async (user, client) => {
          // A grant as the code flow's sign-in leaves (loadExistingGrant), for the client's OIDC scopes.
          const grant = new provider.Grant({ accountId: user.sub, clientId: client.clientId });
          const scope = client.scopes.filter((s) => OIDC_SCOPES.includes(s)).join(" ");
          grant.addOIDCScope(scope);
          grant.addOIDCClaims([...GRANTED_CLAIMS, ...pool.federatedClaims]);
          const grantId = await grant.save();
          const token = await new provider.RefreshToken({
            accountId: user.sub,
            clientId: client.clientId,
            grantId,
            scope,
            gty: "authorization_code",
            expiresWithSession: false,
            iiat: Math.floor(Date.now() / 1000),
          }).save();
          return { token, originJti: originJtiOfGrant(grantId)! };
        },
        find: async (token) => {
          const found = await provider.RefreshToken.find(token);
          return found && !found.isExpired
            ? {
                sub: found.accountId,
                clientId: found.clientId,
                iat: found.iat,
                exp: found.exp,
                originJti: originJtiOfGrant(found.grantId)!,
              }
            : undefined;
        },
        revoke: async (token) => {
          const found = await provider.RefreshToken.find(token);
          if (!found) return;
          pool.revokedTokens.add(tokenDigest(token));
          pool.revokedOrigins.add(originJtiOfGrant(found.grantId)!);
          await found.destroy();
        },
      },
    };
    pools.push(pool);
    const provider = await quietly(async () => newProvider(Provider, errors, pool, jwk));
    apps.set(`/${poolId}`, { pool, provider, callback: provider.callback(), federating: new Map() });
  }
  for (const p of identityProviders) {
    const pool = pools.find((x) => x.poolId === p.poolId);
    if (pool)
      pool.upstreams.push(
        await quietly(() => startUpstream(Provider, (upstreamKey ??= newSigningKey()), p, [pool.idpResponseUrl])),
      );
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
    if (rest === "/login" || rest.startsWith("/interaction/")) void login(app, req, res);
    else if (rest === "/oauth2/idpresponse") void idpResponse(app, req, res);
    else if (rest === "/local/expired-copy" && req.method === "POST") void expiredCopy(app.pool, jwk, req, res);
    else if (rest === "/oauth2/userInfo") void userInfo(app.pool, jwk, req, res);
    else if (rest === "/logout") void logout(app.provider, app.pool, req, res);
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
    dataDir: opts.dataDir,
    issueTokens: (pool, client, user, refreshing, source) => issueTokens(jwk, pool, client, user, refreshing, source),
    verifyToken: (pool, token) => verifyToken(jwk, pool, token),
    close: async () => {
      await Promise.all(pools.flatMap((p) => p.upstreams.map((u) => u.close())));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The claims every token of a user carries: the username and the groups (the trigger's, when it answered). */
const userClaims = (u: SeedUser, groups: string[] = u.groups) => ({
  "cognito:username": u.username,
  ...(groups.length ? { "cognito:groups": groups } : {}),
});

/**
 * A user's ID token claims (the hosted UI's and the user pools API's), before `aud`, `iss`, `iat` and `exp`:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 */
export function idTokenClaims(
  pool: Pick<LocalUserPool, "groupRoles">,
  u: LocalUser,
  originJti?: string,
  groups?: TokenGroups,
): Record<string, unknown> {
  return {
    ...u.attributes,
    ...(u.identities ? { identities: u.identities } : {}),
    sub: u.sub,
    ...userClaims(u, groups?.groups),
    ...(originJti ? { origin_jti: originJti } : {}),
    token_use: "id",
    jti: crypto.randomUUID(),
    ...(groups?.roleClaims ?? groupRoleClaims(pool.groupRoles, u.groups)),
    email: u.email,
    // A federated user's email is verified only when the provider's mapping says so (its email_verified claim).
    email_verified: u.status === "EXTERNAL_PROVIDER" ? u.attributes?.email_verified === "true" : true,
  };
}

/**
 * A user's access token claims (both ways of signing in), before `sub`, `jti`, `scope`, `client_id`, `iss`, `iat`,
 * `exp`:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export function accessTokenClaims(
  u: SeedUser | undefined,
  originJti?: string,
  groups: string[] | undefined = u?.groups,
): Record<string, unknown> {
  return {
    token_use: "access",
    version: 2,
    ...(originJti ? { origin_jti: originJti } : {}),
    ...(u ? { username: u.username, ...(groups?.length ? { "cognito:groups": groups } : {}) } : {}),
  };
}

/**
 * The `origin_jti` of a hosted UI sign-in: one per oidc-provider grant, shared by the tokens it issues (Cognito
 * gives one per authentication to the tokens that revoking its refresh token revokes; clients revoke a session's
 * refresh token on sign-out only when its access token has one).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
 */
function originJtiOfGrant(grantId: string | undefined): string | undefined {
  return grantId ? uuidOf(grantId) : undefined;
}

/** A UUID (version 4's shape) derived from a text, so the same text always gives the same one. */
function uuidOf(text: string): string {
  const h = crypto.createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The one signer of the local pools' own tokens: RS256 with the pool's key, a header of only `alg` and `kid`. */
async function signToken(jwk: crypto.JsonWebKey & { kid: string }, payload: Record<string, unknown>): Promise<string> {
  const jose = await import("jose");
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
    .sign(crypto.createPrivateKey({ key: jwk, format: "jwk" }));
}

/** The claims of a token of this pool (its key and issuer), or undefined. */
async function verifyToken(
  jwk: crypto.JsonWebKey & { kid: string },
  pool: LocalUserPool,
  token: string,
): Promise<Record<string, any> | undefined> {
  const jose = await import("jose");
  try {
    const key = crypto.createPublicKey(crypto.createPrivateKey({ key: jwk, format: "jwk" }));
    return (await jose.jwtVerify(token, key, { issuer: pool.issuer, algorithms: ["RS256"] })).payload;
  } catch {
    return undefined;
  }
}

/**
 * The tokens of a sign-in through the user pools API (InitiateAuth, RespondToAuthChallenge): the same claims and
 * signer as the hosted UI's, the client's validities, and the scope Cognito gives these tokens,
 * `aws.cognito.signin.user.admin` (the user's own API calls):
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html
 */
async function issueTokens(
  jwk: crypto.JsonWebKey & { kid: string },
  pool: LocalUserPool,
  client: LocalClient,
  user: LocalUser,
  refreshing: RefreshGrant | undefined,
  source: TriggerSource = refreshing ? "TokenGeneration_RefreshTokens" : "TokenGeneration_Authentication",
): Promise<IssuedTokens> {
  const iat = Math.floor(Date.now() / 1000);
  // The trigger answers once for both tokens, before any is made (a failure issues nothing).
  const groups = await pool.tokenGroups(client.clientId, user, source);
  const issued = refreshing ? undefined : await pool.refreshTokens.issue(user, client);
  const originJti = refreshing?.originJti ?? issued!.originJti;
  const IdToken = await signToken(jwk, {
    ...idTokenClaims(pool, user, originJti, groups),
    aud: client.clientId,
    exp: iat + client.ttl.idToken,
    iat,
    iss: pool.issuer,
  });
  const AccessToken = await signToken(jwk, {
    ...accessTokenClaims(user, originJti, groups.groups),
    jti: crypto.randomUUID(),
    sub: user.sub,
    iat,
    exp: iat + client.ttl.accessToken,
    scope: "aws.cognito.signin.user.admin",
    client_id: client.clientId,
    iss: pool.issuer,
  });
  const RefreshToken = issued?.token;
  return {
    IdToken,
    AccessToken,
    ...(RefreshToken ? { RefreshToken } : {}),
    ExpiresIn: client.ttl.accessToken,
    TokenType: "Bearer",
  };
}

function newProvider(Provider: any, errors: any, pool: LocalUserPool, jwk: object): any {
  const bySub = { get: (sub: string) => pool.users.find((u) => u.sub === sub && ACTIVE.includes(u.status)) };
  const clientOf = (id: string) => pool.clients.find((c) => c.clientId === id);
  const resourceScopesOfClient = (id: string) => (clientOf(id)?.scopes ?? []).filter((s) => !OIDC_SCOPES.includes(s));

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
        // The code flow's refresh tokens, for a client that allows them:
        // https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html (grant_type refresh_token)
        ...(c.flows.includes("code") && c.authFlows.includes("ALLOW_REFRESH_TOKEN_AUTH") ? ["refresh_token"] : []),
      ],
      response_types: c.flows.includes("code") ? ["code"] : [],
      redirect_uris: c.flows.includes("code") ? c.callbackUrls : [],
    })),
    // Cognito supports PKCE and does not require it.
    pkce: { required: () => false },
    scopes: ["openid", "email", "profile"],
    // Cognito ID tokens carry a jti (the handler matches the REST authorizer's claims to the token by it).
    claims: {
      openid: ["sub", ...OPENID_CLAIMS, ...pool.federatedClaims],
      email: EMAIL_CLAIMS,
    },
    conformIdTokenClaims: false,
    // Cognito's authorize endpoint takes `identity_provider` (kept for the sign-in page, which federates).
    extraParams: ["identity_provider"],
    // Cognito gives the code flow a refresh token whenever the client allows them (no offline_access scope), and
    // does not rotate it on use.
    issueRefreshToken: async (_ctx: unknown, client: any) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: false,
    // Its refresh tokens last their validity (30 days by default), not the sign-in page's one-hour session.
    expiresWithSession: async () => false,
    findAccount: async (ctx: any, sub: string, token?: { kind?: string; iat?: number; grantId?: string }) => {
      const u = bySub.get(sub);
      // A refresh token issued before the user's GlobalSignOut no longer works (invalid_grant).
      if (u?.signedOutAt && token?.kind === "RefreshToken" && (token.iat ?? 0) <= u.signedOutAt) return undefined;
      return (
        u && {
          accountId: sub,
          claims: async (use: string) =>
            use === "id_token"
              ? idTokenClaims(
                  pool,
                  u,
                  originJtiOfGrant(token?.grantId),
                  // The hosted UI's sign-in (its code redeemed) or a refresh at /oauth2/token.
                  await pool.tokenGroups(
                    String(ctx?.oidc?.client?.clientId ?? ""),
                    u,
                    token?.kind === "RefreshToken" ? "TokenGeneration_RefreshTokens" : "TokenGeneration_HostedAuth",
                  ),
                )
              : { sub, email: u.email, email_verified: true, ...userClaims(u) },
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
      grant.addOIDCClaims([...GRANTED_CLAIMS, ...pool.federatedClaims]);
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
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // Cognito's /logout is not OpenID's RP-initiated logout (no id_token_hint, no confirmation): see `logout`.
      rpInitiatedLogout: { enabled: false },
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
    extraTokenClaims: async (ctx: any, token: any) => {
      const user = token.accountId ? bySub.get(token.accountId) : undefined;
      // A user's access token carries the trigger's groups, as the ID token of the same response does (Cognito asks the
      // trigger once per response; the local pool asks it per token, with the same event). Client credentials: no user.
      const source: TriggerSource =
        ctx?.oidc?.params?.grant_type === "refresh_token"
          ? "TokenGeneration_RefreshTokens"
          : "TokenGeneration_HostedAuth";
      const groups = user ? (await pool.tokenGroups(String(token.clientId), user, source)).groups : undefined;
      return accessTokenClaims(user, originJtiOfGrant(token.grantId), groups);
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
      RefreshToken: (_ctx: unknown, token: any) => clientOf(token.clientId)?.ttl.refreshToken ?? 30 * 86400,
      AuthorizationCode: 300,
      Interaction: 600,
      Session: 3600,
      // The grant lives as long as its refresh token may.
      Grant: (_ctx: unknown, grant: any) => clientOf(grant.clientId)?.ttl.refreshToken ?? 30 * 86400,
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

/**
 * The sign-in page (oidc-provider leaves interactions to the host): GET shows a form, POST with
 * `username` and `password` signs in. `/login` without an interaction explains where to start.
 */
async function login(
  app: { provider: any; pool: LocalUserPool; federating: Map<string, string> },
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const { provider, pool } = app;
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
    const details = await provider.interactionDetails(req, res);
    const client = pool.clients.find((c) => c.clientId === details.params.client_id);
    // `identity_provider` on /oauth2/authorize (or the page's "Sign in with" link) skips the form for that IdP.
    const asked =
      new URL(req.url!, pool.issuer).searchParams.get("identity_provider") ?? details.params.identity_provider;
    if (req.method === "GET" && asked) return void federate(app, details.uid, client, String(asked), res);
    if (req.method === "GET") {
      const hint = pool.signsInWithEmail ? "email" : "username";
      const links = (client?.identityProviders ?? [])
        .filter((name) => pool.upstreams.some((u) => u.provider.name === name))
        .map(
          (name) =>
            `<p><a href="/${html(pool.poolId)}/interaction/${html(details.uid)}?identity_provider=` +
            `${encodeURIComponent(name)}">Sign in with ${html(name)}</a></p>`,
        )
        .join("");
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<!doctype html><title>Sign in (local user pool ${html(pool.poolId)})</title><h1>Sign in</h1>` +
            `<form method="post"><label>${hint} <input name="username" autocomplete="username"></label>` +
            (`<label>password <input name="password" type="password" ` +
              `autocomplete="current-password"></label><button>Sign in</button></form>`) +
            links +
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
      // A federated user (EXTERNAL_PROVIDER) signs in at their IdP only, never with a password here.
      // Cognito's wording, the same for an unknown user and a wrong password (preventUserExistenceErrors).
      res.writeHead(401, { "content-type": "text/plain" }).end("Incorrect username or password.\n");
      return;
    }
    await loginAs(provider, req, res, user.sub);
  } catch (err) {
    res.writeHead(400, { "content-type": "text/plain" }).end(`${err instanceof Error ? err.message : err}\n`);
  }
}

/**
 * Sends a sign-in to the upstream IdP, as Cognito's authorize endpoint does with `identity_provider`: the provider
 * must be one the app client supports (`supportedIdentityProviders`).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
 */
function federate(
  app: { pool: LocalUserPool; federating: Map<string, string> },
  uid: string,
  client: LocalClient | undefined,
  name: string,
  res: http.ServerResponse,
): void {
  const upstream = app.pool.upstreams.find((u) => u.provider.name === name);
  if (!upstream || !client?.identityProviders.includes(name))
    return void res.writeHead(400, { "content-type": "application/json" }).end(
      JSON.stringify({
        error: "invalid_request",
        error_description: `identity_provider ${name} is not in the app client's supportedIdentityProviders`,
      }),
    );
  app.federating.set(uid, name);
  const query = new URLSearchParams({
    client_id: upstream.provider.clientId,
    response_type: "code",
    redirect_uri: app.pool.idpResponseUrl,
    scope: upstream.provider.scopes.join(" "),
    state: uid,
  });
  res.writeHead(302, { location: `${upstream.authorizeEndpoint}?${query}` }).end();
}

/**
 * A pool attribute per mapped claim of the IdP, as strings; a multi-valued claim (a list of groups) as Cognito writes
 * it into one attribute, `[a, b]`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
export function mappedAttributes(mapping: Record<string, string>, claims: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(mapping)
      .filter(([, claim]) => claims[claim] !== undefined)
      .map(([attribute, claim]) => {
        const v = claims[claim];
        return [attribute, Array.isArray(v) ? `[${v.join(", ")}]` : String(v)];
      }),
  );
}

/** An OAuth error answer, as the pool's endpoints give them: `{error, error_description}`, never cached. */
function oauthError(res: http.ServerResponse, status: number, error: string, description: string): void {
  res
    .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
    .end(JSON.stringify({ error, error_description: description }));
}

/**
 * `/oauth2/idpresponse`: the upstream IdP's answer. The pool redeems the code, then finds or (the first time) creates
 * the federated user, `<ProviderName>_<the IdP's sub>`, EXTERNAL_PROVIDER, with a `sub` of its own and the
 * attributes the mapping gives (rewritten at each sign-in), and finishes the sign-in the app started, so the
 * app gets the pool's tokens:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 */
async function idpResponse(
  app: { provider: any; pool: LocalUserPool; federating: Map<string, string> },
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const refuse = (status: number, error: string, description: string) => oauthError(res, status, error, description);
  try {
    const query = new URL(req.url!, app.pool.issuer).searchParams;
    const uid = query.get("state") ?? "";
    const name = app.federating.get(uid);
    const interaction = name ? await app.provider.Interaction.find(uid) : undefined;
    if (!name || !interaction) return refuse(400, "invalid_request", "no sign-in is waiting for this IdP's answer");
    app.federating.delete(uid);
    if (query.get("error")) return refuse(400, query.get("error")!, query.get("error_description") ?? "");
    const upstream = app.pool.upstreams.find((u) => u.provider.name === name)!;
    const claims = await upstream.redeem(query.get("code") ?? "", app.pool.idpResponseUrl);
    const attributes = mappedAttributes(upstream.provider.attributeMapping, claims);
    if (!attributes.email)
      return refuse(400, "invalid_request", `${name} sent no ${upstream.provider.attributeMapping.email}`);
    const username = `${name}_${claims.sub}`;
    let user = app.pool.users.find((u) => u.username === username);
    if (!user) {
      user = {
        username,
        email: attributes.email,
        // Never used: a federated user has no password at the pool (the sign-in form refuses EXTERNAL_PROVIDER).
        password: crypto.randomBytes(32).toString("base64url"),
        // Cognito's is random; derived here from the pool and username, so a restart (which forgets the users local
        // mode made) gives the person the same `sub`, and their notes stay theirs.
        sub: uuidOf(`${app.pool.poolId}/${username}`),
        // The group Cognito makes per IdP, `<poolId>_<provider>`, holds each user it creates from that IdP:
        // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html
        groups: [`${app.pool.poolId}_${name}`],
        status: "EXTERNAL_PROVIDER",
        identities: [
          {
            userId: String(claims.sub),
            providerName: name,
            providerType: upstream.provider.type,
            issuer: null,
            primary: "true",
            dateCreated: String(Date.now()),
          },
        ],
      };
      app.pool.users.push(user);
    }
    user.email = attributes.email;
    user.attributes = attributes;
    interaction.result = { login: { accountId: user.sub } };
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    res.writeHead(303, { location: interaction.returnTo, "cache-control": "no-store" }).end();
  } catch (err) {
    refuse(400, "invalid_request", err instanceof Error ? err.message : String(err));
  }
}

/**
 * `GET /logout`, Cognito's sign-out endpoint: ends the hosted UI's session in this browser, so the next
 * `/oauth2/authorize` asks for the password again (tokens already issued stay valid: GlobalSignOut and RevokeToken
 * end those), then redirects to `logout_uri` when it is one of the client's allowed sign-out URLs, or, with
 * `redirect_uri` (one of its callback URLs) and the sign-in's other parameters, to the sign-in again. Anything else
 * is refused before the session ends (Cognito's `redirect_mismatch`), so the endpoint never redirects elsewhere.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
async function logout(
  provider: any,
  pool: LocalUserPool,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const refuse = (status: number, error: string, description: string) => oauthError(res, status, error, description);
  try {
    if (req.method !== "GET") return refuse(405, "invalid_request", "the logout endpoint takes GET only");
    const query = new URL(req.url!, pool.issuer).searchParams;
    const client = pool.clients.find((c) => c.clientId === query.get("client_id"));
    if (!client) return refuse(400, "invalid_request", "client_id is missing or names no app client of this pool");
    const logoutUri = query.get("logout_uri");
    const redirectUri = query.get("redirect_uri");
    const target = logoutUri
      ? client.logoutUrls.includes(logoutUri) && logoutUri
      : redirectUri && client.callbackUrls.includes(redirectUri) && `${pool.authorizeEndpoint}?${query}`;
    if (!target)
      return refuse(
        400,
        "redirect_mismatch",
        logoutUri
          ? "logout_uri is not one of the app client's sign-out URLs"
          : "give logout_uri (a sign-out URL of the app client) or redirect_uri (one of its callback URLs)",
      );
    // oidc-provider keeps the sign-in page's session server-side, named by a signed cookie: end both.
    const session = await provider.Session.get({ req, res });
    await session.destroy();
    provider
      .createContext(req, res)
      .cookies.set(provider.cookieName("session"), null, { signed: true, httpOnly: true, sameSite: "lax" });
    res.writeHead(302, { location: target, "cache-control": "no-store" }).end();
  } catch (err) {
    refuse(500, "server_error", err instanceof Error ? err.message : String(err));
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
  const refuse = (description: string) =>
    res
      .writeHead(401, {
        "content-type": "application/json",
        "www-authenticate": `Bearer error="invalid_token", error_description="${description}"`,
      })
      .end(JSON.stringify({ error: "invalid_token", error_description: description }));
  const token = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
  if (!token) return void refuse("Access token is missing");
  const payload = await verifyToken(jwk, pool, token);
  if (!payload) return void refuse("Access token is invalid or expired");
  const user = pool.users.find((u) => u.sub === payload.sub && ACTIVE.includes(u.status));
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
  try {
    const { token } = await formBody(req);
    const payload = await verifyToken(jwk, pool, String(token));
    if (!payload) throw new Error("not a token of this pool");
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    const exp = Math.floor(Date.now() / 1000) - 60;
    const copy = await signToken(jwk, {
      ...payload,
      iat: exp - lifetime,
      exp,
      ...(payload.auth_time ? { auth_time: exp - lifetime } : {}),
    });
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
