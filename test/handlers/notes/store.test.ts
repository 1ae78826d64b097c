import * as assert from "assert";
import { PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DynamoNotesStore, NewNote } from "../../../handlers/notes/store";
import { dynamoAt, startDynalite, storeAt } from "../../support/handler";
import { Fault, dynamoError, hangingStandIn, proxyStandIn, refusingEndpoint, timed } from "../../support/standins";

type Db = Awaited<ReturnType<typeof startDynalite>>;

/** Short enough for fast tests, the same shape as production's (3 s deadline, 1 s per attempt). */
const POLICY = { deadlineMs: 400, attemptTimeoutMs: 150, maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 };
/** A 503 must come no later than the deadline plus scheduling slack. */
const PROMPT_MS = POLICY.deadlineMs + 150;

let seq = 0;
const note = (userId = "store-user"): NewNote => {
  const id = `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;
  return {
    userId,
    noteId: id,
    title: `t${seq}`,
    content: "c",
    tags: [],
    createdAt: "2026-11-25T00:00:00.000Z",
    updatedAt: "2026-11-25T00:00:00.000Z",
  };
};

describe("notes store over DynamoDB's JSON protocol (handlers/notes/store.ts)", function () {
  let db: Db;
  before(async () => {
    db = await startDynalite();
  });
  after(async () => db.close());
  /** The table as it is, read with the AWS SDK (an independent client). */
  const rowsOf = async (userId: string) =>
    ((await db.client.send(new ScanCommand({ TableName: db.table }))).Items ?? []).filter((i) => i.userId.S === userId);
  const store = () => storeAt(db.endpoint, POLICY);

  describe("against dynalite", () => {
    it(
      "given a created note, when it is read, updated and deleted, then each write has a new version " +
        "and reads show it",
      async () => {
        const s = store();
        const created = await s.create(note());
        assert.match(created.version, /^[0-9a-f]{16}$/);
        assert.deepEqual(await s.get(created.userId, created.noteId), created);
        const updated = await s.update(created.userId, created.noteId, { title: "new" }, "2026-11-25T01:00:00.000Z");
        assert.ok(updated && updated.title === "new" && updated.version !== created.version);
        assert.deepEqual(await s.remove(created.userId, created.noteId), updated);
        assert.equal(await s.get(created.userId, created.noteId), undefined);
      },
    );

    it(
      "given If-Match with the current version, when updating, then it writes; given a stale one, " +
        "then 412 and the row is unchanged",
      async () => {
        const s = store();
        const created = await s.create(note());
        const updated = await s.update(
          created.userId,
          created.noteId,
          { content: "mine" },
          "2026-11-25T01:00:00.000Z",
          {
            versions: [created.version],
          },
        );
        assert.equal(updated?.content, "mine");
        await assert.rejects(
          s.update(created.userId, created.noteId, { content: "lost update" }, "2026-11-25T02:00:00.000Z", {
            versions: [created.version],
          }),
          (e: any) => e.status === 412,
        );
        await assert.rejects(
          s.remove(created.userId, created.noteId, { versions: [created.version] }),
          (e: any) => e.status === 412,
        );
        assert.deepEqual(await s.get(created.userId, created.noteId), updated);
        assert.equal(
          await s.update("store-user", "00000000-0000-4000-8000-ffffffffffff", { content: "x" }, "now", {
            versions: ["abc"],
          }),
          undefined,
          "a missing note is not a mismatch",
        );
      },
    );

    it(
      'given a row written before notes had versions, then it reads as version 0 and If-Match "0" ' + "matches it",
      async () => {
        const legacy = note("legacy-user");
        await db.client.send(
          new PutItemCommand({
            TableName: db.table,
            Item: {
              userId: { S: legacy.userId },
              noteId: { S: legacy.noteId },
              title: { S: "old" },
              content: { S: "" },
              tags: { L: [] },
              createdAt: { S: legacy.createdAt },
              updatedAt: { S: legacy.updatedAt },
            },
          }),
        );
        const s = store();
        assert.equal((await s.get(legacy.userId, legacy.noteId))?.version, "0");
        const updated = await s.update(legacy.userId, legacy.noteId, { title: "new" }, "now", { versions: ["0"] });
        assert.notEqual(updated?.version, "0");
      },
    );

    it(
      "given a note at the attachment cap, when one more is added, then 409 and the row keeps exactly " + "its keys",
      async () => {
        const s = store();
        const n = await s.create(note("cap-user"));
        for (let i = 0; i < 3; i++) assert.equal(await s.addAttachment(n.userId, n.noteId, `k${i}`, "now", 3), true);
        await assert.rejects(
          s.addAttachment(n.userId, n.noteId, "k3", "now", 3),
          (e: any) => e.status === 409 && /at most 3 attachments/.test(e.message),
        );
        assert.deepEqual((await s.get(n.userId, n.noteId))?.attachmentKeys, ["k0", "k1", "k2"]);
        assert.equal(
          await s.addAttachment(n.userId, "00000000-0000-4000-8000-ffffffffffff", "k", "now", 3),
          false,
          "no such note",
        );
      },
    );

    it("given a write DynamoDB refuses for item size, then it is a 413, never a 500, and nothing changes", async () => {
      const s = store();
      const n = await s.create(note("big-user"));
      await assert.rejects(
        s.update(n.userId, n.noteId, { content: "x".repeat(410 * 1024) }, "now"),
        (e: any) => e.status === 413,
      );
      await assert.rejects(
        s.create({ ...note("big-user"), content: "x".repeat(410 * 1024) }),
        (e: any) => e.status === 413,
      );
      assert.deepEqual(await s.get(n.userId, n.noteId), n);
    });

    it(
      "given a note with attachments, when it is removed, then beforeDelete sees its keys before the " +
        "DeleteItem reaches the table",
      async () => {
        const events: string[] = [];
        const proxy = await proxyStandIn(db.endpoint, (_n, op) => void events.push(op));
        try {
          const s = storeAt(proxy.endpoint, POLICY);
          const n = await s.create(note("order-user"));
          await s.addAttachment(n.userId, n.noteId, "private/a", "now", 50);
          events.length = 0;
          await s.remove(n.userId, n.noteId, {
            beforeDelete: (seen) => void events.push(`beforeDelete ${seen.attachmentKeys}`),
          });
          assert.deepEqual(events, ["GetItem", "beforeDelete private/a", "DeleteItem"]);
        } finally {
          await proxy.close();
        }
      },
    );

    it(
      "given an attachment added between the read and the delete, when removing, then the delete is " +
        "retried and the new key is reported too",
      async () => {
        const n = await store().create(note("race-user"));
        let raced = false;
        const client = dynamoAt(db.endpoint, POLICY);
        const other = store();
        const call = client.call.bind(client);
        client.call = async <T>(op: string, input: object, deadline?: number): Promise<T> => {
          if (op === "DeleteItem" && !raced) {
            raced = true;
            await other.addAttachment(n.userId, n.noteId, "added-meanwhile", "now", 50);
          }
          return call<T>(op, input, deadline);
        };
        const seen: string[][] = [];
        const removed = await new DynamoNotesStore("notes", client).remove(n.userId, n.noteId, {
          beforeDelete: (x) => void seen.push(x.attachmentKeys ?? []),
        });
        assert.deepEqual(seen, [[], ["added-meanwhile"]]);
        assert.deepEqual(removed?.attachmentKeys, ["added-meanwhile"]);
        assert.equal((await rowsOf("race-user")).length, 0);
      },
    );
  });

  describe("under faults (loopback stand-ins), within the deadline", () => {
    it("given DynamoDB refuses connections, when a note is created, then 503 promptly after retrying", async () => {
      const s = storeAt(await refusingEndpoint(), POLICY);
      const { ms } = await timed(() =>
        assert.rejects(
          s.create(note()),
          (e: any) => e.status === 503 && e.headers["Retry-After"] === "1" && /ECONNREFUSED/.test(e.cause.message),
        ),
      );
      assert.ok(ms < PROMPT_MS, `${ms} ms`);
    });

    it(
      "given DynamoDB accepts and never answers, when a note is created, then 503 by the deadline, " +
        "each attempt given up and retried",
      async () => {
        const hang = await hangingStandIn();
        try {
          const { ms } = await timed(() =>
            assert.rejects(storeAt(hang.endpoint, POLICY).create(note()), (e: any) => e.status === 503),
          );
          assert.ok(ms >= POLICY.attemptTimeoutMs && ms < PROMPT_MS, `${ms} ms`);
          assert.ok(hang.calls.length >= 2, `attempts: ${hang.calls.length}`);
        } finally {
          await hang.close();
        }
      },
    );

    for (const [what, fault] of [
      [
        "ProvisionedThroughputExceededException",
        dynamoError(
          "ProvisionedThroughputExceededException",
          "The level of configured provisioned throughput for the table was exceeded.",
        ),
      ],
      ["ThrottlingException", dynamoError("ThrottlingException", "Rate of requests exceeds the allowed throughput.")],
      [
        "RequestLimitExceeded",
        dynamoError("RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account."),
      ],
      ["HTTP 500 InternalServerError", dynamoError("InternalServerError", "Internal server error", 500)],
    ] as [string, Fault][]) {
      it(
        `given ${what} for the first two calls, when a note is created, then it is retried and ` +
          `written exactly once`,
        async () => {
          const proxy = await proxyStandIn(db.endpoint, (n) => (n <= 2 ? fault : undefined));
          try {
            const n = note(`retry-${what}`);
            const created = await storeAt(proxy.endpoint, POLICY).create(n);
            assert.deepEqual(proxy.calls, ["PutItem", "PutItem", "PutItem"]);
            const rows = await rowsOf(n.userId);
            assert.equal(rows.length, 1);
            assert.equal(rows[0].version.S, created.version);
          } finally {
            await proxy.close();
          }
        },
      );
    }

    it(
      "given DynamoDB keeps throttling, when a note is created, then 503 by the deadline and nothing " + "is written",
      async () => {
        const proxy = await proxyStandIn(db.endpoint, () =>
          dynamoError("ProvisionedThroughputExceededException", "slow down"),
        );
        try {
          const n = note("always-throttled");
          const { ms } = await timed(() =>
            assert.rejects(storeAt(proxy.endpoint, POLICY).create(n), (e: any) => e.status === 503),
          );
          assert.ok(
            ms < PROMPT_MS && proxy.calls.length >= 2 && proxy.calls.length <= POLICY.maxAttempts,
            `${ms} ms, ${proxy.calls.length} calls`,
          );
          assert.equal((await rowsOf(n.userId)).length, 0);
        } finally {
          await proxy.close();
        }
      },
    );

    it("given a ValidationException, when a call fails, then it is not retried and is no 503", async () => {
      const proxy = await proxyStandIn(db.endpoint, () =>
        dynamoError("ValidationException", "One or more parameter values were invalid"),
      );
      try {
        await assert.rejects(
          storeAt(proxy.endpoint, POLICY).get("u", "n"),
          (e: any) => e.name === "AwsServiceError" && e.type === "ValidationException",
        );
        assert.equal(proxy.calls.length, 1);
      } finally {
        await proxy.close();
      }
    });

    it(
      "given a slow DynamoDB, when it answers within the deadline, then the write succeeds; when it " +
        "would not, then 503 and nothing is written",
      async () => {
        const proxy = await proxyStandIn(db.endpoint, (n) => ({ kind: "slow", delayMs: n === 1 ? 60 : 1000 }));
        try {
          const s = storeAt(proxy.endpoint, { ...POLICY, maxAttempts: 1 });
          const ok = note("slow-user");
          await s.create(ok);
          const late = note("slow-user");
          const { ms } = await timed(() => assert.rejects(s.create(late), (e: any) => e.status === 503));
          assert.ok(ms < PROMPT_MS, `${ms} ms`);
          assert.deepEqual(
            (await rowsOf("slow-user")).map((r) => r.noteId.S),
            [ok.noteId],
          );
        } finally {
          await proxy.close();
        }
      },
    );

    it(
      "given the answer to a write is lost after DynamoDB applied it, when the write is retried, then " +
        "the store recognizes its own write: one row, no 412, no duplicate key",
      async () => {
        const lose = new Set<number>();
        let n = 0;
        const lossy = await proxyStandIn(db.endpoint, () =>
          lose.has(++n) ? ({ kind: "lose-answer" } as Fault) : undefined,
        );
        try {
          const s = storeAt(lossy.endpoint, POLICY);
          const input = note("lossy-user");
          lose.add(n + 1);
          const created = await s.create(input);
          lose.add(n + 1);
          const updated = await s.update(input.userId, input.noteId, { title: "once" }, "now", {
            versions: [created.version],
          });
          assert.equal(updated?.title, "once");
          lose.add(n + 1);
          assert.equal(await s.addAttachment(input.userId, input.noteId, "k", "now", 50), true);
          const rows = await rowsOf("lossy-user");
          assert.equal(rows.length, 1);
          assert.deepEqual(
            rows[0].attachmentKeys.L?.map((k) => k.S),
            ["k"],
          );
          lose.add(n + 2); // the DeleteItem after the GetItem
          assert.equal((await s.remove(input.userId, input.noteId))?.noteId, input.noteId);
          assert.equal((await rowsOf("lossy-user")).length, 0);
        } finally {
          await lossy.close();
        }
      },
    );
  });

  it(
    "given AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL, then the service-specific one wins, as in " + "the SDKs",
    async () => {
      const { serviceEndpoint } = await import("../../../handlers/notes/aws");
      assert.equal(
        serviceEndpoint("DYNAMODB", { AWS_ENDPOINT_URL: "http://all", AWS_ENDPOINT_URL_DYNAMODB: "http://ddb" }),
        "http://ddb",
      );
      assert.equal(
        serviceEndpoint("S3", { AWS_ENDPOINT_URL: "http://all", AWS_ENDPOINT_URL_DYNAMODB: "http://ddb" }),
        "http://all",
      );
      assert.equal(serviceEndpoint("S3", {}), undefined);
    },
  );
});
