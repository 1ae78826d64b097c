/**
 * DynamoDB over its JSON protocol: POST one operation to the endpoint with
 * `X-Amz-Target: DynamoDB_20120810.<Operation>` and `Content-Type: application/x-amz-json-1.0`,
 * signed with SigV4 ("DynamoDB low-level API",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html).
 * Attribute values are marshalled by @aws-sdk/util-dynamodb (5 KB bundled), not by hand.
 */
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import {
  AwsResponse,
  AwsServiceError,
  Clock,
  awsDomain,
  Credentials,
  RetryPolicy,
  errorMessage,
  errorType,
  sendWithRetries,
  systemClock,
} from "./aws";

export { marshall, unmarshall };

/**
 * The throttling errors, HTTP 400 but "OK to retry? Yes" with exponential backoff; so are all 5xx
 * (InternalServerError, ServiceUnavailable). Every other 400 (ValidationException,
 * ConditionalCheckFailedException, AccessDeniedException, ...) must be fixed, not retried.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.MessagesAndCodes
 */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
]);

export const isRetryableDynamoAnswer = (res: AwsResponse): boolean =>
  res.status >= 500 || (res.status === 400 && THROTTLING_ERRORS.has(errorType(res)));

/**
 * The storage deadline: 3 s for everything one store call does (the function's timeout is 10 s,
 * and a note delete adds at most the S3 cleanup's 3 s). A single attempt gets 1 s, a hundred times
 * DynamoDB's usual latency, so a dead connection is retried on a fresh one while time is left.
 */
export const DYNAMODB_POLICY: RetryPolicy = {
  deadlineMs: 3000,
  attemptTimeoutMs: 1000,
  maxAttempts: 6,
  baseDelayMs: 25,
  maxDelayMs: 500,
};

export interface DynamoOptions {
  region: string;
  credentials: () => Credentials;
  /** AWS_ENDPOINT_URL_DYNAMODB for local stand-ins; default DynamoDB's regional endpoint. */
  endpoint?: string;
  policy?: Partial<RetryPolicy>;
  clock?: Clock;
}

export class DynamoClient {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  private readonly url: string;

  constructor(private readonly opts: DynamoOptions) {
    this.policy = { ...DYNAMODB_POLICY, ...opts.policy };
    this.clock = opts.clock ?? systemClock;
    this.url = opts.endpoint ?? `https://dynamodb.${opts.region}.${awsDomain(opts.region)}/`;
  }

  /** The deadline of a call that starts now (absolute, in the clock's ms). */
  deadline(): number {
    return this.clock.now() + this.policy.deadlineMs;
  }

  /**
   * One operation. Resolves with its JSON output; throws AwsServiceError for an answer that is
   * not retried, ServiceUnreachable when the deadline passes or the retries run out.
   */
  async call<T>(operation: string, input: object, deadline = this.deadline()): Promise<T> {
    const res = await sendWithRetries(
      {
        service: "dynamodb",
        region: this.opts.region,
        url: this.url,
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}` },
        body: JSON.stringify(input),
      },
      this.opts.credentials(),
      this.policy,
      isRetryableDynamoAnswer,
      this.clock,
      deadline,
    );
    if (res.status !== 200) throw new AwsServiceError(res.status, errorType(res), errorMessage(res));
    return JSON.parse(res.body) as T;
  }
}
