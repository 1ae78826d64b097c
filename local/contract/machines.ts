import * as assert from "assert";
import { authorization, machineSignIn, sigv4 } from "../clients/doorClient";
import { assumeMachineRole as assumeRole } from "../clients/iamClient";
import { ContractContext, ContractMachine, Skip } from "./context";

/**
 * The machines that call a door, as its outputs and the run's options name them: the machine
 * client (client credentials), an application's API key, and at a door of SigV4 the machine roles
 * (`client.machineRoleArns`) that each listed principal assumes through STS.
 */

/**
 * A machine's credential at this door: the machine client's token, an application's key, the machine role's signature.
 */
export async function machineCredential(ctx: ContractContext) {
  if (ctx.outputs.client.machineClientId)
    return authorization(ctx.outputs, (await machineSignIn(ctx.outputs)).access_token);
  if (ctx.parties.a.key && !ctx.parties.a.user) return ctx.as(ctx.parties.a);
  if (ctx.facts.credential.kind === "identity-pool-sigv4" && machinesOf(ctx).length > 0)
    return sigv4(await assumeMachineRole(ctx, machinesOf(ctx)[0]), ctx.region);
  throw new Skip(`the ${ctx.mode} door has no machine caller here (m2mClient, an API key, machineRolePrincipals)`);
}

/**
 * The machines the options name, at a door with machine roles (`client.machineRoleArns`); one default-chain machine
 * when none is named.
 */
export function machinesOf(ctx: ContractContext): ContractMachine[] {
  if (Object.keys(machineRoleArns(ctx)).length === 0) return [];
  return ctx.options.machines ?? [{}];
}

/** `client.machineRoleArns`: each listed principal's own role. */
function machineRoleArns(ctx: ContractContext): Record<string, string> {
  return (ctx.outputs.client.machineRoleArns ?? {}) as Record<string, string>;
}

/** An STS client signed as the machine (its credentials, or the default chain). */
async function stsOf(ctx: ContractContext, machine: ContractMachine) {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const sts = new STSClient({
    region: ctx.region,
    ...(ctx.options.awsEndpoint ? { endpoint: ctx.options.awsEndpoint } : {}),
    ...(machine.credentials ? { credentials: machine.credentials } : {}),
  });
  return { sts, callerArn: async () => String((await sts.send(new GetCallerIdentityCommand({}))).Arn) };
}

/**
 * The role of a machine: its listed principal's entry of `client.machineRoleArns`; for a machine
 * named by its credentials only, the entry of the principal they belong to (a role session's
 * role, a user, or its account's root).
 */
export async function machineRoleOf(ctx: ContractContext, machine: ContractMachine): Promise<string> {
  const roles = machineRoleArns(ctx);
  if (machine.principal) {
    if (!roles[machine.principal])
      throw new assert.AssertionError({ message: `client.machineRoleArns names no role for ${machine.principal}` });
    return roles[machine.principal];
  }
  const { sts, callerArn } = await stsOf(ctx, machine);
  try {
    const arn = await callerArn();
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
    const account = arn.split(":")[4];
    const candidates = [
      session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn,
      `arn:${arn.split(":")[1]}:iam::${account}:root`,
    ];
    // A session's ARN carries its role's name, not its path: a listed role with a path matches by account and name.
    const sameRole = (p: string) =>
      !!session && p.startsWith(`arn:${session[1]}:iam::${session[2]}:role/`) && p.split("/").pop() === session[3];
    const own = Object.keys(roles).find((p) => candidates.includes(p) || sameRole(p));
    if (!own)
      throw new Skip(`your credentials (${arn}) are none of machineRolePrincipals (${Object.keys(roles).join(", ")})`);
    return roles[own];
  } finally {
    sts.destroy();
  }
}

/**
 * A machine's own role's credentials from STS, assumed as that machine, through `npm run call:iam`'s own code
 * (docs/calling-the-doors.md, iam).
 */
export async function assumeMachineRole(
  ctx: ContractContext,
  machine: ContractMachine,
  opts: { externalId?: string; roleArn?: string } = {},
) {
  const roleArn = opts.roleArn ?? (await machineRoleOf(ctx, machine));
  const { sts } = await stsOf(ctx, machine);
  try {
    return await assumeRole({
      roleArn,
      region: ctx.region,
      externalId: "externalId" in opts ? opts.externalId : machine.externalId,
      sessionName: "notes-auth-contract",
      sts,
    });
  } finally {
    sts.destroy();
  }
}
