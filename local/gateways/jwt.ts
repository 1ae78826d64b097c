import type { JWTPayload, JWTVerifyGetKey } from "jose";

/**
 * JWT checks for the emulated authorizers, with jose (signature, `iss`, `exp`, `nbf`) and small
 * pure functions for the rules AWS adds on top. Keys are fetched the way the services fetch
 * them: a user pool's JWKS at `<issuer>/.well-known/jwks.json`, an OIDC issuer's through its
 * discovery document.
 */

type Jose = typeof import("jose");
let josePromise: Promise<Jose> | undefined;
const jose = () => (josePromise ??= import("jose"));

/** Remote key sets by URL, cached as the services cache them. */
export class KeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();
  private readonly discovered = new Map<string, Promise<string>>();

  async byUrl(jwksUri: string): Promise<JWTVerifyGetKey> {
    let set = this.sets.get(jwksUri);
    if (!set)
      this.sets.set(jwksUri, (set = (await jose()).createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 2000 })));
    return set;
  }

  /** The issuer's `jwks_uri` from `<issuer>/.well-known/openid-configuration`. */
  async byDiscovery(issuer: string): Promise<JWTVerifyGetKey> {
    let uri = this.discovered.get(issuer);
    if (!uri) {
      uri = fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`).then(async (r) => {
        if (!r.ok) throw new Error(`discovery of ${issuer} answered ${r.status}`);
        return String(((await r.json()) as { jwks_uri: string }).jwks_uri);
      });
      uri.catch(() => this.discovered.delete(issuer));
      this.discovered.set(issuer, uri);
    }
    return this.byUrl(await uri);
  }
}

/** A verified token's payload, or why it is not one. */
export type Verified = { ok: true; payload: JWTPayload } | { ok: false; reason: string };

/** Signature (RSA algorithms only), `iss` among `issuers`, `exp` and `nbf` (jose), and `iat` not in the future. */
export async function verifySignedToken(
  token: string,
  keys: JWTVerifyGetKey,
  issuers: string[],
  now: () => number = Date.now,
): Promise<Verified> {
  try {
    const { payload } = await (
      await jose()
    ).jwtVerify(token, keys, {
      issuer: issuers,
      algorithms: ["RS256", "RS384", "RS512"],
      clockTolerance: 0,
      currentDate: new Date(now()),
    });
    if (typeof payload.iat === "number" && payload.iat * 1000 > now())
      return { ok: false, reason: "the token was issued in the future" };
    return { ok: true, payload };
  } catch (err) {
    return { ok: false, reason: describeJoseError(err) };
  }
}

function describeJoseError(err: unknown): string {
  const code = (err as { code?: string })?.code ?? "";
  const claim = (err as { claim?: string })?.claim;
  if (code === "ERR_JWT_EXPIRED") return "the token has expired";
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED")
    return `the token does not have a valid ${claim === "iss" ? "issuer" : claim}`;
  if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" || code === "ERR_JWKS_NO_MATCHING_KEY")
    return "signature is invalid";
  if (code === "ERR_JOSE_ALG_NOT_ALLOWED") return "the token's algorithm is not supported";
  return "the token is malformed";
}

/**
 * HTTP API JWT authorizer: `aud`, or `client_id` when there is no `aud`, must match one of the
 * configured audiences.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html#http-api-jwt-authorizer.evaluation
 */
export function audienceMatches(payload: JWTPayload, audiences: string[]): boolean {
  const aud = payload.aud ?? (payload.client_id as string | undefined);
  const values = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
  return values.some((a) => audiences.includes(String(a)));
}

/** The scopes a token claims (`scope` or `scp`, space-separated or a list). */
export function scopesOf(payload: JWTPayload): string[] {
  const v = payload.scope ?? payload.scp;
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? v.split(" ").filter(Boolean) : [];
}

/**
 * A route or method with scopes needs at least one of them in the token (HTTP API JWT
 * authorizer; REST user pool authorizer with scopes).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html#http-api-jwt-authorizer.evaluation
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
 */
export function hasAnyScope(tokenScopes: string[], required: string[]): boolean {
  return required.some((s) => tokenScopes.includes(s));
}
