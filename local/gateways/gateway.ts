import type { IncomingRequest } from "./events";
import type { LocalIam } from "../services/iam";
import type { AwsApi } from "../services/server";
import type { LocalIdp } from "../services/idp";
import type { LocalLambda } from "../services/lambda";
import type { LocalApiKey } from "./rest/usagePlans";
import type { RecordedProgram } from "../recorded";
import type { GatewayReply } from "./http";
import { KeySets } from "./jwt";

/** What every local gateway needs from the local cloud around it. */
export interface GatewayDeps {
  program: RecordedProgram;
  lambda: LocalLambda;
  /** Maps documented AWS URLs (a user pool's issuer) to the local services'. */
  localize(value: string): string;
  keys: KeySets;
  /** Credentials the local services issued, and IAM evaluation of the recorded policies. */
  iam: LocalIam;
  /** The recorded API keys with their local values. */
  apiKeys: LocalApiKey[];
  /** The user pools' stand-in, once it runs (an ALB's authenticate-cognito action signs users in there). */
  idp(): LocalIdp | undefined;
  /** The local AWS endpoint, where a gateway may publish what AWS serves for it (an ALB's public keys). */
  aws: { endpoint: string; add(api: AwsApi): void };
  /** Where the gateway reports why it refused a call (the local equivalent of execution logs). */
  log(line: string): void;
  now?: () => number;
}

/** One emulated API: the requests under `basePath` (a stage) are its. */
export interface LocalGateway {
  /** What it is, for the start-up banner: e.g. `REST API door-api, stage v1`. */
  describe: string;
  /** `/v1` for a REST stage; `` for an HTTP API's `$default` stage. */
  basePath: string;
  /** The stage's URL as the program records it (mock), which local URLs replace in outputs. */
  invokeUrl: string;
  /**
   * An API Gateway stage: its API and name (what a custom domain's mappings name), and whether the API's execute-api
   * endpoint is on.
   */
  api?: { id: string; stage: string; executeApiEndpoint: boolean };
  /** Handles a request whose path is below basePath (basePath already removed). */
  handle(req: IncomingRequest): Promise<GatewayReply>;
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<VERB>/<path>`, the ARN a call is made on. */
export function methodArn(executionArn: string, stage: string, method: string, path: string): string {
  return `${executionArn}/${stage}/${method}/${path.replace(/^\//, "")}`;
}

/** The account of an ARN. */
export const accountOf = (arn: string) => arn.split(":")[4];

/**
 * The function a Lambda integration names: its URI
 * (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`)
 * or, for HTTP APIs, the function ARN itself.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html#apigw-Type-Integration-uri
 */
export function lambdaOfUri(uri: string): string {
  const m = /:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri);
  return m ? m[1] : uri;
}
