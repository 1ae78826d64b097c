import * as aws4 from "aws4";
import {
  AwsResponse,
  Clock,
  Credentials,
  awsDomain,
  RetryPolicy,
  errorType,
  sendWithRetries,
  systemClock,
} from "./aws";

/** Makes a presigned PUT URL bound to one key, content type and exact length. */
export type Presigner = (key: string, contentType: string, size: number, expiresInSeconds: number) => Promise<string>;

/** What became of each key a removal was asked to delete. */
export interface RemovalReport {
  deleted: string[];
  /** Keys still in the bucket (or not known to be gone), each with why. */
  failed: { key: string; error: string }[];
}

/** Deletes objects by key within a deadline; never throws, reports every key it could not delete. */
export type ObjectRemover = (keys: string[]) => Promise<RemovalReport>;

export interface S3Options {
  bucket: string;
  region: string;
  /** Lambda puts the function role's credentials in the environment. */
  credentials: () => Credentials;
  /** AWS_ENDPOINT_URL_S3 (path-style), for local stand-ins; default virtual-hosted AWS. */
  endpoint?: string;
  now?: () => Date;
}

/** RFC 3986 encoding of an object key, `/` kept, as S3 wants it in the path. */
function encodeKey(key: string): string {
  return key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/** The object's URL: path-style at a local endpoint, virtual-hosted at AWS. */
function objectUrl(opts: S3Options, key: string): URL {
  const base = opts.endpoint
    ? new URL(opts.endpoint)
    : new URL(`https://${opts.bucket}.s3.${opts.region}.${awsDomain(opts.region)}`);
  return new URL(`${base.protocol}//${base.host}${opts.endpoint ? `/${opts.bucket}` : ""}/${encodeKey(key)}`);
}

/**
 * A SigV4 query-presigned PutObject URL, signed by aws4, with content-type and content-length
 * signed besides host, so the upload must carry exactly the approved type and length.
 * Query as S3's own presigner sends it (x-id, x-amz-content-sha256: UNSIGNED-PAYLOAD); a test
 * checks the signature against @smithy/signature-v4.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
export function presignPutObject(
  opts: S3Options,
  key: string,
  contentType: string,
  size: number,
  expiresIn: number,
): string {
  const url = objectUrl(opts, key);
  const amzDate = (opts.now ?? (() => new Date()))()
    .toISOString()
    .replace(/[:-]|\.\d{3}/g, "");
  const query = `X-Amz-Date=${amzDate}&X-Amz-Expires=${expiresIn}&x-amz-content-sha256=UNSIGNED-PAYLOAD&x-id=PutObject`;
  const headers = { "content-length": String(size), "content-type": contentType.trim() };
  const signed = aws4.sign(
    {
      host: url.host,
      method: "PUT",
      service: "s3",
      region: opts.region,
      signQuery: true,
      path: `${url.pathname}?${query}`,
      headers,
    },
    opts.credentials(),
  );
  return `${url.protocol}//${url.host}${signed.path}`;
}

export function s3Presigner(opts: S3Options): Presigner {
  return async (key, contentType, size, expiresIn) => presignPutObject(opts, key, contentType, size, expiresIn);
}

/**
 * The S3 cleanup of a deleted note: 3 s in all (the function's timeout is 10 s, the store's own
 * deadline 3 s), at most 10 deletes in flight, each retried on 5xx (503 SlowDown included) and
 * network failures. At the cap of 50 attachments that is 5 rounds.
 */
export const S3_CLEANUP_POLICY: RetryPolicy & { concurrency: number } = {
  deadlineMs: 3000,
  attemptTimeoutMs: 1000,
  maxAttempts: 4,
  baseDelayMs: 25,
  maxDelayMs: 250,
  concurrency: 10,
};

/** 5xx is retried (500 InternalError, 503 SlowDown): https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html */
const isRetryableS3Answer = (res: AwsResponse) => res.status >= 500;

/**
 * Deletes objects with signed DeleteObject requests (no S3 client to load), in bounded batches
 * under one deadline. DeleteObject answers 204 whether or not the key existed, so only a 2xx is
 * "deleted": a 404 is NoSuchBucket (the bucket is not where the function thinks, so the objects
 * may well be somewhere still), reported as not deleted like any other failure, and the caller
 * logs the keys as orphans.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (NoSuchBucket: 404)
 */
export function s3Remover(
  opts: S3Options,
  policy: Partial<typeof S3_CLEANUP_POLICY> = {},
  clock: Clock = systemClock,
): ObjectRemover {
  const p = { ...S3_CLEANUP_POLICY, ...policy };
  return async (keys) => {
    const deadline = clock.now() + p.deadlineMs;
    const errors: (string | undefined)[] = [];
    for (let i = 0; i < keys.length; i += p.concurrency) {
      await Promise.all(
        keys.slice(i, i + p.concurrency).map(async (key, j) => {
          try {
            const res = await sendWithRetries(
              { service: "s3", region: opts.region, url: objectUrl(opts, key).href, method: "DELETE", headers: {} },
              opts.credentials(),
              p,
              isRetryableS3Answer,
              clock,
              deadline,
            );
            if (res.status >= 300) errors[i + j] = `S3 answered ${res.status} ${errorType(res)}`;
          } catch (err) {
            errors[i + j] = err instanceof Error ? err.message : "unknown";
          }
        }),
      );
    }
    // In the order asked, so a log line reads like the note's own list.
    return {
      deleted: keys.filter((_, i) => errors[i] === undefined),
      failed: keys.flatMap((key, i) => (errors[i] === undefined ? [] : [{ key, error: errors[i]! }])),
    };
  };
}

/** The object key of an attachment: always under the owner's private prefix. */
export function attachmentKey(principalId: string, noteId: string, uploadId: string): string {
  return `private/${encodeURIComponent(principalId)}/${noteId}/${uploadId}`;
}
