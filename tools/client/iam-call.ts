/**
 * `npm run call:iam -- --url <stack url>/notes --role-arn <client.machineRoleArns["<your principal>"]> [--external-id
 * <id>] [--method POST --body '{"title":"t","content":"c"}']`
 *
 * A machine calling the `iam` door: assume its own machine role with STS (each principal listed in
 * `machineRolePrincipals` has one, which trusts it alone), sign with SigV4, print the
 * answer. Uses the default AWS credential chain for the STS call; region from --region or AWS_REGION.
 */
import { CommandSpec, exitWith, parseCommandLine } from "../../offline/cliArgs";
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

async function main(): Promise<void> {
  const { url, roleArn, region, externalId, method, body } = parseIamCallArgs(process.argv.slice(2));
  const credentials = await assumeMachineRole({ roleArn, region, externalId });
  const res = await callSigned({ url, region, credentials, method, body });
  process.stdout.write(`${res.status}\n${JSON.stringify(res.body, null, 2)}\n`);
}

if (require.main === module) main().catch(exitWith);
