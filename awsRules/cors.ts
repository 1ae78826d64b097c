/**
 * What a browser asks in a CORS preflight, and whether the answer lets the request through
 * (Fetch standard, which API Gateway's CORS support follows:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).
 * - Forbidden request headers (host, content-length, …) are set by the browser, never listed in
 *   Access-Control-Request-Headers: https://fetch.spec.whatwg.org/#forbidden-request-header
 * - CORS-safelisted headers need no permission (content-type only for three simple media types):
 *   https://fetch.spec.whatwg.org/#cors-safelisted-request-header
 * - Every other header must be named in Access-Control-Allow-Headers (case-insensitive):
 *   https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
const FORBIDDEN = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "via",
]);
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/** The header names a browser puts in Access-Control-Request-Headers for a request with these headers. */
export function preflightRequestHeaders(headers: Record<string, string>): string[] {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => !FORBIDDEN.has(name) && !name.startsWith("proxy-") && !name.startsWith("sec-"))
    .filter(([name, value]) => {
      if (["accept", "accept-language", "content-language"].includes(name)) return false;
      if (name === "content-type") return !SIMPLE_CONTENT_TYPES.includes(value.split(";")[0].trim().toLowerCase());
      return true;
    })
    .map(([name]) => name)
    .sort();
}

/** The requested headers an Access-Control-Allow-Headers value does not allow (empty: allowed). */
export function headersNotAllowed(allowHeaders: string, requested: string[]): string[] {
  const allowed = new Set(
    allowHeaders
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  return requested.filter((h) => !allowed.has(h.toLowerCase()));
}
