import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { AmbiguousCredentials, BadRequest, PayloadTooLarge, UnsupportedMediaType } from "./errors";
import { CorsGrant, corsHeaders } from "./cors";

/** The three event shapes the one function receives. */
export type EventShape = "rest-v1" | "http-v2" | "alb";
export type AnyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;
export type AnyResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/** One request, whatever door it came through. Header names are lower-case. */
export interface ApiRequest {
  shape: EventShape;
  method: string;
  path: string;
  /**
   * The path as the client called it, stage or base path included (REST `requestContext.path`,
   * e.g. /v1/notes; HTTP API `rawPath`; ALB `path`): where links the client follows must point.
   */
  calledPath: string;
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
  /**
   * `Set-Cookie` values, one header each: in `multiValueHeaders` (ALB with multi-value headers, REST), or the
   * HTTP API's `cookies`. An ALB event without multi-value headers can carry only the last one.
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#multi-value-headers
   */
  cookies?: string[];
}

/** Largest request body accepted, in bytes (a note's content is at most 64 KiB). */
export const MAX_BODY_BYTES = 128 * 1024;

/** Which shape an event is, from the fields only that shape has. */
export function shapeOf(event: unknown): EventShape | undefined {
  const e = event as Record<string, any> | null;
  if (!e || typeof e !== "object") return undefined;
  if (e.requestContext?.elb?.targetGroupArn) return "alb";
  if (e.version === "2.0" && e.requestContext?.http?.method) return "http-v2";
  if (
    typeof e.httpMethod === "string" &&
    e.requestContext &&
    typeof e.requestContext === "object" &&
    !e.requestContext.elb
  )
    return "rest-v1";
  return undefined;
}

function lowerHeaders(
  single?: Record<string, string | undefined> | null,
  multi?: Record<string, string[] | undefined> | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi ?? {})) if (v && v.length > 0) out[k.toLowerCase()] = v[0];
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = v;
  return out;
}

function firstValues(
  single?: Record<string, string | undefined> | null,
  multi?: Record<string, string[] | undefined> | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(multi ?? {})) if (v && v.length > 0) out[k] = v[0];
  for (const [k, v] of Object.entries(single ?? {})) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** Refuses bytes that are not UTF-8 (instead of storing U+FFFD for them, as Buffer#toString would). */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeBody(body: string | null | undefined, base64: boolean): string | undefined {
  if (body === null || body === undefined || body === "") return undefined;
  const bytes = base64 ? Buffer.byteLength(body, "base64") : Buffer.byteLength(body, "utf8");
  if (bytes > MAX_BODY_BYTES)
    throw new PayloadTooLarge(`request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES}`);
  if (!base64) return body;
  try {
    return UTF8.decode(Buffer.from(body, "base64"));
  } catch {
    throw new BadRequest("body: not valid UTF-8");
  }
}

/** The headers that carry a credential: a request may hold each at most once. */
export const CREDENTIAL_HEADERS = ["authorization", "x-api-key"] as const;

/**
 * The log line of a request refused for a repeated credential header: which header, never its values (they are
 * credentials).
 */
export const repeatedCredentialEntry = (err: AmbiguousCredentials) => ({
  level: "warn" as const,
  message: "refused: a credential header is repeated",
  header: err.header,
  status: err.status,
});

/** One SigV4 Authorization header: its own commas separate its fields, not two headers. */
const SIGV4_AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=[^,\s]+, ?SignedHeaders=[^,\s]+, ?Signature=[0-9a-f]+$/;

/**
 * Refuses (401, AmbiguousCredentials) a request that carries a credential header more than once.
 * REST v1 and ALB with multi-value headers list every occurrence in `multiValueHeaders`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#multi-value-headers);
 * an HTTP API joins repeated headers with commas
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html:
 * "Duplicate headers are combined with commas"), and no bearer token or API key holds a comma.
 * An ALB target group without multi-value headers passes one value per name, so nothing is left to
 * compare there (the alb-oidc door's caller is the ALB-signed x-amzn-oidc-data, which the ALB sets itself).
 */
export function refuseRepeatedCredentials(
  shape: EventShape,
  single?: Record<string, string | undefined> | null,
  multi?: Record<string, string[] | undefined> | null,
): void {
  for (const name of CREDENTIAL_HEADERS) {
    if (shape === "http-v2") {
      const value = Object.entries(single ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
      if (
        value !== undefined &&
        value !== null &&
        value.includes(",") &&
        !(name === "authorization" && SIGV4_AUTHORIZATION.test(value))
      )
        throw new AmbiguousCredentials(name);
      continue;
    }
    const count = Object.entries(multi ?? {})
      .filter(([k]) => k.toLowerCase() === name)
      .reduce((n, [, v]) => n + (v?.length ?? 0), 0);
    if (count > 1) throw new AmbiguousCredentials(name);
  }
}

/** One ApiRequest from any of the three shapes. An event of no known shape is a 400. */
export function normalize(event: unknown): ApiRequest {
  const shape = shapeOf(event);
  switch (shape) {
    case "rest-v1": {
      const e = event as APIGatewayProxyEvent;
      refuseRepeatedCredentials(shape, e.headers, e.multiValueHeaders);
      return {
        shape,
        event: e,
        method: e.httpMethod.toUpperCase(),
        path: e.path,
        calledPath: e.requestContext.path ?? e.path,
        headers: lowerHeaders(e.headers, e.multiValueHeaders),
        query: firstValues(e.queryStringParameters, e.multiValueQueryStringParameters),
        body: decodeBody(e.body, e.isBase64Encoded),
      };
    }
    case "http-v2": {
      const e = event as APIGatewayProxyEventV2;
      refuseRepeatedCredentials(shape, e.headers);
      // rawPath carries the stage for named stages; the gateway says which stage it is.
      const stage = e.requestContext.stage;
      const path =
        stage && stage !== "$default" && e.rawPath.startsWith(`/${stage}/`)
          ? e.rawPath.slice(stage.length + 1)
          : e.rawPath;
      return {
        shape,
        event: e,
        method: e.requestContext.http.method.toUpperCase(),
        path,
        calledPath: e.rawPath,
        headers: lowerHeaders(e.headers),
        query: firstValues(e.queryStringParameters),
        body: decodeBody(e.body, e.isBase64Encoded),
      };
    }
    case "alb": {
      const e = event as ALBEvent;
      refuseRepeatedCredentials(shape, e.headers, e.multiValueHeaders);
      return {
        shape,
        event: e,
        method: e.httpMethod.toUpperCase(),
        path: e.path,
        calledPath: e.path,
        headers: lowerHeaders(e.headers, e.multiValueHeaders),
        query: Object.fromEntries(
          Object.entries(firstValues(e.queryStringParameters, e.multiValueQueryStringParameters)).map(([k, v]) => [
            k,
            safeDecode(v),
          ]),
        ),
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

/**
 * `application/json`, optionally with `charset=utf-8` (the only encoding JSON has, RFC 8259 §8.1);
 * `application/jsonp`, `application/json-patch+json` or any other parameter is another media type.
 */
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(;[ \t]*charset[ \t]*=[ \t]*("?)utf-8\2[ \t]*)?$/i;
export const isJsonMediaType = (contentType: string | undefined) =>
  contentType !== undefined && JSON_MEDIA_TYPE.test(contentType);

/** Methods that change something. */
export const isWrite = (method: string) =>
  method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";

/**
 * A write with a body must say it is JSON (415 otherwise), at every door. A body without that
 * Content-Type is what a cross-site form or a `fetch(..., { mode: "no-cors" })` sends: a CORS
 * "simple request", which no preflight guards, with the site's cookie at a cookie door.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header (only three content types are safelisted)
 */
export function requireJsonBody(req: ApiRequest): void {
  if (
    (req.method === "POST" || req.method === "PUT" || req.method === "PATCH") &&
    req.body !== undefined &&
    !isJsonMediaType(req.headers["content-type"])
  )
    throw new UnsupportedMediaType();
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
  if (tags.length === 0 || entityTag.lastIndex < value.length)
    throw new BadRequest('If-Match: must be * or entity tags such as "3f2a9c0d1b4e5f60", as ETag gave them');
  return tags;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The response in the shape of the event it answers (ALB: status line, and multi-value headers if asked that way). */
export function respond(event: unknown, res: ApiResponse, cors?: CorsGrant): AnyResult {
  const headers: Record<string, string> = {
    ...(res.body !== undefined ? { "Content-Type": "application/json" } : {}),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...corsHeaders(cors),
    ...res.headers,
  };
  const body = res.body === undefined ? "" : JSON.stringify(res.body);
  const cookies = res.cookies ?? [];
  const multiValueHeaders = () => ({
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    ...(cookies.length ? { "Set-Cookie": cookies } : {}),
  });
  const oneCookie: Record<string, string> = cookies.length ? { "Set-Cookie": cookies[cookies.length - 1] } : {};
  const shape = shapeOf(event);
  if (shape === "alb") {
    const statusDescription = `${res.status} ${REASONS[res.status] ?? ""}`.trim();
    if ((event as ALBEvent).multiValueHeaders) {
      return {
        statusCode: res.status,
        statusDescription,
        multiValueHeaders: multiValueHeaders(),
        body,
        isBase64Encoded: false,
      };
    }
    return {
      statusCode: res.status,
      statusDescription,
      headers: { ...headers, ...oneCookie },
      body,
      isBase64Encoded: false,
    };
  }
  if (shape === "http-v2")
    return { statusCode: res.status, headers, body, isBase64Encoded: false, ...(cookies.length ? { cookies } : {}) };
  if (cookies.length)
    return { statusCode: res.status, multiValueHeaders: multiValueHeaders(), body, isBase64Encoded: false };
  return { statusCode: res.status, headers, body, isBase64Encoded: false };
}
