import { randomUUID } from "crypto";
import { ApiRequest, ApiResponse, etag, ifMatch } from "./http/request";
import { API_ROUTES, RouteName } from "./contract/routeTable";
import { BadRequest, Forbidden, MethodNotAllowed, NotFound, PayloadTooLarge } from "./http/errors";
import { Principal } from "./principal";
import { AttachmentRequest, CreateNote, LIMITS, NOTE_ID, UpdateNote, parseBody } from "./notes/schema";
import { Note, NoteKey, NotesStore } from "./notes/store";
import { Log, consoleLog } from "./log";
import { ObjectRemover, Presigner, RemovalReport, attachmentKey } from "./notes/attachments";
import { RevocationDeps, signOut } from "./sessions/signOut";

export interface RouteDeps {
  store: NotesStore;
  presign: Presigner;
  /** Deletes a deleted note's attachments, within its own deadline. */
  removeObjects: ObjectRemover;
  /** Where log lines go; default consoleLog (the console method of each level). */
  log?: Log;
  maxAttachmentBytes: number;
  now: () => Date;
  newId: () => string;
  /** The revoked sessions and Cognito's RevokeToken (`revocation: true`); absent: revocation is off. */
  revocation?: RevocationDeps;
}

type RouteFn = (
  req: ApiRequest,
  who: Principal,
  deps: RouteDeps,
  params: Record<string, string>,
) => Promise<ApiResponse>;

/** The function behind each route name; the compiler checks that every name has one. */
const HANDLERS: Record<RouteName, RouteFn> = {
  listNotes,
  createNote,
  getNote,
  updateNote,
  deleteNote,
  presignAttachment,
  me,
  signOut,
  adminStats,
};

/** `/notes/{id}` -> /^\/notes\/(?<id>[^/]+)\/?$/ */
function pathPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((part) =>
      /^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("\\/");
  return new RegExp(`^${source}\\/?$`);
}

/** The routes by path pattern and method, built from the one table the doors also use. */
const ROUTES: { pattern: RegExp; methods: Record<string, RouteName> }[] = [
  ...new Set(API_ROUTES.map((r) => r.path)),
].map((path) => ({
  pattern: pathPattern(path),
  methods: Object.fromEntries(API_ROUTES.filter((r) => r.path === path).map((r) => [r.method, r.name])),
}));

/** Finds the route for a method and path: unknown path 404, known path with another method 405. */
export function match(method: string, path: string): { name: RouteName; fn: RouteFn; params: Record<string, string> } {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const name = Object.hasOwn(r.methods, method) ? r.methods[method] : undefined;
    if (!name) throw new MethodNotAllowed(Object.keys(r.methods));
    return { name, fn: HANDLERS[name], params: { ...(m.groups ?? {}) } };
  }
  throw new NotFound("no such route");
}

/** The one not-found answer for a missing note and another principal's note alike. */
const noteNotFound = () => new NotFound("note not found");

function noteId(params: Record<string, string>): string {
  const id = params.id ?? "";
  if (!NOTE_ID.test(id)) throw noteNotFound();
  return id;
}

/** A note as clients see it: no owner id, and its version only as the ETag header. */
const view = ({ userId: _owner, version: _version, ...note }: Note) => note;
const noteResponse = (status: number, note: Note, headers: Record<string, string> = {}): ApiResponse => ({
  status,
  body: view(note),
  headers: { ETag: etag(note.version), ...headers },
});

const logOf = (deps: RouteDeps): Log => deps.log ?? consoleLog;

async function createNote(req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  const input = parseBody(CreateNote, req.body, req.headers["content-type"]);
  const at = deps.now().toISOString();
  const note = await deps.store.create({
    userId: who.id,
    noteId: deps.newId(),
    title: input.title,
    content: input.content,
    tags: input.tags ?? [],
    createdAt: at,
    updatedAt: at,
  });
  // From the path the client called (a REST stage's /v1 or a domain's base path included), so the link resolves.
  return noteResponse(201, note, { Location: `${req.calledPath.replace(/\/+$/, "")}/${note.noteId}` });
}

async function listNotes(req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  // Decimal digits only: Number() would also read 0x10, 1e1, " 5" and 5.0.
  if (req.query.limit !== undefined && !/^[0-9]+$/.test(req.query.limit))
    throw new BadRequest(`limit: must be a whole number from 1 to ${LIMITS.listMax}`);
  const limit = req.query.limit === undefined ? LIMITS.listDefault : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.listMax)
    throw new BadRequest(`limit: must be a whole number from 1 to ${LIMITS.listMax}`);
  const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor, who);
  const page = await deps.store.list(who.id, limit, after);
  return {
    status: 200,
    body: { items: page.items.map(view), ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) },
  };
}

const encodeCursor = (key: NoteKey) =>
  Buffer.from(JSON.stringify({ userId: key.userId, noteId: key.noteId })).toString("base64url");

/**
 * A cursor is the last key of a page, and must be exactly one this API could have handed to this
 * caller: base64url of {"userId": <the caller>, "noteId": <a note id>}, nothing else. Anything
 * else (another owner, an empty or made-up note id, extra keys) is a 400 and never reaches DynamoDB.
 */
function decodeCursor(cursor: string, who: Principal): NoteKey {
  if (/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) {
    try {
      const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      if (key && typeof key === "object" && !Array.isArray(key)) {
        const { userId, noteId, ...rest } = key as Record<string, unknown>;
        if (userId === who.id && typeof noteId === "string" && NOTE_ID.test(noteId) && Object.keys(rest).length === 0)
          return { userId, noteId };
      }
    } catch {
      /* fall through */
    }
  }
  throw new BadRequest("cursor: not a cursor from this API");
}

async function getNote(
  _req: ApiRequest,
  who: Principal,
  deps: RouteDeps,
  params: Record<string, string>,
): Promise<ApiResponse> {
  const note = await deps.store.get(who.id, noteId(params));
  if (!note) throw noteNotFound();
  return noteResponse(200, note);
}

async function updateNote(
  req: ApiRequest,
  who: Principal,
  deps: RouteDeps,
  params: Record<string, string>,
): Promise<ApiResponse> {
  const id = noteId(params);
  const versions = ifMatch(req.headers);
  const patch = parseBody(UpdateNote, req.body, req.headers["content-type"]);
  const note = await deps.store.update(who.id, id, patch, deps.now().toISOString(), { versions });
  if (!note) throw noteNotFound();
  return noteResponse(200, note);
}

/**
 * The attachment keys are logged before the row goes, so even a crash right after the delete
 * leaves a record of them. Then the objects are deleted in batches within the S3 deadline; every
 * key that could not be deleted is logged by name (versioning's 30-day lifecycle removes the
 * noncurrent versions of those that were).
 */
async function deleteNote(
  req: ApiRequest,
  who: Principal,
  deps: RouteDeps,
  params: Record<string, string>,
): Promise<ApiResponse> {
  const log = logOf(deps);
  const note = await deps.store.remove(who.id, noteId(params), {
    versions: ifMatch(req.headers),
    beforeDelete: (n) => {
      if (n.attachmentKeys?.length)
        log({ level: "info", message: "deleting note with attachments", noteId: n.noteId, keys: n.attachmentKeys });
    },
  });
  if (!note) throw noteNotFound();
  const keys = note.attachmentKeys ?? [];
  const lateUploadsUntil = uploadWindowEnd(note, deps.now());
  if (keys.length > 0 && lateUploadsUntil) {
    // An upload URL cannot be revoked: one issued less than UPLOAD_URL_SECONDS ago can still put an
    // object under these keys after the delete below, and nothing would reference it.
    log({
      level: "warn",
      message:
        "upload URLs outlive the deleted note: an object uploaded to these keys before the time given is left behind",
      noteId: note.noteId,
      keys,
      until: lateUploadsUntil,
    });
  }
  if (keys.length > 0) {
    const report = await deps.removeObjects(keys).catch((err): RemovalReport => ({
      deleted: [],
      failed: keys.map((key) => ({ key, error: err instanceof Error ? err.message : "unknown" })),
    }));
    if (report.failed.length > 0) {
      log({
        level: "error",
        message: "attachments not deleted",
        orphaned: true,
        noteId: note.noteId,
        keys: report.failed.map((f) => f.key),
        errors: [...new Set(report.failed.map((f) => f.error))],
      });
    }
  }
  return { status: 204 };
}

/** Upload URLs live 5 minutes. */
export const UPLOAD_URL_SECONDS = 300;

/** When the last upload URL of a note expires, if that is still to come (its last change was a presign, or later). */
function uploadWindowEnd(note: Note, now: Date): string | undefined {
  const end = Date.parse(note.updatedAt) + UPLOAD_URL_SECONDS * 1000;
  return Number.isFinite(end) && end > now.getTime() ? new Date(end).toISOString() : undefined;
}

async function presignAttachment(
  req: ApiRequest,
  who: Principal,
  deps: RouteDeps,
  params: Record<string, string>,
): Promise<ApiResponse> {
  const id = noteId(params);
  const input = parseBody(AttachmentRequest, req.body, req.headers["content-type"]);
  if (input.size > deps.maxAttachmentBytes)
    throw new PayloadTooLarge(`size: an attachment may be at most ${deps.maxAttachmentBytes} bytes`);
  const key = attachmentKey(who.id, id, deps.newId());
  if (!(await deps.store.addAttachment(who.id, id, key, deps.now().toISOString(), LIMITS.attachments)))
    throw noteNotFound();
  const uploadUrl = await deps.presign(key, input.contentType, input.size, UPLOAD_URL_SECONDS);
  return {
    status: 200,
    body: { uploadUrl, key, expiresInSeconds: UPLOAD_URL_SECONDS, maxBytes: deps.maxAttachmentBytes },
  };
}

async function me(_req: ApiRequest, who: Principal): Promise<ApiResponse> {
  const cert = who.clientCert && {
    subject: who.clientCert.subjectDN,
    issuer: who.clientCert.issuerDN,
    serialNumber: who.clientCert.serialNumber,
  };
  return {
    status: 200,
    body: {
      id: who.id,
      kind: who.kind,
      door: who.door,
      groups: who.groups,
      scopes: who.scopes,
      isAdmin: who.isAdmin,
      ...(who.tier ? { tier: who.tier } : {}),
      ...(cert ? { clientCert: cert } : {}),
    },
  };
}

async function adminStats(_req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  if (!who.isAdmin) throw new Forbidden("admins only");
  return { status: 200, body: await deps.store.stats() };
}

export const newId = () => randomUUID();
