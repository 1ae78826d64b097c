/**
 * `npm run token -- --user alice [--door <authMode>] [--scope notes/read]` or `-- --client machine` (`--door`: which
 * of the running doors, default the primary):
 * prints what the running local door takes from that user, got through the real flows against the
 * local services: the token (authorization code with PKCE through the sign-in form; client
 * credentials for the machine client); at `iam`, the identity pool's credentials as `export`
 * lines for `eval`; at `alb-oidc`, the load balancer's session cookie after signing in through
 * it. Only that goes to stdout, so `TOKEN=$(npm run -s token -- …)` works.
 */
import { LocalCommand, parseLocalArgs, runCli, runningOutputs } from "./command";
import { ContractContext } from "../contract/context";
import { albSession, atDoor, credentialOf, doorToken, doorsOf, machineSignIn, signIn } from "../clients/doorClient";

/** `npm run token`'s flags (its `--help` is made from them). */
export const TOKEN_COMMAND: LocalCommand = {
  name: "npm run token",
  summary:
    "Prints what the running local door takes from a user (a token, credentials or a session cookie), got " +
    "through the real flows.",
  flags: ["user", "idp", "door", "client", "scope", "data-dir"],
};

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args = parseLocalArgs(argv, TOKEN_COMMAND);
  const running = runningOutputs(args.dataDir);
  if (!running) throw new Error(`no local stack is running from ${args.dataDir}: start one with npm start`);
  if (args.doors.length > 1) throw new Error(`--door ${args.doors.join(",")}: name one door to sign in at`);
  const served = doorsOf(running);
  if (args.door && !served.includes(args.door))
    throw new Error(
      `the running local stack serves the ${served.join(", ")} door${served.length > 1 ? "s" : ""}; restart it ` +
        `with npm start -- --door ${args.door}`,
    );
  // Several doors side by side: --door picks the door (default the primary), whose url and client sign in.
  const outputs = atDoor(running, args.door ?? running.authMode);
  const mode = outputs.authMode;
  if (args.client === "machine") {
    process.stdout.write(`${(await machineSignIn(outputs, args.scopes)).access_token}\n`);
    return 0;
  }
  if (args.client && args.client !== "spa")
    throw new Error(
      `--client ${args.client}: use machine (client credentials), or leave it out for the app's own client`,
    );
  const name = (args.user ?? "").toLowerCase();
  if (args.idp !== undefined) return federatedToken(outputs, args.idp, name, args.scopes);
  const user = outputs.local.users.find((u) => u.username === name || u.email.toLowerCase() === name);
  if (!user)
    throw new Error(
      `--user ${args.user ?? "(missing)"}: the local users are ` +
        `${outputs.local.users.map((u) => u.username).join(", ")}`,
    );
  const credential = credentialOf(outputs);
  switch (credential.kind) {
    case "identity-pool-sigv4": {
      const c = await new ContractContext(outputs).identityPoolCredentials(user);
      process.stdout.write(
        `export AWS_ACCESS_KEY_ID=${c.accessKeyId} AWS_SECRET_ACCESS_KEY=${c.secretAccessKey} ` +
          `AWS_SESSION_TOKEN=${c.sessionToken}\n`,
      );
      return 0;
    }
    case "alb-session":
      process.stdout.write(`${await albSession(outputs, user)}\n`);
      return 0;
    case "api-key":
      throw new Error(
        `the ${mode} door takes API keys, not tokens: they are in ${args.dataDir}/outputs.json ("secrets")`,
      );
    case "user-token": {
      const tokens = await signIn(outputs, user, args.scopes.length ? { scopes: args.scopes } : {});
      process.stdout.write(`${doorToken(outputs, tokens)}\n`);
      return 0;
    }
    default: {
      const unknown: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

if (require.main === module) runCli(main);

/**
 * `--idp <provider>`: the door's token for a test user of that provider's stand-in, signed in through it by the
 * pool's hosted UI (`identity_provider` on the authorize endpoint), as "Sign in with <provider>" does.
 */
async function federatedToken(
  outputs: ReturnType<typeof atDoor>,
  idp: string,
  name: string,
  scopes: string[],
): Promise<number> {
  const providers = outputs.local?.idp?.identityProviders ?? [];
  const provider = providers.find((p) => p.name === idp);
  if (!provider)
    throw new Error(
      `--idp ${idp}: ` +
        (providers.length
          ? `the running stack's identity providers are ${providers.map((p) => p.name).join(", ")}`
          : "the running stack has no identity providers (identityProviders)"),
    );
  const user = provider.users.find((u) => u.email === name);
  if (!user)
    throw new Error(`--user ${name || "(missing)"}: ${idp}'s test users are ${provider.users.map((u) => u.email)}`);
  if (credentialOf(outputs).kind !== "user-token")
    throw new Error(`--idp: the ${outputs.authMode} door takes no user token; sign in at a token door`);
  const tokens = await signIn(outputs, user, { identityProvider: idp, ...(scopes.length ? { scopes } : {}) });
  process.stdout.write(`${doorToken(outputs, tokens)}\n`);
  return 0;
}
