import { randomUUID } from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import { headerValue, IncomingRequest } from "../gateways/events";
import { GatewayReply, listen } from "../gateways/http";
import type { RecordedProgram } from "../recorded";
import type { LocalIam } from "./iam";
import { xmlEscape } from "./protocol";
import { LocalFaults, s3Throttled } from "./faults";
import { claimedAccessKey, hostNamesThisServer } from "./sigv4";

/**
 * S3 for attachments: @20minutes/s3rver (the maintained s3rver fork, which verifies SigV4
 * signatures, signed headers included: a presigned PUT with another content type or length is
 * refused, as S3 does). Buckets and their CORS rules come from the recorded `Bucket` and
 * `BucketCorsConfiguration` resources; objects are kept on disk under `directory`.
 */
export interface LocalS3 {
  /** http://127.0.0.1:<port>: what AWS_ENDPOINT_URL_S3 points at (path-style URLs). */
  endpoint: string;
  /** The credentials this S3 accepts (s3rver's built-in account). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  buckets: string[];
  /** Each bucket's recorded CORS rules (BucketCorsConfiguration), in order; a bucket without any has none. */
  cors: Map<string, CorsRule[]>;
  /** Lets s3rver verify signatures of credentials the local services issued (it knows only its own account). */
  trust(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  close(): Promise<void>;
}

/** s3rver's built-in account: the only keys it accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** A CORS rule as a BucketCorsConfiguration records it. */
export interface CorsRule {
  allowedHeaders?: string[];
  allowedMethods: string[];
  allowedOrigins: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

/**
 * A BucketCorsConfiguration's rules as S3's CORSConfiguration XML.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 */
export function corsXml(rules: CorsRule[]): string {
  const tags = (name: string, values: string[] = []) =>
    values.map((v) => `<${name}>${xmlEscape(v)}</${name}>`).join("");
  return `<CORSConfiguration>${rules
    .map(
      (r) =>
        `<CORSRule>${tags("AllowedOrigin", r.allowedOrigins)}${tags("AllowedMethod", r.allowedMethods)}` +
        `${tags("AllowedHeader", r.allowedHeaders)}` +
        (`${tags("ExposeHeader", r.exposeHeaders)}` +
          `${r.maxAgeSeconds !== undefined ? `<MaxAgeSeconds>${r.maxAgeSeconds}</MaxAgeSeconds>` : ""}</CORSRule>`),
    )
    .join("")}</CORSConfiguration>`;
}

export async function startS3(program: RecordedProgram, directory: string, others: string[] = []): Promise<LocalS3> {
  fs.mkdirSync(directory, { recursive: true });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const S3rver = require("@20minutes/s3rver");
  const cors = new Map<string, CorsRule[]>();
  const buckets = program.ofType("aws:s3/bucket:Bucket").map((b) => {
    const name = String(program.stateOf(b).bucket);
    const configs = program
      .ofType("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
      .filter((c) => c.inputs.bucket === name)
      .map((c) => (c.inputs.corsRules ?? []) as CorsRule[]);
    if (configs.length) cors.set(name, configs.flat());
    return { name, configs: configs.map(corsXml) };
  });
  for (const name of others) if (!buckets.some((b) => b.name === name)) buckets.push({ name, configs: [] });
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets });
  const address = (await s3.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: S3RVER_CREDENTIALS,
    buckets: buckets.map((b) => b.name),
    cors,
    trust: ({ accessKeyId, secretAccessKey }) => {
      // s3rver's own account registry (lib/models/account.js): the keys it verifies signatures with.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      require("@20minutes/s3rver/lib/models/account").DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
    },
    close: async () => {
      s3.httpServer?.closeAllConnections?.();
      await s3.close();
    },
  };
}

/**
 * The IAM action and resource of a path-style S3 request, by method, path and subresource.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export function s3Action(method: string, rawPath: string, rawQuery = ""): { action: string; resource: string } {
  const [bucket, ...rest] = rawPath.replace(/^\//, "").split("/");
  const key = rest.map(decodeURIComponent).join("/");
  const query = new URLSearchParams(rawQuery);
  if (!bucket) return { action: "s3:ListAllMyBuckets", resource: "*" };
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (key) {
    const resource = `${bucketArn}/${key}`;
    switch (method) {
      case "GET":
      case "HEAD":
        return { action: "s3:GetObject", resource };
      case "DELETE":
        return { action: query.has("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject", resource };
      default:
        // PUT, and POST ?uploads / ?uploadId (multipart uploads are s3:PutObject).
        return { action: "s3:PutObject", resource };
    }
  }
  if (query.has("cors"))
    return { action: method === "GET" ? "s3:GetBucketCORS" : "s3:PutBucketCORS", resource: bucketArn };
  // DeleteObjects (POST ?delete) is s3:DeleteObject on each key; the bucket's objects stand for them.
  if (method === "POST" && query.has("delete")) return { action: "s3:DeleteObject", resource: `${bucketArn}/*` };
  switch (method) {
    case "PUT":
      return { action: "s3:CreateBucket", resource: bucketArn };
    case "DELETE":
      return { action: "s3:DeleteBucket", resource: bucketArn };
    default:
      return { action: "s3:ListBucket", resource: bucketArn };
  }
}

const s3Error = (code: string, message: string, status = 403): GatewayReply => ({
  status,
  headers: { "content-type": "application/xml" },
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
      `<RequestId>${randomUUID()}</RequestId></Error>`,
  ),
});

/** S3's wildcard: one `*` in an AllowedOrigin or AllowedHeader matches any characters. */
const wildcard = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(value);

/**
 * The first of a bucket's CORS rules that matches a browser's request, as S3 picks it: the `Origin` matches one of
 * its AllowedOrigins, the method (a preflight's `Access-Control-Request-Method`) is one of its AllowedMethods, and
 * every header a preflight lists in `Access-Control-Request-Headers` matches one of its AllowedHeaders (header names
 * compare case-insensitively).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
export function matchingCorsRule(
  rules: CorsRule[],
  origin: string,
  method: string,
  headers: string[] = [],
): CorsRule | undefined {
  return rules.find(
    (r) =>
      r.allowedOrigins.some((o) => wildcard(o, origin)) &&
      r.allowedMethods.includes(method.toUpperCase()) &&
      headers.every((h) => (r.allowedHeaders ?? []).some((a) => wildcard(a.toLowerCase(), h.toLowerCase()))),
  );
}

/** The origin S3 allows for a rule: `*` for a rule that allows any origin, else the request's own (never `*`). */
const allowOrigin = (rule: CorsRule, origin: string): Record<string, string> =>
  rule.allowedOrigins.includes("*")
    ? { "access-control-allow-origin": "*" }
    : { "access-control-allow-origin": origin, "access-control-allow-credentials": "true" };

const VARY = { vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method" };

/**
 * A browser's preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), answered from the bucket's
 * recorded CORS rules, as S3 answers it: 200 with the matching rule's methods, the requested headers and its max
 * age, or 403 (no rule matches, or the bucket has no CORS configuration); 400 without the two headers.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
 */
export function s3Preflight(rules: CorsRule[] | undefined, req: IncomingRequest): GatewayReply {
  const origin = headerValue(req.headers, "origin");
  const method = headerValue(req.headers, "access-control-request-method");
  if (!origin) return s3Error("BadRequest", "Insufficient information. Origin request header needed.", 400);
  if (!method) return s3Error("BadRequest", "Invalid Access-Control-Request-Method: null", 400);
  if (!rules) return s3Error("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.");
  const asked = (headerValue(req.headers, "access-control-request-headers") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const rule = matchingCorsRule(rules, origin, method, asked);
  if (!rule)
    return s3Error(
      "AccessForbidden",
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request " +
        "method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the " +
        "resource's CORS spec.",
    );
  return {
    status: 200,
    headers: {
      ...allowOrigin(rule, origin),
      "access-control-allow-methods": rule.allowedMethods.join(", "),
      ...(asked.length ? { "access-control-allow-headers": asked.join(", ") } : {}),
      ...(rule.maxAgeSeconds !== undefined ? { "access-control-max-age": String(rule.maxAgeSeconds) } : {}),
      ...VARY,
    },
    body: Buffer.alloc(0),
  };
}

/**
 * A cross-origin request's answer with the CORS headers of the bucket's matching rule (its origin, its exposed
 * headers), or none when no rule matches, so the browser keeps the answer from the page (S3 still served it).
 * s3rver's own CORS headers are replaced (it answers preflights with `*`).
 */
export function withS3Cors(reply: GatewayReply, rules: CorsRule[] | undefined, origin: string, method: string) {
  const headers = Object.fromEntries(
    Object.entries(reply.headers ?? {}).filter(([k]) => !/^(access-control-|vary$)/i.test(k)),
  );
  const rule = rules && matchingCorsRule(rules, origin, method);
  return {
    ...reply,
    headers: rule
      ? {
          ...headers,
          ...allowOrigin(rule, origin),
          ...(rule.exposeHeaders?.length ? { "access-control-expose-headers": rule.exposeHeaders.join(", ") } : {}),
          ...VARY,
        }
      : headers,
  };
}

/**
 * S3's front, locally: a signed request (header or presigned URL) must carry credentials the local
 * services issued (else InvalidAccessKeyId), with their session token (else InvalidToken), and the
 * caller's RECORDED identity policies must allow the request's action on the bucket or object (else
 * AccessDenied, 403); s3rver, which knows exactly the issued keys, then verifies the signature itself
 * (SignatureDoesNotMatch). s3rver's own built-in account is refused. Unsigned requests go to s3rver as
 * they came. The bucket policy is not evaluated (local mode is plain HTTP; the recorded one only
 * denies insecure transport).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html
 */
export async function guardS3(
  backend: LocalS3,
  deps: { iam: LocalIam; log(line: string): void; faults?: LocalFaults },
): Promise<LocalS3> {
  const operator = deps.iam.issue(deps.iam.operator(), { longTerm: true });
  backend.trust(operator);
  const server = await listen(
    0,
    async (req) => {
      // Browsers: S3 answers preflights itself and adds the matching rule's headers to every answer.
      const rules = backend.cors.get((req.rawPath ?? req.path).split("/")[1]);
      if (req.method === "OPTIONS") return s3Preflight(rules, req);
      const origin = headerValue(req.headers, "origin");
      const reply = await guarded(req);
      return origin ? withS3Cors(reply, rules, origin, req.method) : reply;
    },
    deps.log,
  );
  /** The request as S3 authorizes it (a fault first), then s3rver's answer. */
  async function guarded(req: IncomingRequest): Promise<GatewayReply> {
    // A fault of the service (services/faults.ts) comes first, as an overloaded or unreachable S3 would.
    const faulted = await deps.faults?.apply("s3", () => s3Throttled(randomUUID()));
    if (faulted) return faulted;
    const rawPath = req.rawPath ?? req.path;
    const query = new URLSearchParams(req.rawQuery ?? "");
    const accessKeyId = claimedAccessKey(req) ?? query.get("X-Amz-Credential")?.split("/")[0];
    if (accessKeyId !== undefined) {
      const creds = deps.iam.lookup(accessKeyId);
      if (!creds)
        return s3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
      const token = headerValue(req.headers, "x-amz-security-token") ?? query.get("X-Amz-Security-Token") ?? undefined;
      if ((creds.sessionToken ?? undefined) !== token)
        return s3Error("InvalidToken", "The provided token is malformed or otherwise invalid.", 400);
      if (creds.expiration !== undefined && creds.expiration <= Date.now())
        return s3Error("ExpiredToken", "The provided token has expired.", 400);
      // The signature covers the Host (sigv4.ts, hostNamesThisServer); s3rver itself takes any Host.
      if (req.receivedOn && !hostNamesThisServer(headerValue(req.headers, "host"), req.receivedOn))
        return s3Error(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided. Check your key and " +
            "signing method.",
        );
      const { action, resource } = s3Action(req.method, rawPath, req.rawQuery);
      const decision = await deps.iam.allows(creds.principal, action, resource);
      if (decision !== "Allowed") {
        deps.log(`S3: ${creds.principal.arn} may not ${action} on ${resource} (${decision})`);
        return s3Error("AccessDenied", "Access Denied");
      }
      backend.trust(creds);
    }
    return forward(backend.endpoint, req);
  }
  return {
    ...backend,
    endpoint: server.origin,
    credentials: { accessKeyId: operator.accessKeyId, secretAccessKey: operator.secretAccessKey },
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}

/** The request, as received (its Host header included: the signature covers it), to s3rver. */
function forward(endpoint: string, req: IncomingRequest): Promise<GatewayReply> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const out = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: `${req.rawPath ?? req.path}${req.rawQuery ? `?${req.rawQuery}` : ""}`,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([k, v]) => v !== undefined && k.toLowerCase() !== "connection"),
        ) as http.OutgoingHttpHeaders,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && !["connection", "transfer-encoding", "content-length"].includes(k)) headers[k] = v;
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    out.on("error", reject);
    out.end(req.body);
  });
}
