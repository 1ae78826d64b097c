import { Expected, NewNote, Note, NotePage, NotesStore, RemoveOptions, newVersion } from "../../handlers/entries/api";

/** The storage call stubbed out: a Map, so the handler's own overhead shows apart from DynamoDB's. */
export class MemoryNotesStore implements NotesStore {
  private readonly rows = new Map<string, Note>();
  private k = (u: string, n: string) => `${u}\u0000${n}`;
  async create(input: NewNote) {
    const note = { ...input, version: newVersion() };
    this.rows.set(this.k(note.userId, note.noteId), note);
    return note;
  }
  async get(u: string, n: string) {
    return this.rows.get(this.k(u, n));
  }
  async list(u: string, limit: number): Promise<NotePage> {
    const items: Note[] = [];
    for (const note of this.rows.values()) if (note.userId === u && items.length < limit) items.push(note);
    return { items };
  }
  async update(u: string, n: string, patch: Partial<Note>, now: string, expected: Expected = {}) {
    const note = this.rows.get(this.k(u, n));
    if (!note) return undefined;
    if (expected.versions && !expected.versions.includes(note.version)) throw new Error("version mismatch");
    const next = { ...note, ...patch, updatedAt: now, version: newVersion() };
    this.rows.set(this.k(u, n), next);
    return next;
  }
  async addAttachment(u: string, n: string, key: string) {
    const note = this.rows.get(this.k(u, n));
    if (!note) return false;
    note.attachmentKeys = [...(note.attachmentKeys ?? []), key];
    return true;
  }
  async remove(u: string, n: string, opts: RemoveOptions = {}) {
    const note = this.rows.get(this.k(u, n));
    if (note) opts.beforeDelete?.(note);
    this.rows.delete(this.k(u, n));
    return note;
  }
  async stats() {
    return { notes: this.rows.size, principals: new Set([...this.rows.values()].map((n) => n.userId)).size };
  }
}
