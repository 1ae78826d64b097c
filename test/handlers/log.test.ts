import * as assert from "assert";
import { consoleLog } from "../../handlers/log";
import { createHandler } from "../../handlers/app";
import { envFor, idClaims, restEvent, USER_A } from "../support/handler";

/** Runs `fn` with every console method recording into `calls` as [method, line]. */
async function recordingConsole(fn: () => unknown): Promise<[string, string][]> {
  const calls: [string, string][] = [];
  const saved = {
    log: console.log,
    error: console.error,
    warn: console.warn,
    info: console.info,
    debug: console.debug,
  };
  for (const m of Object.keys(saved) as (keyof typeof saved)[])
    (console as any)[m] = (...a: unknown[]) => void calls.push([m, a.join(" ")]);
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return calls;
}

// Lambda's JSON log format takes the level from the console method: console.log is INFO, so an error logged with it is
// stored as INFO.
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html#nodejs-logging-advanced
describe("handler: log lines by level", () => {
  it(
    "given an error, a warning and an info entry, then each is written with the console method of its " +
      "level, as one JSON line",
    async () => {
      const calls = await recordingConsole(() => {
        consoleLog({ level: "error", message: "e" });
        consoleLog({ level: "warn", message: "w" });
        consoleLog({ level: "info", message: "i" });
      });
      assert.deepEqual(
        calls.map(([m, line]) => [m, JSON.parse(line).message]),
        [
          ["error", "e"],
          ["warn", "w"],
          ["info", "i"],
        ],
      );
    },
  );

  it(
    "given the handler with no logger injected, when a note's attachments cannot be deleted, then " +
      "that line goes to console.error, the warning to console.warn and the info to console.info",
    async () => {
      const note = {
        userId: USER_A,
        noteId: "11111111-1111-4111-8111-111111111111",
        title: "t",
        content: "",
        tags: [],
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
        version: "v1",
        attachmentKeys: ["private/k"],
      };
      const store = {
        remove: async (_u: string, _n: string, o: any) => {
          o.beforeDelete?.(note);
          return note;
        },
      } as any;
      const h = createHandler({
        env: envFor("cognito"),
        store,
        presign: async () => "",
        removeObjects: async (keys) => ({
          deleted: [],
          failed: keys.map((key) => ({ key, error: "S3 answered 404 NoSuchBucket" })),
        }),
        maxAttachmentBytes: 1,
        now: () => new Date("2026-01-01T00:01:00Z"),
        newId: () => "x",
      });
      const calls = await recordingConsole(() =>
        h(restEvent({ method: "DELETE", path: `/notes/${note.noteId}` }, { claims: idClaims(USER_A) })),
      );
      assert.deepEqual(
        calls.map(([m, line]) => [m, JSON.parse(line).level]),
        [
          ["info", "info"],
          ["warn", "warn"],
          ["error", "error"],
        ],
      );
    },
  );
});
