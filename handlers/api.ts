/**
 * Lambda entry point of the notes API (bundled by esbuild; AWS SDK v3 external).
 * Everything is built once per container, on the first event, from the environment.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readEnv } from "./env";
import { createHandler, HandlerDeps } from "./app";
import { DynamoNotesStore } from "./notes/store";
import { environmentCredentials, s3Presigner, s3Remover } from "./notes/attachments";
import { doorState } from "./doors";
import { newId } from "./routes";

/**
 * A handler configured only by an environment, as Lambda configures a container: the deployed
 * function uses `process.env`; local mode gives each local door its own environment.
 */
export function handlerFromEnvironment(vars: NodeJS.ProcessEnv) {
  let deps: HandlerDeps | undefined;
  return createHandler((): HandlerDeps => {
    if (deps) return deps;
    const env = readEnv(vars);
    const credentials = () => environmentCredentials(vars);
    const s3 = { bucket: env.bucket, region: env.region, credentials, endpoint: vars.AWS_ENDPOINT_URL_S3 };
    deps = {
      env,
      // Region, credentials and endpoint from this environment, not the process's (Lambda's are the same).
      store: new DynamoNotesStore(env.table, new DynamoDBClient({
        region: env.region,
        credentials: async () => credentials(),
        ...(vars.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: vars.AWS_ENDPOINT_URL_DYNAMODB } : {}),
      })),
      presign: s3Presigner(s3),
      removeObjects: s3Remover(s3),
      maxAttachmentBytes: env.maxAttachmentBytes,
      now: () => new Date(),
      newId,
      doorState: doorState(env),
    };
    return deps;
  });
}

export const handler = handlerFromEnvironment(process.env);
