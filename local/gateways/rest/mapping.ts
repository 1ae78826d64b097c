import type { IncomingRequest } from "../events";
import { headerAs } from "../http";

/**
 * The value of a response parameter mapping: a quoted literal (`'value'`) or a request
 * parameter (`method.request.header.Origin`, `.querystring.`, `.path.`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
 */
export function mappedValue(
  expression: string,
  req: IncomingRequest,
  pathParams: Record<string, string>,
): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const param = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(expression);
  if (!param) return undefined;
  const [, where, name] = param;
  if (where === "header") return headerAs("rest", req.headers, name);
  if (where === "querystring") return new URLSearchParams(req.rawQuery ?? "").get(name) ?? undefined;
  return pathParams[name];
}

/** Headers of a mapping's `<prefix><Header-Name>` keys, evaluated for a request. */
export function mappedHeaders(
  params: Record<string, string> | undefined,
  prefix: string,
  req: IncomingRequest,
  pathParams: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, expr] of Object.entries(params ?? {})) {
    if (!key.startsWith(prefix)) continue;
    const value = mappedValue(expr, req, pathParams);
    if (value !== undefined && value !== "") out[key.slice(prefix.length)] = value;
  }
  return out;
}
