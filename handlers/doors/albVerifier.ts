import { AlbJwtVerifier } from "aws-jwt-verify";
import { AlbJwksCache } from "aws-jwt-verify/alb-cache";
import type { JwksCache } from "aws-jwt-verify/jwk";
import { Unauthorized } from "../http/errors";
import { KeyFetcher, keyFetcher } from "../http/keyFetcher";

/** Claims of a verified `x-amzn-oidc-data` token. */
export interface AlbClaims {
  sub: string;
  iss?: string;
  exp: number;
  [claim: string]: unknown;
}

/** Verifies the ALB's signed identity header; rejects with Unauthorized on any failure. */
export interface AlbIdentityVerifier {
  verify(token: string): Promise<AlbClaims>;
}

export interface AlbVerifierOptions {
  /** THIS load balancer: the only accepted `signer`. */
  albArn: string;
  /** The IdP issuer the ALB authenticates against (`iss` in the token). */
  issuer: string;
  /** The OIDC client the ALB uses (`client` in the token header). */
  clientId: string;
  /** Base URL of the key endpoint (keys at <base>/<kid>); default https://public-keys.auth.elb.<region>.amazonaws.com. */
  keyEndpoint?: string;
  fetcher?: KeyFetcher;
  /** How long a failed key look-up is remembered. @default 60 s */
  failedLookupTtlMs?: number;
  /**
   * Unknown kids fetched at most this often (key rotation is rare; random kids are an attack). @default 10 per minute
   */
  newKidFetchesPerMinute?: number;
  now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A JWT segment as the ALB sends it: base64url, possibly with '=' padding. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment.replace(/=+$/, ""), "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks what can be checked before any key is fetched: the header names THIS load balancer
 * (`signer`) and its client, the algorithm is ES256, the `kid` is a UUID, and the payload
 * carries a numeric `exp` in the future. The header is not trusted yet (the signature covers
 * it and is checked after): this only keeps tokens that could never pass from costing a fetch.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding
 */
export function precheckAlbToken(
  token: string,
  opts: Pick<AlbVerifierOptions, "albArn" | "clientId">,
  nowSeconds: number,
): { kid: string } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (!header || !payload) return undefined;
  if (header.alg !== "ES256" || typeof header.kid !== "string" || !UUID.test(header.kid)) return undefined;
  if (header.signer !== opts.albArn || header.client !== opts.clientId) return undefined;
  if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp) || payload.exp <= nowSeconds) return undefined;
  return { kid: header.kid };
}

/**
 * The key cache: keys that verified a token of THIS load balancer are kept apart from keys merely
 * fetched, so unverified kids can never evict ours; failed look-ups are remembered briefly; and
 * unknown kids may cause a fetch only at a bounded rate. Fetching and PEM handling stay
 * aws-jwt-verify's (AlbJwksCache).
 */
type TrustedKey = Awaited<ReturnType<AlbJwksCache["getJwk"]>>;

class AlbKeyCache implements JwksCache {
  private readonly fetched: AlbJwksCache;
  private readonly trusted = new Map<string, TrustedKey>();
  private readonly failed = new Map<string, number>();
  private fetchTimes: number[] = [];

  constructor(
    private readonly opts: Required<
      Pick<AlbVerifierOptions, "failedLookupTtlMs" | "newKidFetchesPerMinute" | "now">
    > & { fetcher?: KeyFetcher },
  ) {
    this.fetched = new AlbJwksCache({ fetcher: opts.fetcher ?? keyFetcher() });
  }

  async getJwk(uri: string, jwt: Parameters<JwksCache["getJwk"]>[1]) {
    const kid = String(jwt.header.kid);
    const known = this.trusted.get(kid);
    if (known) return known;
    const now = this.opts.now();
    const failedAt = this.failed.get(kid);
    if (failedAt !== undefined && now - failedAt < this.opts.failedLookupTtlMs)
      throw new Error("key look-up failed recently");
    this.fetchTimes = this.fetchTimes.filter((t) => now - t < 60_000);
    if (this.fetchTimes.length >= this.opts.newKidFetchesPerMinute) throw new Error("too many unknown kids");
    this.fetchTimes.push(now);
    try {
      return await this.fetched.getJwk(uri, jwt);
    } catch (err) {
      if (this.failed.size >= 1000) this.failed.delete(this.failed.keys().next().value!);
      this.failed.set(kid, now);
      throw err;
    }
  }

  /** After a token of this ALB verified with it: the key is ours. */
  trust(kid: string, jwk: TrustedKey): void {
    if (this.trusted.size >= 8) this.trusted.delete(this.trusted.keys().next().value!);
    this.trusted.set(kid, jwk);
  }

  getCachedJwk(uri: string, jwt: Parameters<JwksCache["getJwk"]>[1]) {
    const known = this.trusted.get(String(jwt.header.kid));
    if (known) return known;
    return this.fetched.getCachedJwk(uri, jwt);
  }

  addJwks(uri: string, jwks: Parameters<JwksCache["addJwks"]>[1]): void {
    this.fetched.addJwks(uri, jwks);
  }

  /** The ALB publishes one PEM per kid, never a JWKS (aws-jwt-verify throws here). */
  getJwks(): ReturnType<JwksCache["getJwks"]> {
    return this.fetched.getJwks();
  }
}

/**
 * aws-jwt-verify's ALB verifier (ES256, signature over the text as received, padding accepted,
 * `iss`, `client` and `signer` equal to this ALB's ARN) behind the precheck and key cache above.
 */
export function createAlbVerifier(opts: AlbVerifierOptions): AlbIdentityVerifier {
  const now = opts.now ?? Date.now;
  const cache = new AlbKeyCache({
    fetcher: opts.fetcher,
    failedLookupTtlMs: opts.failedLookupTtlMs ?? 60_000,
    newKidFetchesPerMinute: opts.newKidFetchesPerMinute ?? 10,
    now,
  });
  const verifier = AlbJwtVerifier.create(
    {
      albArn: opts.albArn,
      issuer: opts.issuer,
      clientId: opts.clientId,
      ...(opts.keyEndpoint ? { jwksUri: opts.keyEndpoint.replace(/\/+$/, "") } : {}),
      // Runs once the signature is valid, so the header is authentic: a key that verified a token
      // whose header names this ALB and client is this ALB's key.
      customJwtCheck: ({ header, jwk }) => {
        if (header.signer === opts.albArn && header.client === opts.clientId)
          cache.trust(String(header.kid), jwk as unknown as TrustedKey);
      },
    },
    { jwksCache: cache },
  );
  return {
    async verify(token: string): Promise<AlbClaims> {
      if (!precheckAlbToken(token, opts, Math.floor(now() / 1000))) throw new Unauthorized("invalid identity");
      try {
        const payload = (await verifier.verify(token)) as unknown as AlbClaims;
        if (typeof payload.sub !== "string" || payload.sub === "") throw new Error("no sub");
        return payload;
      } catch {
        throw new Unauthorized("invalid identity");
      }
    },
  };
}
