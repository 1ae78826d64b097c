import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import type { TLSSocket } from "tls";
import { IncomingRequest, REPEATED_HEADER, gatewayClientCert } from "./events";

/** What a local gateway answers: status, headers (repeated ones as lists) and body. */
export interface GatewayReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * A request whose path no gateway can decode: a `%` not followed by two hex digits, or escapes that are
 * not UTF-8. API Gateway and the ALB answer such a request 400 without running any route; so do the
 * local gateways (`listen`), with a JSON message.
 */
export class MalformedRequest extends Error {}

/** Thrown by a handler that answers nothing: `listen` ends the connection (a service that refuses it). */
export class DropConnection extends Error {}

function decodePath(raw: string): string {
  try {
    return decodeURI(raw);
  } catch {
    throw new MalformedRequest(`the path ${JSON.stringify(raw)} is not valid percent-encoded UTF-8`);
  }
}

/** A request as a gateway receives it, with the full path still including any stage. */
export async function readRequest(req: http.IncomingMessage): Promise<IncomingRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = decodePath(q < 0 ? url : url.slice(0, q));
  const headers: IncomingRequest["headers"] = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    const prev = headers[name];
    headers[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  // Over mutual TLS, the certificate the handshake verified (an unverified one never gets this far).
  const socket = req.socket as TLSSocket;
  const peer = socket.encrypted && socket.authorized ? socket.getPeerX509Certificate() : undefined;
  return {
    method: (req.method ?? "GET").toUpperCase(),
    path,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? undefined : url.slice(q + 1),
    headers,
    body: Buffer.concat(chunks),
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ""),
    ...(req.socket.localPort ? { receivedOn: { port: req.socket.localPort, tls: socket.encrypted === true } } : {}),
    ...(peer ? { clientCert: gatewayClientCert(peer) } : {}),
  };
}

export function send(res: http.ServerResponse, reply: GatewayReply): void {
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(reply.body.length) });
  res.end(reply.body);
}

/** `{"message": "..."}`, the body API Gateway gives its own error responses. */
export function messageReply(
  status: number,
  message: string | null,
  headers: Record<string, string> = {},
): GatewayReply {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

const bodyOf = (body: unknown, base64: unknown): Buffer =>
  typeof body !== "string"
    ? Buffer.alloc(0)
    : base64 === true
      ? Buffer.from(body, "base64")
      : Buffer.from(body, "utf8");

/**
 * A Lambda proxy integration's result as the HTTP response API Gateway sends.
 * - REST (payload 1.0): `statusCode`, `headers`, `multiValueHeaders`, `body`, `isBase64Encoded`;
 *   anything else is a malformed response, 502.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
 * - HTTP API (payload 2.0): the same plus `cookies`; a result without `statusCode` is taken as
 *   a 200 JSON body.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response
 * Undefined when the result is malformed.
 */
export function proxyResult(result: any, payloadVersion: "1.0" | "2.0"): GatewayReply | undefined {
  if (payloadVersion === "2.0" && (result === null || typeof result !== "object" || result.statusCode === undefined)) {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.from(typeof result === "string" ? result : JSON.stringify(result)),
    };
  }
  if (!result || typeof result !== "object" || !Number.isInteger(result.statusCode)) return undefined;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {}))
    headers[k.toLowerCase()] = (v as unknown[]).map(String);
  if (payloadVersion === "2.0" && Array.isArray(result.cookies) && result.cookies.length)
    headers["set-cookie"] = result.cookies.map(String);
  return { status: result.statusCode, headers, body: bodyOf(result.body, result.isBase64Encoded) };
}

/** A header's values by case-insensitive name. */
export function headerValues(headers: IncomingRequest["headers"], name: string): string[] {
  return Object.entries(headers)
    .filter(([k]) => k.toLowerCase() === name.toLowerCase())
    .flatMap(([, v]) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
}

/** A header's one value as an API Gateway flavour takes it when it is sent more than once (`REPEATED_HEADER`). */
export function headerAs(
  flavour: keyof typeof REPEATED_HEADER,
  headers: IncomingRequest["headers"],
  name: string,
): string | undefined {
  const values = headerValues(headers, name);
  return values.length ? REPEATED_HEADER[flavour](values) : undefined;
}

/**
 * Matches a path against `/a/{b}/c` templates: literal segments first, then `{param}`, then a
 * greedy `{proxy+}`, as both API Gateway REST and HTTP APIs prioritise.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html#http-api-develop-routes.evaluation
 */
export function matchTemplate(
  templates: string[],
  path: string,
): { template: string; params: Record<string, string> } | undefined {
  const segs = path.split("/").filter(Boolean);
  const candidates = templates
    .map((template) => ({ template, params: matchOne(template, segs) }))
    .filter((c) => c.params !== undefined);
  const rank = (t: string) =>
    t
      .split("/")
      .filter(Boolean)
      .map((s) => (s.endsWith("+}") ? 2 : s.startsWith("{") ? 1 : 0));
  candidates.sort((a, b) => {
    const [ra, rb] = [rank(a.template), rank(b.template)];
    for (let i = 0; i < Math.max(ra.length, rb.length); i++)
      if ((ra[i] ?? 3) !== (rb[i] ?? 3)) return (ra[i] ?? 3) - (rb[i] ?? 3);
    return 0;
  });
  return candidates[0] as { template: string; params: Record<string, string> } | undefined;
}

function matchOne(template: string, segs: string[]): Record<string, string> | undefined {
  const parts = template.split("/").filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.endsWith("+}")) {
      if (i >= segs.length) return undefined;
      params[part.slice(1, -2)] = segs.slice(i).join("/");
      return params;
    }
    if (i >= segs.length) return undefined;
    if (part.startsWith("{") && part.endsWith("}")) params[part.slice(1, -1)] = segs[i];
    else if (part !== segs[i]) return undefined;
  }
  return parts.length === segs.length ? params : undefined;
}

/**
 * A token bucket, the algorithm API Gateway throttles with: `burst` tokens at most, refilled at
 * `rate` per second; a request takes one or is refused (429).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface LocalServer {
  /** http://127.0.0.1:<port>, or https:// with `tls` */
  origin: string;
  close(): Promise<void>;
}

/** HTTPS with mutual TLS: the server's certificate and key (PEM); every client must present a certificate. */
export interface MutualTls {
  cert: string;
  key: string;
}

export interface ListeningServer extends LocalServer {
  /**
   * With mutual TLS: trusts exactly the CA certificates of this PEM bundle for client
   * certificates, from the next handshake on. Until it is called no client certificate is trusted.
   */
  trustClients?(bundle: string): void;
}

/**
 * Listens on 127.0.0.1 (port 0: a free one) and answers each request with `handle`; a path that cannot
 * be decoded is answered 400 (`MalformedRequest`), and any other error thrown there is logged and answered
 * with a 500. With `tls`, HTTPS that asks every client for a
 * certificate and ends the handshake of one that sends none or one no trusted CA issued
 * (`requestCert`, `rejectUnauthorized`): no request of theirs is read.
 */
export async function listen(
  port: number,
  handle: (req: IncomingRequest) => Promise<GatewayReply>,
  log: (line: string) => void,
  tls?: MutualTls,
): Promise<ListeningServer> {
  const answer: http.RequestListener = (req, res) => {
    void (async () => {
      try {
        send(res, await handle(await readRequest(req)));
      } catch (err) {
        if (err instanceof DropConnection) {
          log(`connection ended without an answer: ${err.message}`);
          return void req.socket.destroy();
        }
        if (err instanceof MalformedRequest) {
          log(`400: ${err.message}`);
          return send(res, messageReply(400, `Bad request: ${err.message}`));
        }
        log(`500: ${err instanceof Error ? err.stack : err}`);
        if (!res.headersSent) send(res, messageReply(500, "Internal server error"));
      }
    })();
  };
  // `ca: []` trusts no CA (without `ca`, Node would trust its public root CAs).
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true, ca: [] }, answer)
    : http.createServer(answer);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const running: LocalServer = {
    origin: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return tls
    ? {
        ...running,
        trustClients: (bundle) =>
          (server as https.Server).setSecureContext({ cert: tls.cert, key: tls.key, ca: bundle }),
      }
    : running;
}
