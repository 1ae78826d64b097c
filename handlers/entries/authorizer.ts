/**
 * Lambda entry point of the `lambda-authorizer` door's REQUEST authorizer (bundled by esbuild on
 * its own). Settings are read and the verifier (with its JWKS cache) built once per container.
 */
import { createAuthorizer } from "../authorizer/index";
import { readAuthorizerSettings } from "../contract/authorizer";
import { createTokenVerifier } from "../authorizer/verify";

/** An authorizer configured only by an environment, as Lambda configures a container. */
export function authorizerFromEnvironment(vars: NodeJS.ProcessEnv) {
  let authorize: ReturnType<typeof createAuthorizer> | undefined;
  return (event: Parameters<ReturnType<typeof createAuthorizer>>[0]) => {
    if (!authorize) {
      const s = readAuthorizerSettings(vars);
      authorize = createAuthorizer(s, createTokenVerifier(s));
    }
    return authorize(event);
  };
}

export const handler = authorizerFromEnvironment(process.env);
