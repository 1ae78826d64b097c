import * as assert from "assert";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { RevocationUnavailable, SessionRevocations } from "../../../handlers/sessions/revocations";
import { REVOKED_TABLE, createRevokedTable, sessionId } from "./support";
import { dynamoAt, startDynalite } from "../../support/handler";
import { StandIn, dynamoError, hangingStandIn, proxyStandIn, refusingEndpoint, timed } from "../../support/standins";

type Db = Awaited<ReturnType<typeof startDynalite>>;

/** Short enough for fast tests, the same shape as production's (3 s deadline, 1 s per attempt). */
const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };
const T0 = Date.parse("2026-11-23T12:00:00Z");

/** A fake clock for the cache: starts at T0, moved by hand. */
const fakeClock = () => {
  const clock = { ms: T0, now: () => clock.ms };
  return clock;
};

describe("revoked sign-in sessions over DynamoDB (handlers/sessions/revocations.ts)", function () {
  let db: Db;
  let proxy: StandIn;
  before(async () => {
    db = await startDynalite();
    await createRevokedTable(db);
    proxy = await proxyStandIn(db.endpoint);
  });
  after(async () => {
    await proxy.close();
    await db.close();
  });
  /** A container's store, through the counting proxy, with its own cache and clock. */
  const container = (clock = fakeClock(), cacheSeconds = 5) =>
    new SessionRevocations(REVOKED_TABLE, dynamoAt(proxy.endpoint, POLICY), cacheSeconds, clock.now);
  const reads = () => proxy.calls.filter((c) => c === "GetItem").length;

  it(
    "given a session nobody signed out, when it is looked up, then " + "it is not revoked, by one consistent GetItem",
    async () => {
      const id = sessionId();
      const before = reads();
      assert.equal(await container().isRevoked(id), false);
      assert.equal(reads() - before, 1);
    },
  );

  it(
    "given a sign-out recorded by one container, when another container looks the session up, then it is revoked, " +
      "and the item carries the TTL",
    async () => {
      const id = sessionId();
      const until = Math.floor(T0 / 1000) + 3600;
      assert.equal(await container().revoke(id, until), until);
      assert.equal(await container().isRevoked(id), true);
      const item = await db.client.send(
        new GetItemCommand({ TableName: REVOKED_TABLE, Key: { sessionId: { S: id } }, ConsistentRead: true }),
      );
      assert.equal(item.Item?.ttl?.N, String(until));
    },
  );

  it(
    "given a container that read 'not revoked', when another signs the session out, then the first trusts its " +
      "answer for revocationCacheSeconds only, and reads again after",
    async () => {
      const id = sessionId();
      const clock = fakeClock();
      const a = container(clock, 5);
      assert.equal(await a.isRevoked(id), false);
      await container().revoke(id, Math.floor(T0 / 1000) + 3600);
      const before = reads();
      clock.ms = T0 + 4999;
      assert.equal(await a.isRevoked(id), false, "trusted within 5 s");
      assert.equal(reads(), before, "no read within the cache time");
      clock.ms = T0 + 5000;
      assert.equal(await a.isRevoked(id), true, "read again at 5 s");
      assert.equal(reads(), before + 1);
    },
  );

  it("given revocationCacheSeconds 0, when a session is looked up twice at one instant, then both read", async () => {
    const id = sessionId();
    const c = container(fakeClock(), 0);
    const before = reads();
    await c.isRevoked(id);
    await c.isRevoked(id);
    assert.equal(reads() - before, 2);
  });

  it(
    "given the container that records a sign-out, when it looks the session up, then it knows at once (no read), " +
      "until the TTL, after which the session is no longer refused",
    async () => {
      const id = sessionId();
      const clock = fakeClock();
      const c = container(clock);
      const until = Math.floor(T0 / 1000) + 60;
      await c.revoke(id, until);
      const before = reads();
      assert.equal(c.knownRevoked(id), true);
      clock.ms = T0 + 59_000;
      assert.equal(await c.isRevoked(id), true);
      assert.equal(reads(), before, "revoked is remembered until the TTL");
      clock.ms = T0 + 60_000;
      // DynamoDB deletes expired items lazily; an item past its TTL no longer refuses anything.
      assert.equal(await c.isRevoked(id), false);
      assert.equal(reads(), before + 1);
    },
  );

  it(
    "given a longer refusal on record, when a shorter one is recorded, then the longer stands (no record is ever " +
      "shortened), and revokedUntil reads it from the table",
    async () => {
      const id = sessionId();
      const t = Math.floor(T0 / 1000);
      await container().revoke(id, t + 30 * 86400);
      assert.equal(await container().revoke(id, t + 3600), t + 30 * 86400);
      const item = await db.client.send(
        new GetItemCommand({ TableName: REVOKED_TABLE, Key: { sessionId: { S: id } }, ConsistentRead: true }),
      );
      assert.equal(item.Item?.ttl?.N, String(t + 30 * 86400));
      assert.equal(await container().revokedUntil(id), t + 30 * 86400);
      assert.equal(await container().revokedUntil(sessionId()), undefined);
    },
  );

  describe("fail closed", () => {
    it(
      "given storage that refuses connections, when a session is " +
        "looked up, then a prompt 503, never 'not revoked'",
      async () => {
        const c = new SessionRevocations(REVOKED_TABLE, dynamoAt(await refusingEndpoint(), POLICY), 5, fakeClock().now);
        const { ms } = await timed(() =>
          assert.rejects(c.isRevoked(sessionId()), (e: any) => e instanceof RevocationUnavailable && e.status === 503),
        );
        assert.ok(ms < POLICY.deadlineMs + 150, `${ms} ms`);
      },
    );

    it("given storage that never answers, when a sign-out is recorded, then a 503 within the deadline", async () => {
      const hanging = await hangingStandIn();
      try {
        const c = new SessionRevocations(REVOKED_TABLE, dynamoAt(hanging.endpoint, POLICY), 5, fakeClock().now);
        const { ms } = await timed(() =>
          assert.rejects(c.revoke(sessionId(), 1), (e: any) => e instanceof RevocationUnavailable),
        );
        assert.ok(ms < POLICY.deadlineMs + 150, `${ms} ms`);
      } finally {
        await hanging.close();
      }
    });

    it(
      "given a table that answers AccessDenied, when a session is " + "looked up, then a 503 with the cause kept",
      async () => {
        const denying = await proxyStandIn(undefined, () => dynamoError("AccessDeniedException", "not allowed"));
        try {
          const c = new SessionRevocations(REVOKED_TABLE, dynamoAt(denying.endpoint, POLICY), 5, fakeClock().now);
          await assert.rejects(
            c.isRevoked(sessionId()),
            (e: any) => e instanceof RevocationUnavailable && /AccessDenied/.test(String((e.cause as Error)?.message)),
          );
        } finally {
          await denying.close();
        }
      },
    );
  });
});
