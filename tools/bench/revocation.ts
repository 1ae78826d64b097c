import { randomUUID } from "crypto";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { REVOKED_SESSION_KEYS } from "../../handlers/contract/table";
import { DEFAULT_REVOCATION_CACHE_SECONDS, revocationSettings, signOutSettings } from "../../handlers/contract/stack";
import { gatewayClaimStrings } from "../../awsRules/gatewayClaims";
import { CREDENTIALS, ISSUER, REGION, SPA_CLIENT, benchTable, handlerOf, parse, restEvent, timed } from "./requests";
import { Summary, roundSummary, summarize } from "./stats";

/**
 * What `revocation` adds to a request (issue 24: "one keyed read per request at most, a short per-container cache"):
 * `GET /me` through the cognito door's handler (REST v1 events, the user pools authorizer's claims), with revocation
 * off, with the session's answer cached in the container, and on a cache miss (a session the container has not seen:
 * one strongly consistent GetItem on the revoked sessions table). Off and cached alternate; the misses run after them.
 * The table is dynalite on loopback: a miss here costs a local HTTP round trip and dynalite's own work (in memory),
 * not DynamoDB's network path from a Lambda container (single-digit ms in one region:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html), so the miss figure is a floor.
 */
export interface RevocationFigures {
  off: Summary;
  cacheHit: Summary;
  cacheMiss: Summary;
  /** The medians above `off`, ms. */
  added: { cacheHit: number; cacheMiss: number };
}

const USER = "77777777-7777-4777-8777-777777777777";
const REVOKED_TABLE = "revoked-sessions";
/** How long a container trusts "not revoked" (the default `revocationCacheSeconds`). */
const CACHE_SECONDS = DEFAULT_REVOCATION_CACHE_SECONDS;

/** The revoked sessions table, at the benchmark's dynalite, keyed as the backend creates it. */
async function createRevokedTable(endpoint: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: REVOKED_TABLE,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: REVOKED_SESSION_KEYS.partition, AttributeType: "S" }],
        KeySchema: [{ AttributeName: REVOKED_SESSION_KEYS.partition, KeyType: "HASH" }],
      }),
    );
  } finally {
    client.destroy();
  }
}

/** The claims a user pools authorizer passes for an ID token of a sign-in session, as REST renders them. */
function sessionClaims(session: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  return gatewayClaimStrings({ origin_jti: session, iss: ISSUER, aud: SPA_CLIENT, exp: now + 3600, iat: now }, "rest");
}

/** `n` interleaved rounds of GET /me: revocation off, on with the session cached, on with a new session each time. */
export async function revocationFigures(n: number): Promise<RevocationFigures> {
  const db = await benchTable();
  try {
    await createRevokedTable(db.endpoint);
    const settings = { allowedClientIds: [SPA_CLIENT] };
    const storage = { endpoint: db.endpoint };
    const on = {
      ...revocationSettings.encode({ table: REVOKED_TABLE, cacheSeconds: CACHE_SECONDS }),
      ...signOutSettings.encode({ refreshSeconds: 30 * 86400 }),
    };
    const off = handlerOf("cognito", settings, storage);
    const revoking = handlerOf("cognito", settings, storage, undefined, on);
    const me = { method: "GET", path: "/me" };
    const known = sessionClaims(randomUUID());
    const call = (h: typeof off, claims: Record<string, string>) => () => parse(h(restEvent(me, USER, claims) as any));
    // Warm-up: both handlers' first requests (and the known session's first read) are not measured.
    for (let i = 0; i < Math.min(100, n); i++) {
      await call(off, known)();
      await call(revoking, known)();
      await call(revoking, sessionClaims(randomUUID()))();
    }
    const samples = { off: [] as number[], cacheHit: [] as number[], cacheMiss: [] as number[] };
    // Off and hit alternate, each round starting with the other, so neither is always the one after the other; the
    // misses run as a block of their own after them (a GetItem's socket work would slow whatever follows it).
    for (let i = 0; i < n; i++) {
      const pair = [
        () => timed(call(off, known), 200).then((ms) => samples.off.push(ms)),
        () => timed(call(revoking, known), 200).then((ms) => samples.cacheHit.push(ms)),
      ];
      if (i % 2) pair.reverse();
      for (const measure of pair) await measure();
    }
    for (let i = 0; i < n; i++) samples.cacheMiss.push(await timed(call(revoking, sessionClaims(randomUUID())), 200));
    const [o, hit, miss] = [samples.off, samples.cacheHit, samples.cacheMiss].map((s) => roundSummary(summarize(s), 4));
    const above = (s: Summary) => Number((s.median - o.median).toFixed(4));
    return { off: o, cacheHit: hit, cacheMiss: miss, added: { cacheHit: above(hit), cacheMiss: above(miss) } };
  } finally {
    await db.close();
  }
}
