import * as v from "valibot";
import { BadRequest, UnsupportedMediaType } from "../http/errors";
import { isJsonMediaType } from "../http/request";

/**
 * Size limits. A stored note is at most ~66 KiB (title + content + tags + keys), well under
 * DynamoDB's 400 KB item limit; the request body limit (MAX_BODY_BYTES, 128 KiB) is checked
 * before parsing and answers 413. The schemas are valibot's: plain objects built at init for
 * about a millisecond, where zod/mini's classes took about five (docs/performance.md).
 */
export const LIMITS = {
  titleChars: 200,
  contentBytes: 64 * 1024,
  tags: 10,
  tagChars: 32,
  listDefault: 50,
  listMax: 100,
  /** Attachments per note: keeps a note far under DynamoDB's 400 KB and its deletion within the S3 cleanup deadline. */
  attachments: 50,
} as const;

/** A character that shows: not white space, not a control, format or default-ignorable (zero-width) one. */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
/** Half of a surrogate pair without the other half: not Unicode text, so it has no UTF-8 form to store. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = v.check<string, string>((s) => !LONE_SURROGATE.test(s), "must be valid Unicode (a lone surrogate)");
/**
 * What a title or tag may not hold: NUL and the other C0 controls but tab and line feed, and the
 * bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069), which
 * make a name display in another order than it is stored ("Trojan Source", CVE-2021-42574).
 * https://www.unicode.org/reports/tr9/#Explicit_Directional_Embeddings
 */
const FORBIDDEN_IN_NAMES = /[\u0000-\u0008\u000B-\u001F\u202A-\u202E\u2066-\u2069]/u;
const noControls = v.check<string, string>(
  (s) => !FORBIDDEN_IN_NAMES.test(s),
  "must not hold control characters (NUL, C0 controls other than tab and newline) or bidirectional overrides",
);
const visible = v.check<string, string>((s) => VISIBLE.test(s), "must have a visible character");
const shortText = (max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, "must not be empty"),
    v.maxLength(max, `must be at most ${max} characters`),
    wellFormed,
    noControls,
    visible,
  );

const title = shortText(LIMITS.titleChars);
const content = v.pipe(
  v.string(),
  v.check((s) => Buffer.byteLength(s, "utf8") <= LIMITS.contentBytes, `must be at most ${LIMITS.contentBytes} bytes`),
  wellFormed,
);
const tags = v.pipe(
  v.array(shortText(LIMITS.tagChars)),
  v.maxLength(LIMITS.tags, `must have at most ${LIMITS.tags} tags`),
  v.check(
    (list) => new Set(list.map((t) => t.normalize("NFC").toLowerCase())).size === list.length,
    "must not repeat a tag (case-insensitive)",
  ),
);

/** POST /notes. Unknown fields (a `userId`, say) are rejected, never used. */
export const CreateNote = v.strictObject({ title, content, tags: v.optional(tags) });
/** PUT /notes/{id}: any of the fields, at least one. */
export const UpdateNote = v.pipe(
  v.strictObject({ title: v.optional(title), content: v.optional(content), tags: v.optional(tags) }),
  v.check(
    (u) => u.title !== undefined || u.content !== undefined || u.tags !== undefined,
    "give at least one of title, content, tags",
  ),
);
/** POST /notes/{id}/attachment */
export const AttachmentRequest = v.strictObject({
  contentType: v.pipe(v.string(), v.regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a MIME type such as image/png")),
  size: v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(1, "must be positive")),
});

/** Parses a JSON body against a schema; every failure is a 400 that names the field. */
export function parseBody<T>(
  schema: v.GenericSchema<unknown, T>,
  body: string | undefined,
  contentType: string | undefined,
): T {
  if (body === undefined) throw new BadRequest("body: a JSON object is required");
  if (!isJsonMediaType(contentType)) throw new UnsupportedMediaType();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadRequest("body: malformed JSON");
  }
  // Every body is an object; valibot's objects would also take an array (as keys "0", "1"...).
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new BadRequest("body: must be a JSON object");
  const result = v.safeParse(schema, json);
  if (!result.success) throw new BadRequest(describeIssues(result.issues));
  return result.output;
}

/** The first problem, naming its field (valibot stops an object at its first unknown field). */
function describeIssues(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): string {
  const issue = issues[0];
  const field = fieldOf(issue) || "body";
  if (issue.type === "strict_object" && issue.expected === "never") return `${field}: not allowed`;
  if (issue.kind === "schema")
    return `${field}: ${issue.input === undefined ? "is required" : `must be a ${issue.expected}`}`;
  return `${field}: ${issue.message}`;
}

const fieldOf = (issue: v.BaseIssue<unknown>): string => (issue.path ?? []).map((p) => String(p.key)).join(".");

/** A note id in a path: the server makes UUIDs, so anything else cannot exist. */
export const NOTE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
