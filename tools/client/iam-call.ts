/**
 * `npm run call:iam -- --url <stack url>/notes --role-arn <client.machineRoleArns["<your principal>"]> [--external-id <id>] [--method POST --body '{"title":"t","content":"c"}']`
 *
 * A machine calling the `iam` door: assume its own machine role with STS (each principal listed in
 * `machineRolePrincipals` has one, which trusts it alone), sign with SigV4, print the
 * answer. Uses the default AWS credential chain for the STS call; region from --region or AWS_REGION.
 */
import { assumeMachineRole, callSigned } from "./iamClient";

async function main(): Promise<void> {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error(`expected --name value pairs, got ${argv[i]}`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const url = args.get("url");
  const roleArn = args.get("role-arn");
  const region = args.get("region") ?? process.env.AWS_REGION;
  if (!url || !roleArn || !region) throw new Error("--url, --role-arn and --region (or AWS_REGION) are required");
  const credentials = await assumeMachineRole({ roleArn, region, externalId: args.get("external-id") });
  const res = await callSigned({ url, region, credentials, method: args.get("method"), body: args.has("body") ? JSON.parse(args.get("body")!) : undefined });
  process.stdout.write(`${res.status}\n${JSON.stringify(res.body, null, 2)}\n`);
}

main().catch((err) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : err}\n`);
  process.exit(2);
});
