/**
 * Lambda entry point of the notes API (bundled by esbuild with everything it needs: no AWS SDK).
 * Everything is built once per container, on the first event, from the environment.
 */
import { readEnv } from "../env";
import { createHandler, HandlerDeps } from "../app";
import { DynamoNotesStore } from "../notes/store";
import { DynamoClient } from "../notes/dynamo";
import { environmentCredentials, serviceEndpoint } from "../notes/aws";
import { s3Presigner, s3Remover } from "../notes/attachments";
import { doorStates } from "../doors";
import { newId } from "../routes";
import { SessionRevocations } from "../sessions/revocations";
import { cognitoRevoker } from "../sessions/revokeToken";

/**
 * What a caller in this process may put in place of what the environment would build: the
 * benchmark's storage in memory, its stubbed attachments and its door state with stubbed keys.
 */
export type HandlerOverrides = Partial<Omit<HandlerDeps, "env">>;

/**
 * A handler configured only by an environment, as Lambda configures a container: the deployed
 * function uses `process.env`; local mode gives each local door its own environment. `overrides`
 * replace the dependencies the environment would give (none for Lambda and local mode).
 */
export function handlerFromEnvironment(vars: NodeJS.ProcessEnv, overrides: HandlerOverrides = {}) {
  let deps: HandlerDeps | undefined;
  return createHandler((): HandlerDeps => {
    if (deps) return deps;
    const env = readEnv(vars);
    const credentials = () => environmentCredentials(vars);
    const s3 = { bucket: env.bucket, region: env.region, credentials, endpoint: serviceEndpoint("S3", vars) };
    const dynamo = new DynamoClient({ region: env.region, credentials, endpoint: serviceEndpoint("DYNAMODB", vars) });
    const r = env.revocation;
    deps = {
      env,
      store: new DynamoNotesStore(env.table, dynamo),
      presign: s3Presigner(s3),
      removeObjects: s3Remover(s3),
      maxAttachmentBytes: env.maxAttachmentBytes,
      now: () => new Date(),
      newId,
      doorStates: doorStates(env),
      ...(r
        ? {
            revocation: {
              store: new SessionRevocations(r.table, dynamo, r.cacheSeconds),
              revokeToken: cognitoRevoker({
                region: env.region,
                endpoint: serviceEndpoint("COGNITO_IDENTITY_PROVIDER", vars),
              }),
              refreshSeconds: r.refreshSeconds,
            },
          }
        : {}),
      ...overrides,
    };
    return deps;
  });
}

export const handler = handlerFromEnvironment(process.env);

/** What a caller needs to build overrides: the store's shape, and the ALB door's verifiers (its state). */
export type { HandlerDeps } from "../app";
export type { Expected, NewNote, Note, NotePage, NotesStore, RemoveOptions } from "../notes/store";
export { newVersion } from "../notes/store";
export { createAlbVerifier } from "../doors/albVerifier";
export { createTokenVerifier } from "../authorizer/verify";
