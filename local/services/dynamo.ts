import type { AddressInfo } from "net";
import { TABLE_KEYS } from "../../handlers/contract/table";

/** The notes table's key schema for CreateTable, from the keys the store and the backend share. */
export const NOTES_KEY_SCHEMA = {
  KeySchema: [
    { AttributeName: TABLE_KEYS.partition, KeyType: "HASH" as const },
    { AttributeName: TABLE_KEYS.sort, KeyType: "RANGE" as const },
  ],
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.partition, AttributeType: "S" as const },
    { AttributeName: TABLE_KEYS.sort, AttributeType: "S" as const },
  ],
};

export interface LocalDynamo {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite (an in-process DynamoDB) on a loopback port; with `path`, data is kept on disk there
 * (LevelDB) and survives a restart.
 */
export async function startDynalite(opts: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dynalite = require("dynalite");
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(opts.path ? { path: opts.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A recorded `aws:dynamodb/table:Table`'s inputs as DynamoDB's CreateTable input (key schema, attributes, indexes). */
export function createTableInput(tableName: string, inputs: Record<string, any>) {
  const keys = (hash: string, range?: string) => [
    { AttributeName: hash, KeyType: "HASH" as const },
    ...(range ? [{ AttributeName: range, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: (inputs.attributes ?? []).map((a: { name: string; type: string }) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: keys(inputs.hashKey, inputs.rangeKey),
    ...(inputs.globalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: inputs.globalSecondaryIndexes.map((g: any) => ({
            IndexName: g.name,
            KeySchema: keys(g.hashKey, g.rangeKey),
            Projection: {
              ProjectionType: g.projectionType ?? "ALL",
              ...(g.nonKeyAttributes ? { NonKeyAttributes: g.nonKeyAttributes } : {}),
            },
          })),
        }
      : {}),
  };
}

/** Creates the tables the program records, unless dynalite already keeps them (data survives restarts). */
export async function ensureTables(
  endpoint: string,
  tables: { name: string; inputs: Record<string, any> }[],
  region: string,
): Promise<void> {
  const { DynamoDBClient, CreateTableCommand, ResourceInUseException } = await import("@aws-sdk/client-dynamodb");
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    for (const t of tables) {
      try {
        await client.send(new CreateTableCommand(createTableInput(t.name, t.inputs)));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
    }
  } finally {
    client.destroy();
  }
}
