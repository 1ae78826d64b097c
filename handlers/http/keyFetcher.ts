/**
 * Fetches a signing key document (a JWKS, an ALB's PEM, or the OpenID discovery document that
 * names an issuer's JWKS: handlers/authorizer/discovery.ts) for aws-jwt-verify's caches, with
 * Node's fetch: http(s) alike (local mode serves keys on loopback), and a deadline well under the
 * function's timeout, so an identity endpoint that hangs costs a prompt 401, never a hung request.
 */
export const KEY_FETCH_TIMEOUT_MS = 3000;

export interface KeyFetcher {
  fetch(uri: string): Promise<ArrayBuffer>;
}

export function keyFetcher(timeoutMs: number = KEY_FETCH_TIMEOUT_MS, send: typeof fetch = fetch): KeyFetcher {
  return {
    async fetch(uri: string): Promise<ArrayBuffer> {
      const res = await send(uri, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
      if (res.status !== 200) throw new Error(`key endpoint answered ${res.status}`);
      return res.arrayBuffer();
    },
  };
}
