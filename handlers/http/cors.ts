import { API_REQUEST_HEADERS, API_RESPONSE_HEADERS, API_ROUTES } from "../contract/routeTable";

/**
 * What a response grants a browser page of another origin: the origin it names (always one of the
 * stack's `corsOrigins`, echoed, never `*`) and whether the page may send its credentials and read
 * the answer (`Access-Control-Allow-Credentials: true`, at doors whose credential is a cookie).
 * A credentialed request fails the CORS check unless Allow-Origin names its origin exactly and
 * Allow-Credentials is `true`; `*` never passes it.
 * https://fetch.spec.whatwg.org/#cors-check
 * https://fetch.spec.whatwg.org/#http-access-control-allow-credentials
 */
export interface CorsGrant {
  origin: string;
  credentials: boolean;
}

/** The grant for a request's Origin: none unless it is one of the allowed origins. */
export function corsGrant(origin: string | undefined, allowed: readonly string[], credentials: boolean) {
  return origin !== undefined && allowed.includes(origin) ? { origin, credentials } : undefined;
}

/** The CORS headers of an answer: the origin, the headers a script may read, and credentials when granted. */
export function corsHeaders(grant: CorsGrant | undefined): Record<string, string> {
  if (!grant) return {};
  return {
    "Access-Control-Allow-Origin": grant.origin,
    ...(grant.credentials ? { "Access-Control-Allow-Credentials": "true" } : {}),
    // A browser script may read only the headers listed here besides the CORS-safelisted ones.
    "Access-Control-Expose-Headers": API_RESPONSE_HEADERS.join(", "),
    Vary: "Origin",
  };
}

/** The methods the API serves, which a preflight may ask for (`Access-Control-Request-Method`). */
export const PREFLIGHT_METHODS: readonly string[] = [...new Set(API_ROUTES.map((r) => r.method))];

/** How long a browser may keep a preflight's answer, in seconds (as the REST doors' preflights say). */
export const PREFLIGHT_MAX_AGE = 600;

/**
 * The headers of a preflight's answer besides corsHeaders: the methods and the request headers the
 * API reads. A door whose credential is a cookie needs no header of its own: the browser attaches
 * the cookie to the real request, never to the preflight.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export const preflightHeaders = (): Record<string, string> => ({
  "Access-Control-Allow-Methods": PREFLIGHT_METHODS.join(","),
  "Access-Control-Allow-Headers": API_REQUEST_HEADERS.join(","),
  "Access-Control-Max-Age": String(PREFLIGHT_MAX_AGE),
});
