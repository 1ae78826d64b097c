import type { AddressInfo } from "net";
import { TABLE_KEYS } from "../../handlers/contract/table";
import { headerValue, IncomingRequest } from "../gateways/events";
import { GatewayReply, listen } from "../gateways/http";
import type { IssuedCredentials, LocalIam } from "./iam";
import { jsonSignatureError } from "./protocol";
import { LocalFaults, dynamoThrottled } from "./faults";
import { signedPart, verifySigV4 } from "./sigv4";

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
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: "local",
    secretAccessKey: "local",
  },
): Promise<void> {
  const { DynamoDBClient, CreateTableCommand, ResourceInUseException } = await import("@aws-sdk/client-dynamodb");
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials,
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

/** A table's ARN, and an index's under it. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html */
const tableArn = (region: string, account: string, table: string, index?: string) =>
  `arn:aws:dynamodb:${region}:${account}:table/${table}${index ? `/index/${index}` : ""}`;

/** The resources a DynamoDB request acts on (the tables, or an index, it names); `*` for ListTables. */
export function dynamoResources(operation: string, body: Record<string, any>, region: string, account: string) {
  if (operation === "ListTables") return ["*"];
  const named = [
    ...(body.TableName ? [tableArn(region, account, body.TableName, body.IndexName)] : []),
    ...Object.keys(body.RequestItems ?? {}).map((t) => tableArn(region, account, t)),
    ...(body.TransactItems ?? []).flatMap((item: Record<string, { TableName?: string }>) =>
      Object.values(item ?? {}).flatMap((op) => (op?.TableName ? [tableArn(region, account, op.TableName)] : [])),
    ),
  ];
  return [...new Set(named)];
}

/**
 * DynamoDB's front, locally: every request must be SigV4-signed (service `dynamodb`) with
 * credentials the local services issued, and the caller's RECORDED identity policies must allow
 * `dynamodb:<Operation>` on each table it names; only then does dynalite (which checks neither)
 * answer. Errors are DynamoDB's: UnrecognizedClientException, InvalidSignatureException, …, and
 * AccessDeniedException, all 400.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/using-identity-based-policies.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html (the message)
 */
export async function guardDynamo(
  backend: LocalDynamo,
  deps: { iam: LocalIam; region: string; log(line: string): void; now?: () => number; faults?: LocalFaults },
): Promise<LocalDynamo> {
  const server = await listen(
    0,
    async (req) => {
      // A fault of the service (services/faults.ts) comes first, as an overloaded or unreachable DynamoDB would.
      const faulted = await deps.faults?.apply("dynamodb", () => {
        const operation = (headerValue(req.headers, "x-amz-target") ?? "").split(".")[1] ?? "";
        let table: string | undefined;
        try {
          table = JSON.parse(req.body?.toString("utf8") || "{}").TableName;
        } catch {
          table = undefined;
        }
        return dynamoThrottled(operation, table && tableArn(deps.region, deps.iam.account, table));
      });
      if (faulted) return faulted;
      const checked = await verifySigV4<IssuedCredentials>(signedPart(req), {
        service: "dynamodb",
        region: deps.region,
        lookup: (k) => deps.iam.lookup(k),
        now: deps.now,
      });
      if (!checked.ok) return dynamoError(jsonSignatureError(checked.failure), checked.message);
      const operation = (headerValue(req.headers, "x-amz-target") ?? "").split(".")[1] ?? "";
      let body: Record<string, any>;
      try {
        body = JSON.parse(req.body?.toString("utf8") || "{}");
      } catch {
        return dynamoError("SerializationException", "Start of structure or map found where not expected");
      }
      const caller = checked.credentials.principal;
      const action = `dynamodb:${operation}`;
      for (const resource of dynamoResources(operation, body ?? {}, deps.region, deps.iam.account)) {
        const decision = await deps.iam.allows(caller, action, resource);
        if (decision !== "Allowed") {
          deps.log(`DynamoDB: ${caller.arn} may not ${action} on ${resource} (${decision})`);
          return dynamoError(
            "AccessDeniedException",
            `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because ` +
              (decision === "ExplicitlyDenied"
                ? `of an explicit deny in an identity-based policy`
                : `no identity-based policy allows the ${action} action`),
          );
        }
      }
      return forward(backend.endpoint, req);
    },
    deps.log,
  );
  return {
    endpoint: server.origin,
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}

/** DynamoDB's errors: AWS JSON 1.0, `__type` `com.amazonaws.dynamodb.v20120810#<Code>`, 400. */
function dynamoError(code: string, message: string): GatewayReply {
  return {
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": code },
    body: Buffer.from(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message })),
  };
}

/** The request, as received, to dynalite; its answer as it came. */
async function forward(endpoint: string, req: IncomingRequest): Promise<GatewayReply> {
  const headers = Object.fromEntries(
    Object.entries(req.headers)
      .filter(([k, v]) => v !== undefined && !["host", "connection", "content-length"].includes(k.toLowerCase()))
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]),
  );
  const res = await fetch(`${endpoint}${req.rawPath ?? req.path}${req.rawQuery ? `?${req.rawQuery}` : ""}`, {
    method: req.method,
    headers,
    ...(req.body?.length && req.method !== "GET" ? { body: new Uint8Array(req.body) } : {}),
  });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!["content-length", "connection", "transfer-encoding", "content-encoding"].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
}
