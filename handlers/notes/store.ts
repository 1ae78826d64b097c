import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { TABLE_KEYS } from "./table";

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
}

export interface NotePage {
  items: Note[];
  /** Opaque; pass back as `cursor`. */
  next?: Record<string, string>;
}

/** Storage, always scoped by the owner: no method reads or writes another principal's row. */
export interface NotesStore {
  create(note: Note): Promise<void>;
  get(userId: string, noteId: string): Promise<Note | undefined>;
  list(userId: string, limit: number, after?: Record<string, string>): Promise<NotePage>;
  /** Undefined when the owner has no such note (nothing is written then). */
  update(userId: string, noteId: string, patch: Partial<Pick<Note, "title" | "content" | "tags">>, now: string): Promise<Note | undefined>;
  addAttachment(userId: string, noteId: string, key: string, now: string): Promise<boolean>;
  /** The deleted note, or undefined when the owner has no such note. */
  remove(userId: string, noteId: string): Promise<Note | undefined>;
  stats(): Promise<{ notes: number; principals: number }>;
}

/** The DynamoDB table: partition key userId, sort key noteId (actions: handlers/permissions.ts). */
export class DynamoNotesStore implements NotesStore {
  private readonly db: DynamoDBDocumentClient;

  /** `client`: a DynamoDB client, or the endpoint to build one for (AWS_ENDPOINT_URL_DYNAMODB); by default the SDK's own resolution. */
  constructor(private readonly table: string, client?: DynamoDBClient | string) {
    const c = client instanceof DynamoDBClient ? client : new DynamoDBClient(client ? { endpoint: client } : {});
    this.db = DynamoDBDocumentClient.from(c, { marshallOptions: { removeUndefinedValues: true } });
  }

  async create(note: Note): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: note, ConditionExpression: "attribute_not_exists(noteId)" }));
  }

  async get(userId: string, noteId: string): Promise<Note | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { userId, noteId }, ConsistentRead: true }));
    return out.Item as Note | undefined;
  }

  async list(userId: string, limit: number, after?: Record<string, string>): Promise<NotePage> {
    const out = await this.db.send(new QueryCommand({
      TableName: this.table,
      KeyConditionExpression: "userId = :u",
      ExpressionAttributeValues: { ":u": userId },
      Limit: limit,
      ExclusiveStartKey: after,
    }));
    return { items: (out.Items ?? []) as Note[], next: out.LastEvaluatedKey as Record<string, string> | undefined };
  }

  async update(userId: string, noteId: string, patch: Partial<Pick<Note, "title" | "content" | "tags">>, now: string): Promise<Note | undefined> {
    const fields = Object.entries({ ...patch, updatedAt: now }).filter(([, v]) => v !== undefined);
    return this.conditional(async () => {
      const out = await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: { userId, noteId },
        ConditionExpression: "attribute_exists(noteId)",
        UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(", ")}`,
        ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
        ReturnValues: "ALL_NEW",
      }));
      return out.Attributes as Note;
    });
  }

  async addAttachment(userId: string, noteId: string, key: string, now: string): Promise<boolean> {
    const done = await this.conditional(async () => {
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: { userId, noteId },
        ConditionExpression: "attribute_exists(noteId)",
        UpdateExpression: "SET attachmentKeys = list_append(if_not_exists(attachmentKeys, :empty), :key), updatedAt = :now",
        ExpressionAttributeValues: { ":empty": [], ":key": [key], ":now": now },
      }));
      return true;
    });
    return done ?? false;
  }

  async remove(userId: string, noteId: string): Promise<Note | undefined> {
    return this.conditional(async () => {
      const out = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { userId, noteId }, ConditionExpression: "attribute_exists(noteId)", ReturnValues: "ALL_OLD" }));
      return out.Attributes as Note;
    });
  }

  async stats(): Promise<{ notes: number; principals: number }> {
    const owners = new Set<string>();
    let notes = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new ScanCommand({ TableName: this.table, ProjectionExpression: "userId", ExclusiveStartKey: start }));
      for (const item of out.Items ?? []) owners.add(String(item.userId));
      notes += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return { notes, principals: owners.size };
  }

  /** Runs a conditional write; a failed condition (no such note for this owner) is undefined. */
  private async conditional<T>(write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
      throw err;
    }
  }
}
