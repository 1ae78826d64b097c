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
  /** Lets s3rver verify signatures of credentials the local services issued (it knows only its own account). */
  trust(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  close(): Promise<void>;
}

/** s3rver's built-in account: the only keys it accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * A BucketCorsConfiguration's rules as S3's CORSConfiguration XML.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 */
export function corsXml(
  rules: {
    allowedHeaders?: string[];
    allowedMethods: string[];
    allowedOrigins: string[];
    exposeHeaders?: string[];
    maxAgeSeconds?: number;
  }[],
): string {
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
  const buckets = program.ofType("aws:s3/bucket:Bucket").map((b) => ({
    name: String(program.stateOf(b).bucket),
    configs: program
      .ofType("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
      .filter((c) => c.inputs.bucket === program.stateOf(b).bucket)
      .map((c) => corsXml(c.inputs.corsRules ?? [])),
  }));
  for (const name of others) if (!buckets.some((b) => b.name === name)) buckets.push({ name, configs: [] });
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets });
  const address = (await s3.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    credentials: S3RVER_CREDENTIALS,
    buckets: buckets.map((b) => b.name),
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
        const token =
          headerValue(req.headers, "x-amz-security-token") ?? query.get("X-Amz-Security-Token") ?? undefined;
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
    },
    deps.log,
  );
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
