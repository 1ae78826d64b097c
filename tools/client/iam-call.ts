/**
 * `npm run call:iam -- --url <stack url>/notes --role-arn <client.machineRoleArns["<your principal>"]> [--external-id
 * <id>] [--method POST --body '{"title":"t","content":"c"}']`
 *
 * A machine calling the `iam` door: assume its own machine role with STS (each principal listed in
 * `machineRolePrincipals` has one, which trusts it alone), sign with SigV4, print the
 * answer. Uses the default AWS credential chain for the STS call; region from --region or AWS_REGION.
 */
import { CommandSpec, exitWith, parseCommandLine } from "../../offline/cliArgs";
import type { STSClient } from "@aws-sdk/client-sts";
import { assumeMachineRole, callSigned } from "../../local/clients/iamClient";

/** `npm run call:iam`'s flags (its `--help` is made from them). */
export const IAM_CALL_COMMAND: CommandSpec = {
  name: "npm run call:iam",
  summary: "Calls the iam door as a machine: assumes its machine role with STS, signs with SigV4, prints the answer.",
  flags: {
    url: { type: "string", value: "<url>", description: "the route to call, e.g. <stack url>/notes (required)" },
    "role-arn": {
      type: "string",
      value: "<arn>",
      description: "the machine role to assume, from client.machineRoleArns (required)",
    },
    region: { type: "string", value: "<region>", description: "the stack's region (default: AWS_REGION)" },
    "external-id": { type: "string", value: "<id>", description: "the role's external id (machineRoleExternalId)" },
    method: { type: "string", value: "<method>", description: "the HTTP method (default: GET)" },
    body: { type: "string", value: "<json>", description: "a JSON body to send" },
  },
};

export interface IamCallArgs {
  url: string;
  roleArn: string;
  region: string;
  externalId?: string;
  method?: string;
  body?: unknown;
}

/** Parses the command line; `env` gives AWS_REGION. */
export function parseIamCallArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): IamCallArgs {
  const { values } = parseCommandLine(IAM_CALL_COMMAND, argv);
  const get = (name: string) => values[name] as string | undefined;
  const url = get("url");
  const roleArn = get("role-arn");
  const region = get("region") ?? env.AWS_REGION;
  if (!url || !roleArn || !region) throw new Error("--url, --role-arn and --region (or AWS_REGION) are required");
  const body = get("body");
  return {
    url,
    roleArn,
    region,
    externalId: get("external-id"),
    method: get("method"),
    body: body !== undefined ? JSON.parse(body) : undefined,
  };
}

/** The variables that point the AWS SDK's STS client at an endpoint other than AWS's (the SDKs' documented order). */
const STS_ENDPOINT_VARIABLES = ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] as const;

/** Where the STS call goes: the first endpoint variable set, else AWS itself (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). */
export const stsEndpointOf = (env: NodeJS.ProcessEnv) => STS_ENDPOINT_VARIABLES.map((v) => env[v]).find(Boolean);

const LOCAL_HINT =
  "against local mode, set AWS_ENDPOINT_URL_STS to the local AWS endpoint (npm start prints it; local.endpoints.aws " +
  "in .local/outputs.json) and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN to the machine's " +
  "credentials npm start prints";

/** Assumes the machine role, the door called as the machine; every failure says which variables it needs. */
export async function callAsMachine(
  args: IamCallArgs,
  env: NodeJS.ProcessEnv = process.env,
  sts?: STSClient,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(args.url);
  const endpoint = stsEndpointOf(env);
  if (!endpoint && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    throw new Error(
      `--url ${args.url} is a local door, but neither ${STS_ENDPOINT_VARIABLES.join(" nor ")} is set, so ` +
        `AssumeRole would go to AWS's STS: ${LOCAL_HINT}`,
    );
  let credentials;
  try {
    credentials = await assumeMachineRole({
      roleArn: args.roleArn,
      region: args.region,
      externalId: args.externalId,
      sts,
    });
  } catch (err) {
    throw new Error(
      `STS AssumeRole of ${args.roleArn} at ${endpoint ?? `AWS's STS (${args.region})`} failed: ` +
        `${err instanceof Error ? err.message : String(err)}. It needs the credentials of a principal listed in ` +
        `machineRolePrincipals (the AWS credential chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ` +
        `AWS_SESSION_TOKEN, or AWS_PROFILE); ${LOCAL_HINT}`,
      { cause: err },
    );
  }
  return callSigned({ url: args.url, region: args.region, credentials, method: args.method, body: args.body });
}

async function main(): Promise<void> {
  const res = await callAsMachine(parseIamCallArgs(process.argv.slice(2)));
  process.stdout.write(`${res.status}\n${JSON.stringify(res.body, null, 2)}\n`);
}

if (require.main === module) main().catch(exitWith);
