import type { ClientCert } from "./clientCert";
import type { AuthMode } from "./contract/authModes";

/** The caller as the backend sees it, whatever the door. */
export interface Principal {
  /** The partition key of the caller's notes: a user pool sub, or a prefixed machine id. */
  id: string;
  kind: "user" | "machine";
  door: AuthMode;
  groups: string[];
  scopes: string[];
  isAdmin: boolean;
  /** The usage-plan tier the lambda-authorizer door's authorizer put the caller on (its `plan`), if any. */
  tier?: string;
  /** The client certificate the gateway verified (mutual TLS on the custom domain), if any. */
  clientCert?: ClientCert;
  /**
   * The sign-in session of a user of the stack's own pool, from the claims the door verified only (never from a
   * header, the body or the query): what `POST /me/sign-out` revokes and what `revocation` refuses once revoked.
   */
  session?: Session;
}

/**
 * A sign-in session of the stack's user pool: Cognito gives the ID and access tokens of one authentication (and the
 * tokens a refresh of it mints) the same `origin_jti`, and revoking its refresh token revokes them all at Cognito's
 * own endpoints (https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html).
 */
export interface Session {
  /** The tokens' `origin_jti`. */
  id: string;
  /**
   * The presented token's `exp`, epoch seconds, where the door could read it (the REST user pools authorizer passes a
   * date string whose format AWS does not document: restClaimEpoch). Never needed to refuse: the session is known by
   * its `origin_jti` alone, and a sign-out record outlives every token of it (the refresh token's lifetime).
   */
  exp?: number;
  /** The app client the token was issued to (ID token `aud`, access token `client_id`): RevokeToken's ClientId. */
  clientId?: string;
  /**
   * When our Lambda authorizer last looked the session up (epoch ms, its context's `revocationCheckedAt`): the
   * handler reads again only once that is older than `revocationCacheSeconds` (a cached authorizer answer is).
   */
  checkedAt?: number;
  /**
   * Our Lambda authorizer looked the session up for this very request (its context's `revocationCheckedFor` is this
   * request's id; an answer API Gateway cached and replays names an earlier request): the handler need not read again,
   * even with `revocationCacheSeconds` 0.
   */
  checkedThisRequest?: true;
}

/**
 * A session from verified claims: only a user token of the stack's own pool (`iss` its issuer) names one, by an
 * `origin_jti` of Cognito's form (a UUID); its `exp` is kept where it was read, and a token whose `exp` could not be
 * read still names its session (a sign-out must never be skipped for a date format). Another issuer's `origin_jti`
 * means nothing here (it could name a session of our pool's), and a machine's token has none.
 */
export function sessionOf(
  claims: { iss?: unknown; originJti?: unknown; exp?: number; clientId?: unknown },
  cognitoIssuer: string | undefined,
): Session | undefined {
  if (cognitoIssuer === undefined || claims.iss !== cognitoIssuer) return undefined;
  if (!isCognitoSub(claims.originJti)) return undefined;
  return {
    id: claims.originJti,
    ...(claims.exp !== undefined ? { exp: claims.exp } : {}),
    ...(typeof claims.clientId === "string" && claims.clientId !== "" ? { clientId: claims.clientId } : {}),
  };
}

/** Epoch seconds as a verified token or a gateway's claim string carries them: a whole number, or its digits. */
export function epochSeconds(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  return typeof v === "string" && /^[1-9][0-9]{0,11}$/.test(v) ? Number(v) : undefined;
}

const JAVA_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * `exp` as the REST user pools authorizer passes it: a date as Java prints one ("Tue Nov 25 05:00:00 UTC 2025",
 * awsRules/gatewayClaims.ts), or epoch seconds. Anything else (another zone, a malformed date): undefined.
 */
export function restClaimEpoch(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const digits = epochSeconds(v);
  if (digits !== undefined) return digits;
  const m =
    /^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) ([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC ([0-9]{4})$/.exec(
      v,
    );
  const month = m ? JAVA_MONTHS.indexOf(m[1]) : -1;
  if (!m || month < 0) return undefined;
  const [day, h, min, sec, year] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const ms = Date.UTC(year, month, day, h, min, sec);
  const back = new Date(ms);
  // A date that does not exist (Feb 30, 25:00) is no date.
  if (back.getUTCDate() !== day || back.getUTCHours() !== h || back.getUTCMinutes() !== min) return undefined;
  return ms / 1000;
}

/**
 * A Cognito user pool `sub` is a UUID: our own pool's users become principals only with one, so a
 * crafted or foreign identifier can never land in another user's partition or a machine's.
 */
const COGNITO_SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isCognitoSub = (v: unknown): v is string => typeof v === "string" && COGNITO_SUB.test(v);

/**
 * Groups from a verified token's own JSON (`cognito:groups` is an array there): exact, whatever
 * characters a group name holds. A single string is one group, never split.
 */
export function groupsFromTokenClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string" && g !== "");
  return typeof value === "string" && value !== "" ? [value] : [];
}

/** The groups claim when `groupsClaim` is unset, and always for the stack's own pool. */
export const DEFAULT_GROUPS_CLAIM = "cognito:groups";

/**
 * A claim by name or dotted path (`groups`, `roles`, `realm_access.roles`): a claim whose whole
 * name matches wins (namespaced names such as `https://example.com/roles` hold dots), else each
 * segment is one level of a nested object.
 */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, name)) return claims[name];
  let at: unknown = claims;
  for (const part of name.split(".")) {
    if (typeof at !== "object" || at === null || Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, part))
      return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * Groups as the HTTP API JWT authorizer passes an array claim to the integration: one string,
 * `[a b c]`, the names space-separated in brackets. Cognito group names hold no white space, so
 * splitting on it is exact; commas stay part of a name ("[team,admins]" is one group).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html (GroupName pattern)
 */
export function groupsFromHttpApiClaim(value: unknown): string[] {
  if (Array.isArray(value)) return groupsFromTokenClaim(value);
  if (typeof value !== "string" || value === "") return [];
  const inner = value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
  return inner.split(" ").filter(Boolean);
}

/**
 * Groups as the REST user pools authorizer passes them: `requestContext.authorizer.claims` holds
 * every claim as a string, and a list claim joined with commas ("editors,admins",
 * test/fixtures/rest-cognito-authorizer-groups.json). That join cannot be undone exactly: a
 * Cognito group name may itself hold commas (GroupName `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, and a
 * comma is \p{P}), so "team,admins" is two groups or one named "team,admins".
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
 *
 * The reading: a value without a comma is exactly one group (no white space is in a name, so a
 * value with any is no name and gives no group); a value with commas is read as the list it most
 * likely was (split on commas) but is `ambiguous`, and an ambiguous value by itself never grants
 * anything: a member of "team,admins" is never taken for an admin. The exact list behind an
 * ambiguous value comes only from the Authorization token once its signature is verified with the
 * pool's keys and it is the token these claims are of (doors/userPoolTokens.ts); an unverified
 * copy is never read (it is the client's, and a client may send two).
 */
export function groupsFromRestClaim(value: unknown): { groups: string[]; ambiguous: boolean } {
  if (typeof value !== "string" || value === "" || /\s/u.test(value)) return { groups: [], ambiguous: false };
  if (!value.includes(",")) return { groups: [value], ambiguous: false };
  return { groups: value.split(",").filter(Boolean), ambiguous: true };
}

/** Scopes from a `scope` claim ("a b c") or an array. */
export function parseScopes(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : [];
}

/** A verified bearer token's identity claims, whatever checked them (a gateway or our authorizer). */
export interface BearerIdentity {
  sub: string;
  /** Always present on a verified token; a missing one means no principal. */
  iss?: string;
  /** Cognito access tokens: the app client; other issuers may put it in `aud`. */
  clientId?: string;
  /** Cognito user tokens carry one; client-credentials tokens do not. */
  username?: string;
  groups: string[];
  scopes: string[];
  /**
   * The verified token's expiry (epoch seconds), where the verifier read it: our authorizer passes it on, so a cached
   * answer ends with the token.
   */
  exp?: number;
  /** The verified token's `origin_jti` (Cognito's sign-in session), where it has one. */
  originJti?: string;
  /** The app client the token was issued to: an access token's `client_id`, an ID token's `aud`. */
  appClient?: string;
}

/**
 * The principal of a verified bearer token, by one rule for every door that sees such tokens: a
 * client-credentials token (sub is the client, no username) is the machine `client:<id>`; a user
 * of our own pool is their Cognito sub (a UUID, or no principal); a user of another issuer is
 * `oidc:<sub>`. Admin: a user of our pool by the admin group (any user of the SPA client may ask
 * for the admin scope, so the scope alone never makes one; where a gateway also demands the scope
 * on the route, as http-jwt's does, both hold); machines and other issuers' users by the admin scope,
 * and other issuers' users also by the admin group when the operator named the issuer's groups
 * claim (`groupsClaim`, so `externalGroups`): without it, no claim of a foreign issuer means admin.
 */
export function bearerPrincipal(
  who: BearerIdentity,
  door: AuthMode,
  rule: { cognitoIssuer?: string; adminGroup: string; adminScope?: string; externalGroups?: boolean },
): Principal | undefined {
  // Whoever verified the token checked its issuer, so a token without one never passed a real
  // verifier: no principal (and no way around the admin-group rule as "another issuer's" user).
  if (who.iss === undefined || who.iss === "") return undefined;
  const hasAdminScope = !!rule.adminScope && who.scopes.includes(rule.adminScope);
  if (who.clientId !== undefined && who.sub === who.clientId && who.username === undefined) {
    return {
      id: `client:${who.clientId}`,
      kind: "machine",
      door,
      groups: [],
      scopes: who.scopes,
      isAdmin: hasAdminScope,
    };
  }
  const fromOurPool = rule.cognitoIssuer !== undefined && who.iss === rule.cognitoIssuer;
  if (fromOurPool && !isCognitoSub(who.sub)) return undefined;
  const isAdmin = fromOurPool
    ? who.groups.includes(rule.adminGroup)
    : hasAdminScope || (rule.externalGroups === true && who.groups.includes(rule.adminGroup));
  const session = fromOurPool
    ? sessionOf({ iss: who.iss, originJti: who.originJti, exp: who.exp, clientId: who.appClient }, rule.cognitoIssuer)
    : undefined;
  return {
    id: fromOurPool ? who.sub : `oidc:${who.sub}`,
    kind: "user",
    door,
    groups: who.groups,
    scopes: who.scopes,
    isAdmin,
    ...(session ? { session } : {}),
  };
}
