import type { ALBEvent, ALBResult, APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { BadRequest, PayloadTooLarge } from "./errors";
import { API_RESPONSE_HEADERS } from "../routeTable";

/** The three event shapes the one function receives. */
export type EventShape = "rest-v1" | "http-v2" | "alb";
export type AnyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;
export type AnyResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/** One request, whatever door it came through. Header names are lower-case. */
export interface ApiRequest {
  shape: EventShape;
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The raw body, base64 decoded; undefined when empty. */
  body?: string;
  /** The original event: the principal is read from its verified context only. */
  event: AnyEvent;
}

/** What a route returns. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Largest request body accepted, in bytes (a note's content is at most 64 KiB). */
export const MAX_BODY_BYTES = 128 * 1024;

/** Which shape an event is, from the fields only that shape has. */
export function shapeOf(event: unknown): EventShape | undefined {
  const e = event as Record<string, any> | null;
  if (!e || typeof e !== "object") return undefined;
  if (e.requestContext?.elb?.targetGroupArn) return "alb";
  if (e.version === "2.0" && e.requestContext?.http?.method) return "http-v2";
  if (typeof e.httpMethod === "string" && e.requestContext && typeof e.requestContext === "object" && !e.requestContext.elb) return "rest-v1";
  return undefined;
}

function lowerHeaders(single?: Record<string, string | undefined> | null, multi?: Record<string, string[] | undefined> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi ?? {})) if (v && v.length > 0) out[k.toLowerCase()] = v[0];
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = v;
  return out;
}

function firstValues(single?: Record<string, string | undefined> | null, multi?: Record<string, string[] | undefined> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi ?? {})) if (v && v.length > 0) out[k] = v[0];
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function decodeBody(body: string | null | undefined, base64: boolean): string | undefined {
  if (body === null || body === undefined || body === "") return undefined;
  const bytes = base64 ? Buffer.byteLength(body, "base64") : Buffer.byteLength(body, "utf8");
  if (bytes > MAX_BODY_BYTES) throw new PayloadTooLarge(`request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES}`);
  return base64 ? Buffer.from(body, "base64").toString("utf8") : body;
}

/** One ApiRequest from any of the three shapes. An event of no known shape is a 400. */
export function normalize(event: unknown): ApiRequest {
  const shape = shapeOf(event);
  switch (shape) {
    case "rest-v1": {
      const e = event as APIGatewayProxyEvent;
      return {
        shape, event: e, method: e.httpMethod.toUpperCase(), path: e.path,
        headers: lowerHeaders(e.headers, e.multiValueHeaders),
        query: firstValues(e.queryStringParameters, e.multiValueQueryStringParameters),
        body: decodeBody(e.body, e.isBase64Encoded),
      };
    }
    case "http-v2": {
      const e = event as APIGatewayProxyEventV2;
      // rawPath carries the stage for named stages; the gateway says which stage it is.
      const stage = e.requestContext.stage;
      const path = stage && stage !== "$default" && e.rawPath.startsWith(`/${stage}/`) ? e.rawPath.slice(stage.length + 1) : e.rawPath;
      return {
        shape, event: e, method: e.requestContext.http.method.toUpperCase(), path,
        headers: lowerHeaders(e.headers),
        query: firstValues(e.queryStringParameters),
        body: decodeBody(e.body, e.isBase64Encoded),
      };
    }
    case "alb": {
      const e = event as ALBEvent;
      return {
        shape, event: e, method: e.httpMethod.toUpperCase(), path: e.path,
        headers: lowerHeaders(e.headers, e.multiValueHeaders),
        query: Object.fromEntries(Object.entries(firstValues(e.queryStringParameters, e.multiValueQueryStringParameters)).map(([k, v]) => [k, safeDecode(v)])),
        body: decodeBody(e.body, e.isBase64Encoded),
      };
    }
    case undefined:
      throw new BadRequest("unrecognized event");
    default: {
      const unreachable: never = shape;
      throw new BadRequest(`unrecognized event ${unreachable}`);
    }
  }
}

/** ALB passes query values URL-encoded as received. */
function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, " "));
  } catch {
    return v;
  }
}

/** A strong entity tag for a version: `"<version>"`. */
export const etag = (version: string) => `"${version}"`;

/**
 * The versions an If-Match header accepts: undefined when absent or `*` (any current note).
 * Weak tags (`W/"..."`) never match, because If-Match uses the strong comparison; they come back
 * as `W/<tag>`, which no version equals. RFC 9110 §13.1.1, §8.8.3.2.
 */
export function ifMatch(headers: Record<string, string>): string[] | undefined {
  const value = headers["if-match"];
  if (value === undefined || value.trim() === "*") return undefined;
  const tags: string[] = [];
  const entityTag = /[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(,|$)/y;
  let m: RegExpExecArray | null;
  while (entityTag.lastIndex < value.length && (m = entityTag.exec(value))) tags.push(m[1] ? `W/${m[2]}` : m[2]);
  if (tags.length === 0 || entityTag.lastIndex < value.length) throw new BadRequest('If-Match: must be * or entity tags such as "3f2a9c0d1b4e5f60", as ETag gave them');
  return tags;
}

const REASONS: Record<number, string> = {
  200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
  404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed", 413: "Payload Too Large", 415: "Unsupported Media Type",
  500: "Internal Server Error", 503: "Service Unavailable",
};

/** The response in the shape of the event it answers (ALB: status line, and multi-value headers if asked that way). */
export function respond(event: unknown, res: ApiResponse, corsOrigin?: string): AnyResult {
  const headers: Record<string, string> = {
    ...(res.body !== undefined ? { "Content-Type": "application/json" } : {}),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    // A browser script may read only the headers listed here besides the CORS-safelisted ones.
    ...(corsOrigin ? { "Access-Control-Allow-Origin": corsOrigin, "Access-Control-Expose-Headers": API_RESPONSE_HEADERS.join(", "), Vary: "Origin" } : {}),
    ...res.headers,
  };
  const body = res.body === undefined ? "" : JSON.stringify(res.body);
  if (shapeOf(event) === "alb") {
    const statusDescription = `${res.status} ${REASONS[res.status] ?? ""}`.trim();
    if ((event as ALBEvent).multiValueHeaders) {
      return { statusCode: res.status, statusDescription, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), body, isBase64Encoded: false };
    }
    return { statusCode: res.status, statusDescription, headers, body, isBase64Encoded: false };
  }
  return { statusCode: res.status, headers, body, isBase64Encoded: false };
}
