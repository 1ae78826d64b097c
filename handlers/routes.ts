import { randomUUID } from "crypto";
import { ApiRequest, ApiResponse } from "./http/request";
import { API_ROUTES, RouteName } from "./routeTable";
import { BadRequest, Forbidden, MethodNotAllowed, NotFound, PayloadTooLarge } from "./http/errors";
import { Principal } from "./principal";
import { AttachmentRequest, CreateNote, LIMITS, NOTE_ID, UpdateNote, parseBody } from "./notes/schema";
import { Note, NotesStore } from "./notes/store";
import { ObjectRemover, Presigner, attachmentKey } from "./notes/attachments";

export interface RouteDeps {
  store: NotesStore;
  presign: Presigner;
  /** Deletes a deleted note's attachments. */
  removeObjects: ObjectRemover;
  log?: (entry: Record<string, unknown>) => void;
  maxAttachmentBytes: number;
  now: () => Date;
  newId: () => string;
}

type RouteFn = (req: ApiRequest, who: Principal, deps: RouteDeps, params: Record<string, string>) => Promise<ApiResponse>;

/** The function behind each route name; the compiler checks that every name has one. */
const HANDLERS: Record<RouteName, RouteFn> = { listNotes, createNote, getNote, updateNote, deleteNote, presignAttachment, me, adminStats };

/** `/notes/{id}` -> /^\/notes\/(?<id>[^/]+)\/?$/ */
function pathPattern(path: string): RegExp {
  const source = path.split("/").map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("\\/");
  return new RegExp(`^${source}\\/?$`);
}

/** The routes by path pattern and method, built from the one table the doors also use. */
const ROUTES: { pattern: RegExp; methods: Record<string, RouteFn> }[] = [...new Set(API_ROUTES.map((r) => r.path))].map((path) => ({
  pattern: pathPattern(path),
  methods: Object.fromEntries(API_ROUTES.filter((r) => r.path === path).map((r) => [r.method, HANDLERS[r.name]])),
}));

/** Finds the route for a method and path: unknown path 404, known path with another method 405. */
export function match(method: string, path: string): { fn: RouteFn; params: Record<string, string> } {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    const fn = r.methods[method];
    if (!fn) throw new MethodNotAllowed(Object.keys(r.methods));
    return { fn, params: { ...(m.groups ?? {}) } };
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

const view = ({ userId: _owner, ...note }: Note) => note;

async function createNote(req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  const input = parseBody(CreateNote, req.body, req.headers["content-type"]);
  const at = deps.now().toISOString();
  const note: Note = { userId: who.id, noteId: deps.newId(), title: input.title, content: input.content, tags: input.tags ?? [], createdAt: at, updatedAt: at };
  await deps.store.create(note);
  return { status: 201, body: view(note), headers: { Location: `/notes/${note.noteId}` } };
}

async function listNotes(req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  const limit = req.query.limit === undefined ? LIMITS.listDefault : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.listMax) throw new BadRequest(`limit: must be a whole number from 1 to ${LIMITS.listMax}`);
  const after = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor, who);
  const page = await deps.store.list(who.id, limit, after);
  return { status: 200, body: { items: page.items.map(view), ...(page.next ? { nextCursor: Buffer.from(JSON.stringify(page.next)).toString("base64url") } : {}) } };
}

/** A cursor is the last key of a page; one that names another owner is refused. */
function decodeCursor(cursor: string, who: Principal): Record<string, string> {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (key && key.userId === who.id && typeof key.noteId === "string" && Object.keys(key).length === 2) return key;
  } catch {
    /* fall through */
  }
  throw new BadRequest("cursor: not a cursor from this API");
}

async function getNote(_req: ApiRequest, who: Principal, deps: RouteDeps, params: Record<string, string>): Promise<ApiResponse> {
  const note = await deps.store.get(who.id, noteId(params));
  if (!note) throw noteNotFound();
  return { status: 200, body: view(note) };
}

async function updateNote(req: ApiRequest, who: Principal, deps: RouteDeps, params: Record<string, string>): Promise<ApiResponse> {
  const id = noteId(params);
  const patch = parseBody(UpdateNote, req.body, req.headers["content-type"]);
  const note = await deps.store.update(who.id, id, patch, deps.now().toISOString());
  if (!note) throw noteNotFound();
  return { status: 200, body: view(note) };
}

/**
 * The row goes first (so a note never outlives a failed object delete), then its attachments.
 * If S3 fails, the note is still gone: the keys are logged for a sweep, and versioning's 30-day
 * lifecycle covers the delete markers.
 */
async function deleteNote(_req: ApiRequest, who: Principal, deps: RouteDeps, params: Record<string, string>): Promise<ApiResponse> {
  const note = await deps.store.remove(who.id, noteId(params));
  if (!note) throw noteNotFound();
  const keys = note.attachmentKeys ?? [];
  if (keys.length > 0) {
    try {
      await deps.removeObjects(keys);
    } catch (err) {
      (deps.log ?? ((e) => console.error(JSON.stringify(e))))({ level: "error", message: "attachments not deleted", noteId: note.noteId, keys, error: err instanceof Error ? err.message : "unknown" });
    }
  }
  return { status: 204 };
}

/** Upload URLs live 5 minutes. */
export const UPLOAD_URL_SECONDS = 300;

async function presignAttachment(req: ApiRequest, who: Principal, deps: RouteDeps, params: Record<string, string>): Promise<ApiResponse> {
  const id = noteId(params);
  const input = parseBody(AttachmentRequest, req.body, req.headers["content-type"]);
  if (input.size > deps.maxAttachmentBytes) throw new PayloadTooLarge(`size: an attachment may be at most ${deps.maxAttachmentBytes} bytes`);
  const key = attachmentKey(who.id, id, deps.newId());
  if (!(await deps.store.addAttachment(who.id, id, key, deps.now().toISOString()))) throw noteNotFound();
  const uploadUrl = await deps.presign(key, input.contentType, input.size, UPLOAD_URL_SECONDS);
  return { status: 200, body: { uploadUrl, key, expiresInSeconds: UPLOAD_URL_SECONDS, maxBytes: deps.maxAttachmentBytes } };
}

async function me(_req: ApiRequest, who: Principal): Promise<ApiResponse> {
  const cert = who.clientCert && { subject: who.clientCert.subjectDN, issuer: who.clientCert.issuerDN, serialNumber: who.clientCert.serialNumber };
  return { status: 200, body: { id: who.id, kind: who.kind, door: who.door, groups: who.groups, scopes: who.scopes, isAdmin: who.isAdmin, ...(cert ? { clientCert: cert } : {}) } };
}

async function adminStats(_req: ApiRequest, who: Principal, deps: RouteDeps): Promise<ApiResponse> {
  if (!who.isAdmin) throw new Forbidden("admins only");
  return { status: 200, body: await deps.store.stats() };
}

export const newId = () => randomUUID();
