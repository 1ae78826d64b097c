/**
 * One signed AWS request with a deadline and bounded retries: what the DynamoDB store and the S3
 * attachment cleanup share. Signing is aws4's (SigV4, maintained, node crypto); the transport is
 * node's own http/https, not the global fetch: on Node 20 the first fetch loads undici, which
 * measured 90-130 ms on the first request here (docs/performance.md).
 */
import * as http from "http";
import * as https from "https";
import * as aws4 from "aws4";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials of the function's role, as Lambda puts them in the environment. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error("no AWS credentials in the environment");
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

/**
 * The endpoint of a service: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then AWS's own,
 * the order the SDKs use ("Service-specific endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export function serviceEndpoint(
  service: "DYNAMODB" | "S3" | "COGNITO_IDENTITY_PROVIDER",
  env: NodeJS.ProcessEnv,
): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/** The regional AWS domain: `amazonaws.com`, or `amazonaws.com.cn` in the China regions (https://docs.aws.amazon.com/general/latest/gr/rande.html). */
export const awsDomain = (region: string) => (region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com");

/** How long one logical call may take, and how it retries within that time. */
export interface RetryPolicy {
  /** The whole call, every attempt and every wait included, in ms. */
  deadlineMs: number;
  /** One attempt at most, in ms (a hung connection is given up and retried while time is left). */
  attemptTimeoutMs: number;
  maxAttempts: number;
  /** Full-jitter backoff: before retry n, wait random(0, min(maxDelayMs, baseDelayMs * 2^(n-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Time and chance, injectable so tests are fast and deterministic. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** An AWS service answered with an error. `type` is the bare error name (no namespace). */
export class AwsServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
    this.name = "AwsServiceError";
  }
}

/** The call's deadline passed, or every attempt failed in a way that can be retried: the service is unavailable now. */
export class ServiceUnreachable extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly last?: unknown,
  ) {
    super(message);
    this.name = "ServiceUnreachable";
  }
}

export interface AwsRequest {
  service: "dynamodb" | "s3" | "cognito-idp";
  region: string;
  /** Full URL of the request (path already URI-encoded as the service wants it). */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface AwsResponse {
  status: number;
  body: string;
}

/** Which failures are worth another attempt; anything else is returned or thrown at once. */
export type RetryRule = (res: AwsResponse) => boolean;

/**
 * Sends one request over node's http(s), signed with aws4 (unsigned without credentials: an operation of a public
 * API, such as Cognito's RevokeToken); throws on a network failure or timeout.
 */
function sendOnce(req: AwsRequest, creds: Credentials | undefined, timeoutMs: number): Promise<AwsResponse> {
  const url = new URL(req.url);
  const unsigned = {
    host: url.host,
    path: url.pathname + url.search,
    method: req.method,
    service: req.service,
    region: req.region,
    headers: { ...req.headers },
    body: req.body,
  };
  // aws4 adds Host and Content-Length when it signs; an unsigned request states its length itself (no chunking).
  const signed = creds
    ? aws4.sign(unsigned, creds)
    : {
        ...unsigned,
        headers: {
          ...unsigned.headers,
          ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
        },
      };
  const transport = url.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const out = transport.request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port || undefined,
        method: req.method,
        path: signed.path,
        headers: signed.headers as http.OutgoingHttpHeaders,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", fail);
      },
    );
    // One timer covers connect, request and the whole response body.
    const timer = setTimeout(() => {
      const err = new AttemptTimeout(timeoutMs);
      fail(err);
      out.destroy(err);
    }, timeoutMs);
    function fail(err: unknown) {
      clearTimeout(timer);
      reject(err);
    }
    out.on("error", fail);
    out.end(req.body);
  });
}

class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "AttemptTimeout";
  }
}

/**
 * Sends a request until it gets an answer that is not worth retrying, within the policy's deadline.
 * Retried: network failures (refused, reset, timed out) and the answers `retryable` says; every
 * other answer (a validation error, a failed condition) is returned to the caller at once.
 * Backoff is exponential with full jitter, as AWS's builders recommend
 * (https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/,
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 * Throws ServiceUnreachable when the deadline passes or the attempts run out.
 */
export async function sendWithRetries(
  req: AwsRequest,
  creds: Credentials | undefined,
  policy: RetryPolicy,
  retryable: RetryRule,
  clock: Clock,
  deadline = clock.now() + policy.deadlineMs,
): Promise<AwsResponse> {
  let last: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const left = deadline - clock.now();
    if (left <= 0) break;
    try {
      const res = await sendOnce(req, creds, Math.min(left, policy.attemptTimeoutMs));
      if (!retryable(res)) return res;
      last = new AwsServiceError(res.status, errorType(res), errorMessage(res));
    } catch (err) {
      last = err;
    }
    if (attempt === policy.maxAttempts) break;
    const wait = clock.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    if (clock.now() + wait >= deadline) break;
    await clock.sleep(wait);
  }
  const why = last instanceof Error ? last.message : "deadline passed before the first attempt";
  throw new ServiceUnreachable(`${req.service} unavailable: ${why}`, policy.maxAttempts, last);
}

/**
 * The error name from a JSON error body (`__type`, possibly namespaced
 * `com.amazonaws.dynamodb.v20120810#ThrottlingException`) or an S3 XML `<Code>`.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.Components
 */
export function errorType(res: AwsResponse): string {
  try {
    const json = JSON.parse(res.body) as { __type?: unknown };
    if (typeof json.__type === "string") return json.__type.slice(json.__type.lastIndexOf("#") + 1);
  } catch {
    /* not JSON */
  }
  return /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1] ?? `HTTP${res.status}`;
}

export function errorMessage(res: AwsResponse): string {
  try {
    const json = JSON.parse(res.body) as { message?: unknown; Message?: unknown };
    const m = json.message ?? json.Message;
    if (typeof m === "string") return m;
  } catch {
    /* not JSON */
  }
  return /<Message>([^<]+)<\/Message>/.exec(res.body)?.[1] ?? `status ${res.status}`;
}
