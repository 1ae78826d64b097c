/**
 * Lambda entry point of the `lambda-authorizer` door's REQUEST authorizer (bundled by esbuild on
 * its own). Settings are read and the verifier (with its JWKS cache) built once per container.
 */
import { createAuthorizer } from "../authorizer/index";
import { readAuthorizerSettings } from "../contract/authorizer";
import { createTokenVerifier } from "../authorizer/verify";
import { SessionRevocations } from "../sessions/revocations";
import { DynamoClient } from "../notes/dynamo";
import { environmentCredentials, serviceEndpoint } from "../notes/aws";

/**
 * The sign-out record's read deadline in the authorizer: its function has 5 s, and a key fetch may take its own
 * deadline before it (handlers/http/keyFetcher.ts), so the read ends well within what is left; a read that cannot
 * finish is a fault (500), never a Lambda timeout.
 */
export const AUTHORIZER_REVOCATION_DEADLINE_MS = 1500;

/** An authorizer configured only by an environment, as Lambda configures a container. */
export function authorizerFromEnvironment(vars: NodeJS.ProcessEnv) {
  let authorize: ReturnType<typeof createAuthorizer> | undefined;
  return (event: Parameters<ReturnType<typeof createAuthorizer>>[0]) => {
    if (!authorize) {
      const s = readAuthorizerSettings(vars);
      const region = vars.AWS_REGION ?? vars.AWS_DEFAULT_REGION ?? "us-east-1";
      const revocations = s.revocation
        ? new SessionRevocations(
            s.revocation.table,
            new DynamoClient({
              region,
              credentials: () => environmentCredentials(vars),
              endpoint: serviceEndpoint("DYNAMODB", vars),
              policy: { deadlineMs: AUTHORIZER_REVOCATION_DEADLINE_MS },
            }),
            s.revocation.cacheSeconds,
          )
        : undefined;
      authorize = createAuthorizer(s, createTokenVerifier(s), revocations);
    }
    return authorize(event);
  };
}

export const handler = authorizerFromEnvironment(process.env);
