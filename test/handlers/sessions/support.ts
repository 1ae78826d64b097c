import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { REVOKED_SESSION_KEYS } from "../../../handlers/contract/table";
import type { startDynalite } from "../../support/handler";

/** The revoked sessions table of these specs. */
export const REVOKED_TABLE = "revoked-sessions";

let seq = 0;
/** A session id of Cognito's form (a UUID), new for each call. */
export const sessionId = () => `0f6c1d1e-2222-4b3b-9c4c-${String(++seq).padStart(12, "0")}`;

/** The revoked sessions table as the backend makes it (hash key sessionId, no sort key). */
export async function createRevokedTable(db: Awaited<ReturnType<typeof startDynalite>>): Promise<void> {
  await db.client.send(
    new CreateTableCommand({
      TableName: REVOKED_TABLE,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: REVOKED_SESSION_KEYS.partition, AttributeType: "S" }],
      KeySchema: [{ AttributeName: REVOKED_SESSION_KEYS.partition, KeyType: "HASH" }],
    }),
  );
}
