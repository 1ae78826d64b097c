/**
 * A verified token's claims as API Gateway hands them to a Lambda integration: every value a
 * string. REST user pools authorizer: `requestContext.authorizer.claims`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html);
 * HTTP API JWT authorizer: `requestContext.authorizer.jwt.claims`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
 * The string forms are not documented; they follow captured events: REST renders `exp` and `iat`
 * as dates ("Tue Jun 18 15:00:04 UTC 2024") and HTTP keeps epoch seconds; an HTTP API renders a
 * list as `[a b]` (reported by AWS's own samples), REST joins it with commas ("editors,admins",
 * as captured REST events show; test/fixtures/rest-cognito-authorizer-groups.json). The handler
 * reads groups from these strings only (handlers/principal.ts, groupsFromRestClaim and groupsFromHttpApiClaim).
 */
export function gatewayClaimStrings(
  payload: Record<string, unknown>,
  gateway: "rest" | "http",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if (gateway === "rest" && (k === "exp" || k === "iat") && typeof v === "number") out[k] = javaDate(v);
    else if (Array.isArray(v)) out[k] = gateway === "rest" ? v.join(",") : `[${v.join(" ")}]`;
    else out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** `Tue Jun 18 15:00:04 UTC 2024` (epoch seconds, UTC), as Java's Date prints it. */
function javaDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}
