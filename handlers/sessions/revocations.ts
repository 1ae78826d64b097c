/**
 * The revoked sign-in sessions (`revocation: true`): one DynamoDB item per signed-out session, keyed by its id (the
 * tokens' `origin_jti`), holding the epoch second until which its tokens are refused, which DynamoDB's TTL deletes
 * afterwards. The notes function and the Lambda authorizer both read it through this module, at most one keyed,
 * strongly consistent GetItem per request, behind a per-container cache:
 * - "not revoked" is trusted for `revocationCacheSeconds` (0: never; every request reads);
 * - "revoked" is remembered until the item's TTL (the tokens cannot outlive it);
 * - the container that records a sign-out remembers it at once.
 * A read that fails is never taken for "not revoked": it throws RevocationUnavailable (fail closed).
 */
import { AwsServiceError } from "../notes/aws";
import type { DynamoClient } from "../notes/dynamo";
import { ServiceUnavailable } from "../http/errors";
import { REVOKED_SESSION_KEYS } from "../contract/table";

/**
 * The sign-out records cannot be read or written now: nothing is admitted on a guess (a 503, logged with its cause).
 */
export class RevocationUnavailable extends ServiceUnavailable {
  constructor(cause: unknown) {
    super("the sign-out records are not answering; try again", 1, { cause });
  }
}

/** How many sessions a container remembers at most; past that, the oldest entry goes first. */
export const REVOCATION_CACHE_ENTRIES = 10_000;

interface Remembered {
  revoked: boolean;
  /** Epoch ms when the answer was read (or written). */
  readAt: number;
  /** Epoch ms after which the answer is read again. */
  untilMs: number;
}

/** DynamoDB's `ttl` is a reserved word: expressions name it through #ttl. */
const TTL_NAME = { "#ttl": REVOKED_SESSION_KEYS.ttl };

type Attribute = { S?: string; N?: string };

export class SessionRevocations {
  private readonly cache = new Map<string, Remembered>();

  /**
   * @param table the revoked sessions table
   * @param client DynamoDB with its deadline and retries (handlers/notes/dynamo.ts)
   * @param cacheSeconds how long "not revoked" is trusted (`revocationCacheSeconds`)
   * @param nowMs the clock of the cache (a fake one in specs)
   */
  constructor(
    readonly table: string,
    private readonly client: DynamoClient,
    readonly cacheSeconds: number,
    private readonly nowMs: () => number = Date.now,
    private readonly maxEntries = REVOCATION_CACHE_ENTRIES,
  ) {}

  /**
   * Whether the session is signed out now. An item whose TTL has passed is not (DynamoDB deletes expired items
   * within a few days, and reads return them until then:
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html).
   */
  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.status(sessionId)).revoked;
  }

  /**
   * isRevoked, with when the answer was read from the table (epoch ms; earlier than now when it came from the cache):
   * what the Lambda authorizer hands the handler as `revocationCheckedAt`, so a "not revoked" is never trusted for
   * longer than `revocationCacheSeconds` from its read, however many containers pass it on.
   */
  async status(sessionId: string): Promise<{ revoked: boolean; readAt: number }> {
    const now = this.nowMs();
    const known = this.cache.get(sessionId);
    if (known && known.untilMs > now) return { revoked: known.revoked, readAt: known.readAt };
    const until = await this.read(sessionId);
    const revoked = until !== undefined && until * 1000 > now;
    this.remember(sessionId, {
      revoked,
      readAt: now,
      untilMs: revoked ? until * 1000 : now + this.cacheSeconds * 1000,
    });
    return { revoked, readAt: now };
  }

  /** Whether this container already knows the session is signed out (no read). */
  knownRevoked(sessionId: string): boolean {
    const known = this.cache.get(sessionId);
    return known !== undefined && known.revoked && known.untilMs > this.nowMs();
  }

  /**
   * Until when (epoch seconds) the session is signed out, read from the table now (a "not revoked" in this container's
   * cache is not trusted: sign-out decides by it whether to write), or undefined when it is not signed out.
   */
  async revokedUntil(sessionId: string): Promise<number | undefined> {
    const now = this.nowMs();
    const known = this.cache.get(sessionId);
    if (known && known.revoked && known.untilMs > now) return Math.floor(known.untilMs / 1000);
    const until = await this.read(sessionId);
    if (until === undefined || until * 1000 <= now) return undefined;
    this.remember(sessionId, { revoked: true, readAt: now, untilMs: until * 1000 });
    return until;
  }

  /**
   * Records a sign-out: the session's tokens are refused until `untilSeconds` (epoch seconds). A record is never
   * shortened (an earlier sign-out's longer refusal stands: the write is conditional on it), and nothing ever shortens
   * one: a caller cannot prove that a refresh token it revoked is its own session's, so no revocation makes a shorter
   * record safe (handlers/sessions/signOut.ts). Resolves with the time the session is refused until.
   */
  async revoke(sessionId: string, untilSeconds: number): Promise<number> {
    let until = untilSeconds;
    try {
      await this.client.call("PutItem", {
        TableName: this.table,
        Item: {
          [REVOKED_SESSION_KEYS.partition]: { S: sessionId },
          [REVOKED_SESSION_KEYS.ttl]: { N: String(untilSeconds) },
        },
        ConditionExpression: "attribute_not_exists(#ttl) OR #ttl < :ttl",
        ExpressionAttributeNames: TTL_NAME,
        ExpressionAttributeValues: { ":ttl": { N: String(untilSeconds) } },
      });
    } catch (err) {
      if (!(err instanceof AwsServiceError && err.type === "ConditionalCheckFailedException"))
        throw new RevocationUnavailable(err);
      // Already refused for longer: that stands.
      until = Math.max(untilSeconds, (await this.read(sessionId)) ?? untilSeconds);
    }
    this.remember(sessionId, { revoked: true, readAt: this.nowMs(), untilMs: until * 1000 });
    return until;
  }

  /** The record's TTL (epoch seconds), or undefined when the session has none. */
  private async read(sessionId: string): Promise<number | undefined> {
    let out: { Item?: Record<string, Attribute> };
    try {
      out = await this.client.call("GetItem", {
        TableName: this.table,
        Key: { [REVOKED_SESSION_KEYS.partition]: { S: sessionId } },
        ConsistentRead: true,
        ProjectionExpression: "#ttl",
        ExpressionAttributeNames: TTL_NAME,
      });
    } catch (err) {
      throw new RevocationUnavailable(err);
    }
    if (out.Item === undefined) return undefined;
    const ttl = Number(out.Item[REVOKED_SESSION_KEYS.ttl]?.N);
    // A record without a readable TTL is one nobody wrote here: refused rather than admitted, for a day.
    return Number.isFinite(ttl) ? ttl : Math.floor(this.nowMs() / 1000) + 86_400;
  }

  private remember(sessionId: string, answer: Remembered): void {
    this.cache.delete(sessionId);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sessionId, answer);
  }
}
