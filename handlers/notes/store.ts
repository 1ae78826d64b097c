import { randomBytes } from "crypto";
import { Conflict, PayloadTooLarge, PreconditionFailed, ServiceUnavailable } from "../http/errors";
import { AwsServiceError, ServiceUnreachable } from "./aws";
import { DynamoClient, marshall, unmarshall } from "./dynamo";
import { TABLE_KEYS } from "../contract/table";

export { TABLE_KEYS };

/** A stored note; `userId` is the owner's principal id (the partition key). */
export interface Note {
  userId: string;
  noteId: string;
  title: string;
  content: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  attachmentKeys?: string[];
  /** A new random token on every write: the note's ETag. */
  version: string;
}

/** What a client creates; the store gives it its first version. */
export type NewNote = Omit<Note, "version" | "attachmentKeys">;

/** A note's key in the table: where a page of a listing ends. */
export interface NoteKey {
  userId: string;
  noteId: string;
}

export interface NotePage {
  items: Note[];
  /** Where the next page starts; the API hands it out as an opaque cursor. */
  next?: NoteKey;
}

/** If-Match: the versions the client accepts (any one of them); absent means "whatever is stored". */
export interface Expected {
  versions?: string[];
}

export interface RemoveOptions extends Expected {
  /** Called with the note as it is about to be deleted, before the row goes (to log its attachment keys). */
  beforeDelete?: (note: Note) => void;
}

/** Storage, always scoped by the owner: no method reads or writes another principal's row. */
export interface NotesStore {
  create(note: NewNote): Promise<Note>;
  get(userId: string, noteId: string): Promise<Note | undefined>;
  list(userId: string, limit: number, after?: NoteKey): Promise<NotePage>;
  /** Undefined when the owner has no such note (nothing is written then); PreconditionFailed on a version mismatch. */
  update(
    userId: string,
    noteId: string,
    patch: Partial<Pick<Note, "title" | "content" | "tags">>,
    now: string,
    expected?: Expected,
  ): Promise<Note | undefined>;
  /** False when the owner has no such note; Conflict when it already has `max` attachments. */
  addAttachment(userId: string, noteId: string, key: string, now: string, max: number): Promise<boolean>;
  /** The deleted note, or undefined when the owner has no such note; PreconditionFailed on a version mismatch. */
  remove(userId: string, noteId: string, opts?: RemoveOptions): Promise<Note | undefined>;
  stats(): Promise<{ notes: number; principals: number }>;
}

/** The version of a row written before notes had versions. */
export const LEGACY_VERSION = "0";

export const newVersion = () => randomBytes(8).toString("hex");

/** Rounds of read-then-delete when the note keeps changing in between (each round is one read and one delete). */
const DELETE_ROUNDS = 3;

/**
 * "Item size has exceeded the maximum allowed size" (PutItem) and "Item size to update has
 * exceeded ..." (UpdateItem): a ValidationException for an item over 400 KB
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items).
 */
const ITEM_TOO_LARGE = /Item size (to update )?has exceeded the maximum allowed size/;

type Item = Record<string, unknown>;
type AttributeMap = Record<string, unknown>;

/**
 * The DynamoDB table: partition key userId, sort key noteId (actions: handlers/contract/permissions.ts).
 *
 * Every write is conditional and sets a fresh `version`, so a retry can tell its own earlier
 * attempt from someone else's write: when a retried write fails its condition, a consistent read
 * shows whether the stored version is the one this call wrote. A storage outage or a deadline
 * that passes is a 503; no call leaves more than the one item it writes.
 * Conditional writes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export class DynamoNotesStore implements NotesStore {
  constructor(
    private readonly table: string,
    private readonly db: DynamoClient,
    private readonly makeVersion: () => string = newVersion,
  ) {}

  async create(input: NewNote): Promise<Note> {
    const note: Note = { ...input, version: this.makeVersion() };
    const deadline = this.db.deadline();
    await this.write(
      deadline,
      "PutItem",
      {
        Item: marshall(note, { removeUndefinedValues: true }),
        ConditionExpression: "attribute_not_exists(#noteId)",
        ExpressionAttributeNames: { "#noteId": TABLE_KEYS.sort },
      },
      async () => {
        // The id is a fresh UUID: the row can only be our own earlier attempt.
        if ((await this.read(deadline, note.userId, note.noteId))?.version !== note.version)
          throw new Conflict("a note with this id exists");
      },
    );
    return note;
  }

  async get(userId: string, noteId: string): Promise<Note | undefined> {
    return this.read(this.db.deadline(), userId, noteId);
  }

  async list(userId: string, limit: number, after?: NoteKey): Promise<NotePage> {
    const out = await this.call<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>(
      this.db.deadline(),
      "Query",
      {
        TableName: this.table,
        KeyConditionExpression: "#userId = :u",
        ExpressionAttributeNames: { "#userId": TABLE_KEYS.partition },
        ExpressionAttributeValues: marshall({ ":u": userId }),
        Limit: limit,
        ...(after
          ? { ExclusiveStartKey: marshall({ [TABLE_KEYS.partition]: after.userId, [TABLE_KEYS.sort]: after.noteId }) }
          : {}),
      },
    );
    const next = out.LastEvaluatedKey ? (unmarshall(out.LastEvaluatedKey as never) as Item) : undefined;
    return {
      items: (out.Items ?? []).map(toNote),
      ...(next ? { next: { userId: String(next[TABLE_KEYS.partition]), noteId: String(next[TABLE_KEYS.sort]) } } : {}),
    };
  }

  async update(
    userId: string,
    noteId: string,
    patch: Partial<Pick<Note, "title" | "content" | "tags">>,
    now: string,
    expected: Expected = {},
  ): Promise<Note | undefined> {
    const version = this.makeVersion();
    const fields = Object.entries({ ...patch, updatedAt: now, version }).filter(([, v]) => v !== undefined);
    const deadline = this.db.deadline();
    const condition = versionCondition(expected.versions);
    let outcome: Note | undefined;
    const out = await this.write<{ Attributes?: AttributeMap }>(
      deadline,
      "UpdateItem",
      {
        Key: marshall({ [TABLE_KEYS.partition]: userId, [TABLE_KEYS.sort]: noteId }),
        ConditionExpression: `attribute_exists(#noteId)${condition ? ` AND ${condition.expression}` : ""}`,
        UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(", ")}`,
        ExpressionAttributeNames: {
          "#noteId": TABLE_KEYS.sort,
          ...Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
          ...condition?.names,
        },
        ExpressionAttributeValues: marshall({
          ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
          ...condition?.values,
        }),
        ReturnValues: "ALL_NEW",
      },
      async () => {
        const current = await this.read(deadline, userId, noteId);
        if (!current) return;
        if (current.version !== version) throw new PreconditionFailed();
        outcome = current; // our own earlier attempt landed
      },
    );
    return out ? toNote(out.Attributes ?? {}) : outcome;
  }

  async addAttachment(userId: string, noteId: string, key: string, now: string, max: number): Promise<boolean> {
    const deadline = this.db.deadline();
    let added = true;
    await this.write(
      deadline,
      "UpdateItem",
      {
        Key: marshall({ [TABLE_KEYS.partition]: userId, [TABLE_KEYS.sort]: noteId }),
        // contains() and size() on a list: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
        ConditionExpression:
          "attribute_exists(#noteId) AND NOT contains(#keys, :key) AND (attribute_not_exists(#keys) OR " +
          "size(#keys) < :max)",
        UpdateExpression:
          "SET #keys = list_append(if_not_exists(#keys, :empty), :added), #updatedAt = :now, #version = :version",
        ExpressionAttributeNames: {
          "#noteId": TABLE_KEYS.sort,
          "#keys": "attachmentKeys",
          "#updatedAt": "updatedAt",
          "#version": "version",
        },
        ExpressionAttributeValues: marshall({
          ":key": key,
          ":max": max,
          ":empty": [],
          ":added": [key],
          ":now": now,
          ":version": this.makeVersion(),
        }),
      },
      async () => {
        const current = await this.read(deadline, userId, noteId);
        if (current?.attachmentKeys?.includes(key)) return; // our own earlier attempt landed
        if (current) throw new Conflict(`a note has at most ${max} attachments; this one is full`);
        added = false;
      },
    );
    return added;
  }

  /**
   * Reads the note, hands it to `beforeDelete` (the caller logs its attachment keys), then deletes
   * it only if it is still that version, so a key added in between is never lost track of.
   */
  async remove(userId: string, noteId: string, opts: RemoveOptions = {}): Promise<Note | undefined> {
    const deadline = this.db.deadline();
    for (let round = 0; round < DELETE_ROUNDS; round++) {
      const note = await this.read(deadline, userId, noteId);
      if (!note) return undefined;
      if (opts.versions && !opts.versions.includes(note.version)) throw new PreconditionFailed();
      opts.beforeDelete?.(note);
      const condition = versionCondition([note.version])!;
      let gone = true;
      await this.write(
        deadline,
        "DeleteItem",
        {
          Key: marshall({ [TABLE_KEYS.partition]: userId, [TABLE_KEYS.sort]: noteId }),
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: condition.names,
          ExpressionAttributeValues: marshall(condition.values),
        },
        async () => {
          // Gone (our own earlier attempt, or another delete): the note is deleted either way.
          gone = !(await this.read(deadline, userId, noteId));
        },
      );
      if (gone) return note;
    }
    throw new Conflict("the note kept changing while it was being deleted; try again");
  }

  async stats(): Promise<{ notes: number; principals: number }> {
    const owners = new Set<string>();
    let notes = 0;
    let start: AttributeMap | undefined;
    const deadline = this.db.deadline();
    do {
      const out = await this.call<{ Items?: AttributeMap[]; Count?: number; LastEvaluatedKey?: AttributeMap }>(
        deadline,
        "Scan",
        {
          TableName: this.table,
          ProjectionExpression: "#userId",
          ExpressionAttributeNames: { "#userId": TABLE_KEYS.partition },
          ...(start ? { ExclusiveStartKey: start } : {}),
        },
      );
      for (const item of out.Items ?? []) owners.add(String(unmarshall(item as never)[TABLE_KEYS.partition]));
      notes += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return { notes, principals: owners.size };
  }

  private async read(deadline: number, userId: string, noteId: string): Promise<Note | undefined> {
    const out = await this.call<{ Item?: AttributeMap }>(deadline, "GetItem", {
      TableName: this.table,
      Key: marshall({ [TABLE_KEYS.partition]: userId, [TABLE_KEYS.sort]: noteId }),
      ConsistentRead: true,
    });
    return out.Item ? toNote(out.Item) : undefined;
  }

  /**
   * A conditional write. When its condition fails, `onConditionFailed` decides what that means
   * (a missing note, a version mismatch, or our own earlier attempt) and the write returns undefined.
   */
  private async write<T>(
    deadline: number,
    operation: string,
    input: Record<string, unknown>,
    onConditionFailed: () => Promise<void>,
  ): Promise<T | undefined> {
    try {
      return await this.call<T>(deadline, operation, { TableName: this.table, ...input });
    } catch (err) {
      if (err instanceof AwsServiceError && err.type === "ConditionalCheckFailedException") {
        await onConditionFailed();
        return undefined;
      }
      throw err;
    }
  }

  /** One DynamoDB call, its failures as the API's errors: 503 when unreachable, 413 for an item over the size limit. */
  private async call<T>(deadline: number, operation: string, input: Record<string, unknown>): Promise<T> {
    try {
      return await this.db.call<T>(operation, input, deadline);
    } catch (err) {
      if (err instanceof ServiceUnreachable) throw new ServiceUnavailable(undefined, undefined, { cause: err });
      if (err instanceof AwsServiceError && err.type === "ValidationException" && ITEM_TOO_LARGE.test(err.message)) {
        throw new PayloadTooLarge("the note would exceed DynamoDB's 400 KB item size limit");
      }
      throw err;
    }
  }
}

/**
 * If-Match (a non-empty list) as a condition on the stored version; a legacy row (no version) matches LEGACY_VERSION.
 */
function versionCondition(
  versions: string[] | undefined,
): { expression: string; names: Record<string, string>; values: Record<string, string> } | undefined {
  if (!versions) return undefined;
  const values = Object.fromEntries(versions.map((v, i) => [`:v${i}`, v]));
  const legacy = versions.includes(LEGACY_VERSION) ? "attribute_not_exists(#version) OR " : "";
  return {
    expression: `(${legacy}#version IN (${Object.keys(values).join(", ")}))`,
    names: { "#version": "version" },
    values,
  };
}

function toNote(attributes: AttributeMap): Note {
  const item = unmarshall(attributes as never) as Item;
  return { ...(item as unknown as Note), version: typeof item.version === "string" ? item.version : LEGACY_VERSION };
}
