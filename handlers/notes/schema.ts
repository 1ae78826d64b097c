import * as z from "zod/mini";
import { BadRequest, UnsupportedMediaType } from "../http/errors";

/**
 * Size limits. A stored note is at most ~66 KiB (title + content + tags + keys), well under
 * DynamoDB's 400 KB item limit; the request body limit (MAX_BODY_BYTES, 128 KiB) is checked
 * before parsing and answers 413. zod/mini keeps the bundle small (the full zod is ~450 KB).
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
const wellFormed = z.refine<string>((s) => !LONE_SURROGATE.test(s), "must be valid Unicode (a lone surrogate)");
const visible = z.refine<string>((s) => VISIBLE.test(s), "must have a visible character");

const title = z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(LIMITS.titleChars, `must be at most ${LIMITS.titleChars} characters`), wellFormed, visible);
const content = z.string().check(z.refine((s) => Buffer.byteLength(s, "utf8") <= LIMITS.contentBytes, `must be at most ${LIMITS.contentBytes} bytes`), wellFormed);
const tags = z.array(z.string().check(z.trim(), z.minLength(1, "must not be empty"), z.maxLength(LIMITS.tagChars, `must be at most ${LIMITS.tagChars} characters`), wellFormed, visible))
  .check(
    z.maxLength(LIMITS.tags, `must have at most ${LIMITS.tags} tags`),
    z.refine((list) => new Set(list.map((t) => t.normalize("NFC").toLowerCase())).size === list.length, "must not repeat a tag (case-insensitive)"),
  );

/** POST /notes. Unknown fields (a `userId`, say) are rejected, never used. */
export const CreateNote = z.strictObject({ title, content, tags: z.optional(tags) });
/** PUT /notes/{id}: any of the fields, at least one. */
export const UpdateNote = z.strictObject({ title: z.optional(title), content: z.optional(content), tags: z.optional(tags) })
  .check(z.refine((v) => v.title !== undefined || v.content !== undefined || v.tags !== undefined, "give at least one of title, content, tags"));
/** POST /notes/{id}/attachment */
export const AttachmentRequest = z.strictObject({
  contentType: z.string().check(z.regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a MIME type such as image/png")),
  size: z.int().check(z.positive("must be positive")),
});

/**
 * `application/json`, optionally with `charset=utf-8` (the only encoding JSON has, RFC 8259 §8.1);
 * `application/jsonp`, `application/json-patch+json` or any other parameter is another media type.
 */
const JSON_MEDIA_TYPE = /^application\/json[ \t]*(;[ \t]*charset[ \t]*=[ \t]*("?)utf-8\2[ \t]*)?$/i;

/** Parses a JSON body against a schema; every failure is a 400 that names the field. */
export function parseBody<T>(schema: z.ZodMiniType<T>, body: string | undefined, contentType: string | undefined): T {
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) throw new UnsupportedMediaType();
  if (body === undefined) throw new BadRequest("body: a JSON object is required");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BadRequest("body: malformed JSON");
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new BadRequest(describeIssue(result.error.issues[0], json));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  if (issue.code === "unrecognized_keys") return `${issue.keys.join(", ")}: not allowed`;
  const field = issue.path.length > 0 ? issue.path.join(".") : "body";
  if (issue.code === "invalid_type") {
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), json);
    if (issue.path.length === 0) return "body: must be a JSON object";
    return `${field}: ${value === undefined ? "is required" : `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}`}`;
  }
  return `${field}: ${issue.message}`;
}

/** A note id in a path: the server makes UUIDs, so anything else cannot exist. */
export const NOTE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
