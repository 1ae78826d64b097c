/**
 * What a REST API's COGNITO_USER_POOLS authorizer hands the integration: the verified ID token's
 * claims under `requestContext.authorizer.claims`, every value a string.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
 * ("the authorized user information includes … $context.authorizer.claims.* properties")
 * The string forms are what AWS's published events show: `exp` and `iat` as dates
 * ("Tue Jun 18 15:00:04 UTC 2024"), other numbers as decimal strings, booleans as "true"/"false".
 * How a list claim (`cognito:groups`) is flattened is not documented; joined with commas here,
 * which is lossy, so the handler reads groups from the verified token itself
 * (handlers/doors/userPoolTokens.ts), never from this string.
 */
export function restAuthorizerClaims(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if ((k === "exp" || k === "iat") && typeof v === "number") out[k] = javaDate(v);
    else if (Array.isArray(v)) out[k] = v.map(String).join(",");
    else out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** `Tue Jun 18 15:00:04 UTC 2024` (epoch seconds, UTC). */
function javaDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}
