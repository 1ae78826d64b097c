import { X509Certificate, randomUUID } from "crypto";

/**
 * Lambda events built from an HTTP request, in the three shapes AWS sends the one function:
 * - REST API proxy integration, payload 1.0:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * - HTTP API, payload format 2.0:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
 * - Application Load Balancer target:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#receive-event-from-load-balancer
 * Local gateways and the benchmark use them; what the gateway verified goes into `requestContext`
 * exactly where AWS puts it.
 */

/** An HTTP request as a local gateway received it. */
export interface IncomingRequest {
  method: string;
  /** The path without the stage and without the query string. */
  path: string;
  /** The full path exactly as sent (percent-encoded, stage included): what a SigV4 signature covers. */
  rawPath?: string;
  /** The raw query string, without `?`. */
  rawQuery?: string;
  /** Header names as received; repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  sourceIp?: string;
  /** The client certificate the TLS layer verified (a mutual-TLS custom domain), as API Gateway hands it on. */
  clientCert?: GatewayClientCert;
  /** The local port the request came in on, and over which scheme: the host a signature must name (sigv4.ts). */
  receivedOn?: ReceivedOn;
}

/** Where a local server received a request: its port on 127.0.0.1, and whether over TLS. */
export interface ReceivedOn {
  port: number;
  tls: boolean;
}

/** What API Gateway hands on of a client certificate it verified during mutual TLS. */
export interface GatewayClientCert {
  clientCertPem: string;
  subjectDN: string;
  issuerDN: string;
  serialNumber: string;
  validity: { notBefore: string; notAfter: string };
}

/**
 * A verified client certificate as API Gateway puts it into events (REST
 * `requestContext.identity.clientCert`, HTTP API `requestContext.authentication.clientCert`):
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 * AWS shows the fields in sample events only, so their formats follow the samples:
 * - `subjectDN`, `issuerDN`: the name's attributes in the order the certificate encodes them,
 *   comma-joined without spaces (`C=US,ST=Washington,L=Seattle,O=Amazon Web Services,OU=Security,CN=My Client`).
 *   How AWS escapes a comma inside a value is not documented: the RFC 4514 escapes OpenSSL
 *   writes (`\,`) are kept.
 * - `serialNumber`: `"1"` for serial 1 and `"a1:a1:…:a1"` for a 16-byte one in AWS's samples, which
 *   is how OpenSSL prints a serial: in decimal when it fits in a signed 64-bit integer, else as
 *   colon-separated lower-case hex bytes. Undocumented; OpenSSL's rule is the one kept.
 * - `validity`: OpenSSL's date format, `Aug 29 00:28:21 2020 GMT` (a one-digit day padded with a space).
 */
export function gatewayClientCert(cert: X509Certificate): GatewayClientCert {
  return {
    clientCertPem: cert.toString(),
    subjectDN: distinguishedName(cert.subject),
    issuerDN: distinguishedName(cert.issuer),
    serialNumber: opensslSerial(cert.serialNumber),
    validity: { notBefore: cert.validFrom, notAfter: cert.validTo },
  };
}

/** A name as Node prints it (one attribute a line, in encoded order) as AWS writes it: comma-joined. */
export const distinguishedName = (name: string) => name.split("\n").join(",");

/** A serial (hex, as Node gives it) as OpenSSL prints it: decimal up to 2^63 - 1, else `xx:xx:…`. */
export function opensslSerial(hex: string): string {
  const even = hex.length % 2 ? `0${hex}` : hex;
  const value = BigInt(`0x${even}`);
  if (even.length / 2 <= 8 && value < 2n ** 63n) return value.toString(10);
  return (even.toLowerCase().match(/../g) ?? []).join(":");
}

/** Media types whose bodies a gateway passes as text; anything else is base64. */
const TEXT = /^(application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml)|text\/)/i;

function bodyOf(req: IncomingRequest): { body: string | null; isBase64Encoded: boolean } {
  if (!req.body || req.body.length === 0) return { body: null, isBase64Encoded: false };
  const type = headerValue(req.headers, "content-type") ?? "";
  return TEXT.test(type)
    ? { body: req.body.toString("utf8"), isBase64Encoded: false }
    : { body: req.body.toString("base64"), isBase64Encoded: true };
}

/** The first value of a header, by case-insensitive name. */
export function headerValue(headers: IncomingRequest["headers"], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The one value of a header sent more than once, as each API Gateway flavour takes it. Authorizers, their
 * identity sources and cache keys, mappings, API keys and the Lambda event all read this value (through
 * `headerAs` in http.ts, or the event builders here), so no step can check one value while another
 * sees a different one:
 * - REST (payload 1.0): the last value; `multiValueHeaders` lists them all.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * - HTTP API (payload 2.0): "Duplicate headers are combined with commas."
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.proxy-format
 */
export const REPEATED_HEADER = {
  rest: (values: string[]) => values[values.length - 1],
  httpApi: (values: string[]) => values.join(","),
} as const;

function singleAndMulti(headers: IncomingRequest["headers"]) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    single[k] = REPEATED_HEADER.rest(values);
    multi[k] = values;
  }
  return { single, multi };
}

function queryMaps(raw: string | undefined, decode: boolean) {
  if (!raw) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const part of raw.split("&").filter(Boolean)) {
    const eq = part.indexOf("=");
    const [k, v] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    const key = decode ? safeDecode(k) : k;
    const value = decode ? safeDecode(v) : v;
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v.replace(/\+/g, " "));
  } catch {
    return v;
  }
}

const now = () => new Date();
/** `17/Jun/2024:15:08:18 +0000`, the REST requestTime format. */
function clf(d: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:` +
    `${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ` +
    `+0000`
  );
}

/** The REST `requestContext.identity` with every field AWS sends, null unless given. */
export function restIdentity(fields: Record<string, unknown> = {}, req?: IncomingRequest): Record<string, unknown> {
  return {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    apiKey: null,
    apiKeyId: null,
    principalOrgId: null,
    sourceIp: req?.sourceIp ?? "127.0.0.1",
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: req ? (headerValue(req.headers, "user-agent") ?? null) : null,
    user: null,
    accessKey: null,
    clientCert: req?.clientCert ?? null,
    ...fields,
  };
}

export interface RestContext {
  apiId: string;
  stage: string;
  accountId: string;
  /** The matched resource, e.g. `/notes/{id}`. */
  resourcePath: string;
  pathParameters: Record<string, string> | null;
  /** `requestContext.authorizer`: user pool claims, or a Lambda authorizer's principalId and context. */
  authorizer?: Record<string, unknown> | null;
  /** Fields of `requestContext.identity` the gateway filled (IAM caller, API key id, …). */
  identity?: Record<string, unknown>;
}

/** A REST API proxy event (payload 1.0). */
export function restV1Event(req: IncomingRequest, ctx: RestContext): Record<string, unknown> {
  const { single, multi } = singleAndMulti(req.headers);
  const query = queryMaps(req.rawQuery, true);
  const at = now();
  const host = headerValue(req.headers, "host") ?? `${ctx.apiId}.execute-api.us-east-1.amazonaws.com`;
  return {
    resource: ctx.resourcePath,
    path: req.path,
    httpMethod: req.method,
    headers: Object.keys(single).length ? single : null,
    multiValueHeaders: Object.keys(multi).length ? multi : null,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: ctx.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: "local",
      resourcePath: ctx.resourcePath,
      httpMethod: req.method,
      extendedRequestId: randomUUID(),
      requestTime: clf(at),
      path: `/${ctx.stage}${req.path}`,
      accountId: ctx.accountId,
      protocol: "HTTP/1.1",
      stage: ctx.stage,
      domainPrefix: host.split(".")[0],
      requestTimeEpoch: at.getTime(),
      requestId: randomUUID(),
      identity: restIdentity(ctx.identity, req),
      domainName: host,
      apiId: ctx.apiId,
      ...(ctx.authorizer ? { authorizer: ctx.authorizer } : {}),
    },
    ...bodyOf(req),
  };
}

/**
 * The input of a REST `REQUEST` Lambda authorizer: the request's headers, query, path parameters
 * and request context, with `type` and the `methodArn` of the call.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
 */
export function restAuthorizerEvent(
  req: IncomingRequest,
  ctx: RestContext,
  methodArn: string,
): Record<string, unknown> {
  const { body: _body, isBase64Encoded: _b64, ...request } = restV1Event(req, ctx);
  return { type: "REQUEST", methodArn, ...request };
}

export interface HttpContext {
  apiId: string;
  /** `$default` or a stage name. */
  stage: string;
  accountId: string;
  /** `GET /notes/{id}` */
  routeKey: string;
  pathParameters?: Record<string, string>;
  /** `requestContext.authorizer`, e.g. `{ jwt: { claims, scopes } }`. */
  authorizer?: Record<string, unknown>;
}

/** An HTTP API event (payload format 2.0): header names lower-case, repeated values comma-joined. */
export function httpV2Event(req: IncomingRequest, ctx: HttpContext): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    if (k.toLowerCase() === "cookie") cookies.push(...values.flatMap((c) => c.split(/;\s*/)));
    else headers[k.toLowerCase()] = REPEATED_HEADER.httpApi(values);
  }
  const query = queryMaps(req.rawQuery, true);
  const at = now();
  const host = headers.host ?? `${ctx.apiId}.execute-api.us-east-1.amazonaws.com`;
  const rawPath = ctx.stage === "$default" ? req.path : `/${ctx.stage}${req.path}`;
  const { body, isBase64Encoded } = bodyOf(req);
  return {
    version: "2.0",
    routeKey: ctx.routeKey,
    rawPath,
    rawQueryString: req.rawQuery ?? "",
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(query.single
      ? { queryStringParameters: Object.fromEntries(Object.entries(query.multi!).map(([k, v]) => [k, v.join(",")])) }
      : {}),
    requestContext: {
      accountId: ctx.accountId,
      apiId: ctx.apiId,
      ...(req.clientCert ? { authentication: { clientCert: req.clientCert } } : {}),
      ...(ctx.authorizer ? { authorizer: ctx.authorizer } : {}),
      domainName: host,
      domainPrefix: host.split(".")[0],
      http: {
        method: req.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: req.sourceIp ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: ctx.routeKey,
      stage: ctx.stage,
      time: clf(at),
      timeEpoch: at.getTime(),
    },
    ...(ctx.pathParameters ? { pathParameters: ctx.pathParameters } : {}),
    ...(body !== null ? { body } : {}),
    isBase64Encoded,
  };
}

/**
 * An ALB target event. With multi-value headers on, headers and query come as lists; query
 * values stay URL-encoded as received, as the ALB passes them.
 */
export function albTargetEvent(
  req: IncomingRequest,
  ctx: { targetGroupArn: string; multiValueHeaders: boolean },
): Record<string, unknown> {
  const { single, multi } = singleAndMulti(
    Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
  );
  const query = queryMaps(req.rawQuery, false);
  const { body, isBase64Encoded } = bodyOf(req);
  const common = {
    requestContext: { elb: { targetGroupArn: ctx.targetGroupArn } },
    httpMethod: req.method,
    path: req.path,
    body: body ?? "",
    isBase64Encoded,
  };
  return ctx.multiValueHeaders
    ? { ...common, multiValueQueryStringParameters: query.multi ?? {}, multiValueHeaders: multi }
    : { ...common, queryStringParameters: query.single ?? {}, headers: single };
}
