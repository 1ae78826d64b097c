/**
 * The conventional notes handler, for the benchmark only (`npm run bench` bundles it; it is never
 * deployed): the same routes written the way most guides and SST's notes app write them, with the
 * AWS SDK v3 DynamoDBDocumentClient and @aws-sdk/s3-request-presigner, clients built at module
 * load, the caller's id from the REST authorizer's claims, and a JSON body per route.
 */
import { randomUUID } from "crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const s3 = new S3Client({});
const TABLE = process.env.NOTES_TABLE;
const BUCKET = process.env.ATTACHMENTS_BUCKET;

interface RestEvent {
  httpMethod: string;
  path: string;
  body: string | null;
  queryStringParameters: Record<string, string> | null;
  requestContext: { authorizer?: { claims?: Record<string, string> } | null };
}

const json = (statusCode: number, body?: unknown) => ({
  statusCode,
  headers: { "Content-Type": "application/json" },
  body: body === undefined ? "" : JSON.stringify(body),
});

export async function handler(event: RestEvent) {
  try {
    const userId = event.requestContext.authorizer?.claims?.sub;
    if (!userId) return json(401, { error: "Unauthorized" });
    const id = /^\/notes\/([^/]+)/.exec(event.path)?.[1];
    const data = event.body ? JSON.parse(event.body) : {};
    const key = { userId, noteId: id };

    if (event.path === "/notes" && event.httpMethod === "POST") {
      const now = new Date().toISOString();
      const item = {
        userId,
        noteId: randomUUID(),
        title: data.title,
        content: data.content,
        tags: data.tags ?? [],
        createdAt: now,
        updatedAt: now,
      };
      await dynamoDb.send(new PutCommand({ TableName: TABLE, Item: item }));
      return json(201, item);
    }
    if (event.path === "/notes" && event.httpMethod === "GET") {
      const cursor = event.queryStringParameters?.cursor;
      const result = await dynamoDb.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: "userId = :userId",
          ExpressionAttributeValues: { ":userId": userId },
          Limit: Number(event.queryStringParameters?.limit ?? 50),
          ExclusiveStartKey: cursor ? JSON.parse(Buffer.from(cursor, "base64").toString()) : undefined,
        }),
      );
      return json(200, {
        items: result.Items,
        nextCursor: result.LastEvaluatedKey
          ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString("base64")
          : undefined,
      });
    }
    if (id && event.path.endsWith("/attachment") && event.httpMethod === "POST") {
      const objectKey = `private/${userId}/${id}/${randomUUID()}`;
      const uploadUrl = await getSignedUrl(
        s3,
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: objectKey,
          ContentType: data.contentType,
          ContentLength: data.size,
        }),
        { expiresIn: 300 },
      );
      await dynamoDb.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: "SET attachmentKeys = list_append(if_not_exists(attachmentKeys, :empty), :key)",
          ExpressionAttributeValues: { ":empty": [], ":key": [objectKey] },
        }),
      );
      return json(200, { uploadUrl, key: objectKey });
    }
    if (id && event.httpMethod === "GET") {
      const result = await dynamoDb.send(new GetCommand({ TableName: TABLE, Key: key }));
      return result.Item ? json(200, result.Item) : json(404, { error: "Item not found." });
    }
    if (id && event.httpMethod === "PUT") {
      const result = await dynamoDb.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: "SET title = :title, content = :content, tags = :tags, updatedAt = :updatedAt",
          ExpressionAttributeValues: {
            ":title": data.title ?? null,
            ":content": data.content ?? null,
            ":tags": data.tags ?? [],
            ":updatedAt": new Date().toISOString(),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return json(200, result.Attributes);
    }
    if (id && event.httpMethod === "DELETE") {
      await dynamoDb.send(new DeleteCommand({ TableName: TABLE, Key: key }));
      return json(204);
    }
    return json(404, { error: "Not found" });
  } catch (e) {
    console.error(e);
    return json(500, { error: e instanceof Error ? e.message : String(e) });
  }
}
