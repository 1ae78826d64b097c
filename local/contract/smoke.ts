/**
 * `npm run smoke -- --stack <name> | --outputs <file> [--create-users | --users <file>]
 *   [--cognito-domain https://<prefix>.auth.<region>.amazoncognito.com] [--callback-url <url>]
 *   [--external-id <id>] [--only <check,check>]`
 *
 * The contract suite against a deployed stack, from its outputs (`pulumi stack output --json
 * --show-secrets`), with the clients a user has: the hosted UI sign-in (authorization code with
 * PKCE), the identity pool through @aws-sdk/credential-providers, STS through @aws-sdk/client-sts,
 * the stack's API keys, a browser session at a load balancer. `--create-users` creates two users
 * and an admin (and, at a door with tiers, a user of another tier) with the caller's AWS
 * credentials and deletes them at the end, whatever happened. It writes only as its own users and
 * keys, never changes a note it did not create, and spends no quota of a deployed stack. Against
 * local outputs (`.local/outputs.json`) every client goes to the local endpoints.
 */
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CommandSpec, parseCommandLine } from "../../offline/cliArgs";
import { runCli } from "../cli/command";
import { StackOutputs, atDoor, credentialOf, doorsOf } from "../clients/doorClient";
import { SeedUser, loadUsers } from "../clients/seedUsers";
import { ContractContext, ContractOptions, localContractOptions } from "./context";
import { printChecks, printEveryDoor } from "./runner";

export interface SmokeArgs {
  stack?: string;
  outputs?: string;
  createUsers: boolean;
  users?: string;
  cognitoDomain?: string;
  callbackUrl?: string;
  externalId?: string;
  only?: string[];
  /** `--door a,b`: the doors of a stack of several to check (default every door). */
  doors?: string[];
  /** List each check about other doors, with why (else one line counts them). */
  verbose?: boolean;
}

/** `npm run smoke`'s flags (its `--help` is made from them). */
export const SMOKE_COMMAND: CommandSpec = {
  name: "npm run smoke",
  summary: "The contract suite against a deployed stack (or local outputs), with the clients a user has.",
  flags: {
    stack: {
      type: "string",
      value: "<name>",
      description: "read the outputs with pulumi stack output --json --show-secrets (this or --outputs)",
    },
    outputs: { type: "string", value: "<file>", description: "read the outputs from this file (this or --stack)" },
    "create-users": {
      type: "boolean",
      description: "create test users with your AWS credentials, and delete them at the end",
    },
    users: {
      type: "string",
      value: "<file>",
      description: "test users to sign in as (the format of local/users.json)",
    },
    "cognito-domain": {
      type: "string",
      value: "<url>",
      description: "the hosted UI, https://<prefix>.auth.<region>.amazoncognito.com",
    },
    "callback-url": { type: "string", value: "<url>", description: "the app client's callback URL to sign in with" },
    "external-id": { type: "string", value: "<id>", description: "the machine role's external id (iam)" },
    only: { type: "string", value: "<check,check>", description: "run only these checks" },
    door: {
      type: "string",
      value: "<door,door>",
      description: "a stack of several doors: check only these (default every door in its doors output)",
    },
    verbose: { type: "boolean", description: "list every check about other doors, with why it is skipped" },
  },
};

export function parseSmokeArgs(argv: string[]): SmokeArgs {
  const { values } = parseCommandLine(SMOKE_COMMAND, argv);
  const get = (name: string) => values[name] as string | undefined;
  const args: SmokeArgs = { createUsers: values["create-users"] === true };
  const set = <K extends keyof SmokeArgs>(key: K, value: SmokeArgs[K] | undefined) => {
    if (value !== undefined) args[key] = value;
  };
  set("stack", get("stack"));
  set("outputs", get("outputs") === undefined ? undefined : path.resolve(get("outputs")!));
  set("users", get("users") === undefined ? undefined : path.resolve(get("users")!));
  set("cognitoDomain", get("cognito-domain"));
  set("callbackUrl", get("callback-url"));
  set("externalId", get("external-id"));
  set("only", get("only")?.split(","));
  set("doors", get("door")?.split(",").filter(Boolean));
  if (values.verbose === true) args.verbose = true;
  if (!args.stack === !args.outputs)
    throw new Error(
      "pass --stack <name> (runs pulumi stack output --json --show-secrets) or --outputs <file>, one of them",
    );
  if (args.createUsers && args.users) throw new Error("--create-users and --users exclude each other");
  return args;
}

/** The stack's outputs: `pulumi stack output --json --show-secrets`, or the file given. */
export function readOutputs(args: SmokeArgs): StackOutputs {
  const text = args.outputs
    ? fs.readFileSync(args.outputs, "utf8")
    : execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", args.stack!], {
        encoding: "utf8",
      });
  const outputs = JSON.parse(text) as StackOutputs;
  if (!outputs.authMode || !outputs.url)
    throw new Error("these outputs have no authMode and url: are they notes-auth's?");
  return outputs;
}

/** A password Cognito's default policy (and the stack's) accepts. */
const newPassword = () => `Sm0ke-${crypto.randomBytes(9).toString("base64url")}!aA`;

/**
 * Test users in the stack's user pool (AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup),
 * with the caller's credentials; `remove` deletes them (AdminDeleteUser).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 */
export async function createTestUsers(
  outputs: StackOutputs,
  opts: ContractOptions,
  log: (line: string) => void,
): Promise<{ users: SeedUser[]; remove(): Promise<void> }> {
  const idp = await import("@aws-sdk/client-cognito-identity-provider");
  // The pool's id, or the last part of its issuer (https://cognito-idp.<region>.amazonaws.com/<poolId>) where a door names only that.
  const fromIssuer =
    String(outputs.client.issuer ?? "")
      .split("/")
      .pop() ?? "";
  const poolId = String(outputs.client.userPoolId ?? (/^[\w-]+_[0-9A-Za-z]+$/.test(fromIssuer) ? fromIssuer : ""));
  if (!poolId)
    throw new Error(
      `the ${outputs.authMode} door's outputs name no user pool: --create-users has nothing to create users in`,
    );
  const client = new idp.CognitoIdentityProviderClient({
    region: String(outputs.region ?? outputs.client.region ?? "us-east-1"),
    ...(opts.awsEndpoint ? { endpoint: opts.awsEndpoint } : {}),
    ...(opts.operator ? { credentials: opts.operator } : {}),
  });
  const adminGroup = outputs.local?.adminGroup ?? "admins";
  const tierGroup = Object.values((outputs.client.tiers ?? {}) as Record<string, { group?: string }>)
    .map((t) => t.group)
    .find(Boolean);
  const run = crypto.randomBytes(4).toString("hex");
  const wanted = [["a", []], ["b", []], ["admin", [adminGroup]], ...(tierGroup ? [["tier", [tierGroup]]] : [])] as [
    string,
    string[],
  ][];
  const created: SeedUser[] = [];
  const remove = async () => {
    for (const u of created) {
      try {
        await client.send(new idp.AdminDeleteUserCommand({ UserPoolId: poolId, Username: u.email }));
        log(`  deleted test user ${u.email}`);
      } catch (err) {
        log(`  could not delete test user ${u.email}: ${err instanceof Error ? err.message : err} (delete it by hand)`);
      }
    }
    client.destroy();
  };
  try {
    for (const [role, groups] of wanted) {
      const email = `notes-smoke-${run}-${role}@example.com`;
      const password = newPassword();
      const out = await client.send(
        new idp.AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: email,
          MessageAction: "SUPPRESS",
          UserAttributes: [
            { Name: "email", Value: email },
            { Name: "email_verified", Value: "true" },
          ],
        }),
      );
      const sub = out.User?.Attributes?.find((a) => a.Name === "sub")?.Value ?? "";
      created.push({ username: `smoke-${role}`, email, password, sub, groups });
      await client.send(
        new idp.AdminSetUserPasswordCommand({
          UserPoolId: poolId,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      );
      for (const g of groups)
        await client.send(new idp.AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: g }));
      log(`  created test user ${email}${groups.length ? ` (${groups.join(", ")})` : ""}`);
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { users: created, remove };
}

export async function smoke(args: SmokeArgs, write: (text: string) => void): Promise<number> {
  const outputs = readOutputs(args);
  const options: ContractOptions = {
    ...(outputs.local ? localContractOptions(outputs) : { spendQuotas: false }),
    ...(args.cognitoDomain ? { cognitoDomain: args.cognitoDomain } : {}),
    ...(args.callbackUrl ? { callbackUrl: args.callbackUrl } : {}),
  };
  if (args.externalId)
    options.machines = (options.machines?.length ? options.machines : [{}]).map((m) => ({
      ...m,
      externalId: args.externalId,
    }));
  if (args.users) options.users = loadUsers(args.users);
  // Several doors: each one's section and summary, against its url and client (`urls`, `clients`), one set of users.
  const doors = args.doors ?? doorsOf(outputs);
  const views = doors.map((door) => atDoor(outputs, door));
  const signsIn = views.filter((v) => credentialOf(v).kind !== "api-key");
  const created = args.createUsers
    ? await createTestUsers(signsIn[0] ?? outputs, options, (line) => write(`${line}\n`))
    : undefined;
  // Ctrl-C still deletes the test users.
  const interrupted = () => void created?.remove().finally(() => process.exit(130));
  if (created) process.once("SIGINT", interrupted);
  try {
    if (created) options.users = created.users;
    if (!options.users?.length && signsIn.length > 0)
      throw new Error(
        "no test users: pass --create-users (needs AWS credentials that may manage the user pool) or --users " +
          "<file> (the format of local/users.json)",
      );
    return await printEveryDoor(
      views,
      write,
      (at) =>
        `Smoke test of the ${at.authMode} door at ` +
        `${at.url}${outputs.local ? " (local mode: every client goes to the local endpoints)" : ""}`,
      (at) => printChecks(new ContractContext(at, options), write, args.only, { verbose: args.verbose }),
    );
  } finally {
    process.removeListener("SIGINT", interrupted);
    await created?.remove();
  }
}

if (require.main === module)
  runCli(async () =>
    (await smoke(parseSmokeArgs(process.argv.slice(2)), (text) => process.stdout.write(text))) ? 1 : 0,
  );
