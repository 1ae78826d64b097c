import * as assert from "assert";
import { DynamoDBClient, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-providers";
import { TABLE_KEYS } from "../../../handlers/contract/table";
import { signIn } from "../../../local/clients/doorClient";
import { TestDoor, useTestDoor } from "../../support/localStack";

/**
 * The local DynamoDB (local/services/dynamo.ts) answers only signed requests from credentials the
 * local services issued, and only for actions the caller's RECORDED IAM policies allow, as DynamoDB does.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 */
describe("local DynamoDB: SigV4 and the caller's IAM policies", function () {
  this.timeout(30000);
  let door: TestDoor;
  // given the iam door (an identity pool whose authenticated role grants execute-api only)
  useTestDoor((started) => (door = started), "iam");

  const region = () => door.outputs.region;
  const dynamo = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
    new DynamoDBClient({
      region: region(),
      endpoint: door.outputs.local.endpoints.dynamodb,
      credentials,
      maxAttempts: 1,
    });
  const scan = async (credentials: Parameters<typeof dynamo>[0]) => {
    const client = dynamo(credentials);
    try {
      return await client.send(new ScanCommand({ TableName: door.outputs.tableName }));
    } finally {
      client.destroy();
    }
  };

  it("given made-up access keys, when they scan the notes table, then UnrecognizedClientException (400)", async () => {
    await assert.rejects(
      scan({ accessKeyId: "AKIAMADEUPMADEUP0000", secretAccessKey: "made-up" }),
      (err: any) => err.name === "UnrecognizedClientException" && err.$metadata?.httpStatusCode === 400,
    );
  });

  it(
    "given alice's identity-pool credentials, when she scans the notes table, then AccessDeniedException (400) " +
      "naming dynamodb:Scan; with her secret altered, InvalidSignatureException",
    async () => {
      const user = door.outputs.local.users[0];
      const tokens = await signIn(door.outputs, user);
      const credentials = await fromCognitoIdentityPool({
        clientConfig: { region: region(), endpoint: door.outputs.local.endpoints.aws },
        identityPoolId: String(door.outputs.client.identityPoolId),
        logins: { [`cognito-idp.${region()}.amazonaws.com/${door.outputs.client.userPoolId}`]: tokens.id_token! },
      })();
      await assert.rejects(
        scan(credentials),
        (err: any) =>
          err.name === "AccessDeniedException" &&
          err.$metadata?.httpStatusCode === 400 &&
          /is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:/.test(err.message),
      );
      await assert.rejects(
        scan({ ...credentials, secretAccessKey: "x" + credentials.secretAccessKey }),
        (err: any) => err.name === "InvalidSignatureException",
      );
    },
  );

  it("given the function's own credentials (its role's), when it reads the table, then DynamoDB answers", async () => {
    const fn = door.lambda.functions.find((f) => f.environment.AUTH_MODE) ?? door.lambda.functions[0];
    const client = dynamo({
      accessKeyId: fn.environment.AWS_ACCESS_KEY_ID,
      secretAccessKey: fn.environment.AWS_SECRET_ACCESS_KEY,
      sessionToken: fn.environment.AWS_SESSION_TOKEN,
    });
    try {
      const out = await client.send(
        new GetItemCommand({
          TableName: door.outputs.tableName,
          Key: { [TABLE_KEYS.partition]: { S: "x" }, [TABLE_KEYS.sort]: { S: "y" } },
        }),
      );
      assert.equal(out.Item, undefined);
    } finally {
      client.destroy();
    }
  });
});
