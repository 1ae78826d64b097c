import { AlbJwtVerifier } from "aws-jwt-verify";
import { AlbJwksCache } from "aws-jwt-verify/alb-cache";
import { Unauthorized } from "../http/errors";

/** Claims of a verified `x-amzn-oidc-data` token. */
export interface AlbClaims {
  sub: string;
  iss?: string;
  [claim: string]: unknown;
}

/** Verifies the ALB's signed identity header; rejects with Unauthorized on any failure. */
export interface AlbIdentityVerifier {
  verify(token: string): Promise<AlbClaims>;
}

/** Fetches the PEM public key at a URL (the ALB key endpoint); injectable for tests. */
export interface KeyFetcher {
  fetch(uri: string): Promise<unknown>;
}

export interface AlbVerifierOptions {
  /** THIS load balancer: the only accepted `signer`. */
  albArn: string;
  /** The IdP issuer the ALB authenticates against (`iss` in the token). */
  issuer: string;
  /** The OIDC client the ALB uses (`client` in the token header). */
  clientId: string;
  /** Override of the key endpoint (tests); by default https://public-keys.auth.elb.<region>.amazonaws.com. */
  keyEndpoint?: string;
  fetcher?: KeyFetcher;
}

/**
 * aws-jwt-verify's ALB verifier: ES256 only, the key fetched by `kid` (a UUID, else rejected)
 * from the regional endpoint and cached, `exp`, `iss`, the `client` header, and the `signer`
 * header equal to this ALB's ARN. Padded segments are accepted; the signature covers the text
 * as received.
 */
export function createAlbVerifier(opts: AlbVerifierOptions): AlbIdentityVerifier {
  const verifier = AlbJwtVerifier.create(
    { albArn: opts.albArn, issuer: opts.issuer, clientId: opts.clientId, ...(opts.keyEndpoint ? { jwksUri: opts.keyEndpoint } : {}) },
    { jwksCache: new AlbJwksCache(opts.fetcher ? { fetcher: opts.fetcher as any } : undefined) },
  );
  return {
    async verify(token: string): Promise<AlbClaims> {
      if (headerAlg(token) !== "ES256") throw new Unauthorized("invalid identity");
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

/** The `alg` of a token's header, or undefined if it cannot be read. Only an early filter. */
function headerAlg(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0].replace(/=+$/, ""), "base64url").toString("utf8"));
    return typeof header.alg === "string" ? header.alg : undefined;
  } catch {
    return undefined;
  }
}
