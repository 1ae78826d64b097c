import { createHash, createHmac } from "crypto";

/** Makes a presigned PUT URL bound to one key, content type and exact length. */
export type Presigner = (key: string, contentType: string, size: number, expiresInSeconds: number) => Promise<string>;

/** Deletes objects by key; resolves when every one is gone (or was already). */
export type ObjectRemover = (keys: string[]) => Promise<void>;

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3PresignOptions {
  bucket: string;
  region: string;
  /** Lambda puts the function role's credentials in the environment. */
  credentials: () => SigningCredentials;
  /** AWS_ENDPOINT_URL_S3 (path-style), for local S3 stand-ins; default virtual-hosted AWS. */
  endpoint?: string;
  now?: () => Date;
}

/** RFC 3986 encoding as SigV4 wants it (keep / in paths when asked). */
function uriEncode(s: string, keepSlash = false): string {
  const encoded = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, "/") : encoded;
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");

/**
 * A SigV4 query-presigned S3 PutObject URL, with content-type and content-length signed so the
 * upload must match what the API approved. Written against node's crypto instead of the S3
 * client, which costs ~60 ms of cold start to load; a test checks it against @smithy/signature-v4.
 */
export function presignPutObject(opts: S3PresignOptions, key: string, contentType: string, size: number, expiresIn: number): string {
  return presignObject(opts, "PUT", key, expiresIn, { "content-length": String(size), "content-type": contentType.trim() });
}

/** A SigV4 query-presigned URL for one object operation; `headers` are signed besides host. */
export function presignObject(opts: S3PresignOptions, method: "PUT" | "DELETE", key: string, expiresIn: number, headers: Record<string, string> = {}): string {
  const creds = opts.credentials();
  const now = (opts.now ?? (() => new Date()))();
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${opts.region}/s3/aws4_request`;
  const base = opts.endpoint ? new URL(opts.endpoint) : new URL(`https://${opts.bucket}.s3.${opts.region}.amazonaws.com`);
  const path = `${opts.endpoint ? `/${opts.bucket}` : ""}/${uriEncode(key, true)}`;
  const signed: Record<string, string> = { ...headers, host: base.host };
  const signedNames = Object.keys(signed).sort();
  const query: Record<string, string> = {
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    "X-Amz-Credential": `${creds.accessKeyId}/${scope}`,
    "X-Amz-Date": amzDate,
    "X-Amz-Expires": String(expiresIn),
    ...(creds.sessionToken ? { "X-Amz-Security-Token": creds.sessionToken } : {}),
    "X-Amz-SignedHeaders": signedNames.join(";"),
    "x-id": method === "PUT" ? "PutObject" : "DeleteObject",
  };
  const canonicalQuery = Object.keys(query).sort().map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`).join("&");
  const canonicalHeaders = signedNames.map((h) => `${h}:${signed[h]}\n`).join("");
  const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, signedNames.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), opts.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
  return `${base.protocol}//${base.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/** Credentials of the function's role, as Lambda provides them in the environment. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): SigningCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error("no AWS credentials in the environment");
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

export function s3Presigner(opts: S3PresignOptions): Presigner {
  return async (key, contentType, size, expiresIn) => presignPutObject(opts, key, contentType, size, expiresIn);
}

/** Deletes objects with presigned DELETE requests (no S3 client to load); 404 counts as gone. */
export function s3Remover(opts: S3PresignOptions, send: typeof fetch = fetch): ObjectRemover {
  return async (keys) => {
    for (const key of keys) {
      const res = await send(presignObject(opts, "DELETE", key, 60), { method: "DELETE" });
      if (!res.ok && res.status !== 404) throw new Error(`S3 DeleteObject answered ${res.status}`);
    }
  };
}

/** The object key of an attachment: always under the owner's private prefix. */
export function attachmentKey(principalId: string, noteId: string, uploadId: string): string {
  return `private/${encodeURIComponent(principalId)}/${noteId}/${uploadId}`;
}
