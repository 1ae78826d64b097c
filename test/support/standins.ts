import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";

/**
 * Loopback stand-ins for a storage service in trouble, started by the tests on free ports of
 * 127.0.0.1: one that refuses connections, one that never answers, and a proxy in front of
 * dynalite (or any HTTP service) that misbehaves as a plan says, per call.
 */
export interface StandIn {
  endpoint: string;
  /** What arrived, in order: the DynamoDB operation (X-Amz-Target) or `METHOD path`. */
  calls: string[];
  /** The headers of each call, in the same order. */
  headers: http.IncomingHttpHeaders[];
  /** Most requests that were in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

const listen = (server: net.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

/** An endpoint nobody listens on: connections are refused at once. */
export async function refusingEndpoint(): Promise<string> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

function opOf(req: http.IncomingMessage): string {
  const target = req.headers["x-amz-target"];
  return typeof target === "string"
    ? target.split(".").pop()!
    : `${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`;
}

/** What the proxy does with one call (the n-th, from 1): by default it forwards. */
export type Fault =
  | { kind: "answer"; status: number; body: string; contentType?: string }
  | { kind: "hang" }
  /** Wait, then forward, but only if the client is still there (a request that never reached the service otherwise). */
  | { kind: "slow"; delayMs: number }
  /** Forward (the service does the work), then never answer: the client cannot know it happened. */
  | { kind: "lose-answer" };

export type Plan = (call: number, op: string) => Fault | undefined;

/** A DynamoDB JSON-protocol error answer, as DynamoDB sends it. */
export function dynamoError(type: string, message: string, status = 400): Fault {
  return {
    kind: "answer",
    status,
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
    contentType: "application/x-amz-json-1.0",
  };
}

/**
 * A proxy to `target` that follows `plan` for each call. Without a target it answers 204 to
 * whatever it forwards (an S3 stand-in that deletes anything).
 */
export async function proxyStandIn(target: string | undefined, plan: Plan = () => undefined): Promise<StandIn> {
  let n = 0;
  let inFlight = 0;
  const sockets = new Set<net.Socket>();
  const standIn: StandIn = { endpoint: "", calls: [], headers: [], maxInFlight: 0, close: async () => undefined };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const op = opOf(req);
    standIn.calls.push(op);
    standIn.headers.push(req.headers);
    inFlight++;
    standIn.maxInFlight = Math.max(standIn.maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const fault = plan(++n, op);
    if (fault?.kind === "hang") return;
    if (fault?.kind === "answer") {
      res.writeHead(fault.status, { "content-type": fault.contentType ?? "application/json" });
      res.end(fault.body);
      return;
    }
    if (fault?.kind === "slow") {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (req.socket.destroyed) return;
    }
    if (!target) {
      res.writeHead(204);
      res.end();
      return;
    }
    const upstream = await forward(target, req, Buffer.concat(chunks));
    if (fault?.kind === "lose-answer") return;
    res.writeHead(upstream.status, { "content-type": upstream.contentType });
    res.end(upstream.body);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  standIn.endpoint = `http://127.0.0.1:${await listen(server)}`;
  standIn.close = () => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  };
  return standIn;
}

/** A stand-in that accepts connections and requests and never answers any. */
export const hangingStandIn = () => proxyStandIn(undefined, () => ({ kind: "hang" }));

function forward(
  target: string,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; contentType: string; body: Buffer }> {
  const url = new URL(target);
  return new Promise((resolve, reject) => {
    const out = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: url.host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? "application/json"),
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}
