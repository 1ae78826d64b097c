/**
 * The notes table's keys: the owner's principal id, then the note's id. The store queries by
 * them and the backend creates the table from them. Import-free, so the program can read it.
 */
export const TABLE_KEYS = { partition: "userId", sort: "noteId" } as const;

/**
 * The revoked sign-in sessions table (`revocation: true`): one item per signed-out session, keyed by the session's id
 * (its tokens' `origin_jti`), with the epoch second after which nobody needs it, which DynamoDB's TTL deletes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
export const REVOKED_SESSION_KEYS = { partition: "sessionId", ttl: "ttl" } as const;
