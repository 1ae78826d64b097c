/**
 * `npm run token -- --user alice [--door <authMode>] [--scope notes/read]`, `-- --idp <provider> [--user <email>]`
 * or `-- --client machine` (`--door`: which of the running doors, default the primary):
 * prints what the running local door takes from that user, got through the real flows against the
 * local services (doorClient's userPresentation): the token (authorization code with PKCE through the sign-in form,
 * or with `--idp` through that provider's stand-in, as "Sign in with <provider>" does; client
 * credentials for the machine client); at `iam`, the identity pool's credentials as `export`
 * lines for `eval`; at `alb-oidc`, the load balancer's session cookie after signing in through
 * it. Only that goes to stdout, so `TOKEN=$(npm run -s token -- …)` works. */
import { LocalCommand, parseLocalArgs, runCli, runningOutputs } from "./command";
import { ContractContext } from "../contract/context";
import { atDoor, credentialOf, doorsOf, machineSignIn, userPresentation } from "../clients/doorClient";
import { EMULATED_PROVIDER_TYPES } from "../services/upstream";
import type { LocalOutputs } from "../localStack";

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
  if (credentialOf(outputs).kind === "api-key")
    throw new Error(`the ${mode} door takes API keys, not users: they are in ${args.dataDir}/outputs.json ("secrets")`);
  const user = args.idp === undefined ? localUser(outputs, args.user) : providerUser(outputs, args.idp, args.user);
  const ctx = new ContractContext(outputs);
  const held = await userPresentation(outputs, user, {
    identityProvider: args.idp,
    scopes: args.scopes,
    region: ctx.region,
    awsEndpoint: ctx.options.awsEndpoint,
  });
  switch (held.kind) {
    case "identity-pool-sigv4": {
      const c = held.credentials;
      process.stdout.write(
        `export AWS_ACCESS_KEY_ID=${c.accessKeyId} AWS_SECRET_ACCESS_KEY=${c.secretAccessKey} ` +
          `AWS_SESSION_TOKEN=${c.sessionToken}\n`,
      );
      return 0;
    }
    case "alb-session":
      process.stdout.write(`${held.cookie}\n`);
      return 0;
    case "user-token":
      process.stdout.write(`${held.token}\n`);
      return 0;
    default: {
      const unknown: never = held;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

if (require.main === module) runCli(main);

/** `--user <name or email>`: one of the local pool's own users. */
function localUser(outputs: LocalOutputs, name: string | undefined) {
  const wanted = (name ?? "").toLowerCase();
  const user = outputs.local.users.find((u) => u.username === wanted || u.email.toLowerCase() === wanted);
  if (!user)
    throw new Error(
      `--user ${name ?? "(missing)"}: the local users are ${outputs.local.users.map((u) => u.username).join(", ")}`,
    );
  return user;
}

/**
 * `--idp <provider> [--user <email>]`: a test user of that provider's stand-in (left out: its first), who signs in
 * through it from the pool's hosted UI (`identity_provider`), as "Sign in with <provider>" does. The stand-ins are
 * the running stack's: a SAML provider never runs (local mode refuses it at start, local/services/upstream.ts).
 */
function providerUser(outputs: LocalOutputs, idp: string, name: string | undefined) {
  const providers = outputs.local?.idp?.identityProviders ?? [];
  const provider = providers.find((p) => p.name === idp);
  if (!provider)
    throw new Error(
      `--idp ${idp}: ` +
        (providers.length
          ? `use one of the running stack's identity providers: ${providers.map((p) => p.name).join(", ")}`
          : "the running stack federates no identity provider (identityProviders)") +
        ` (local mode plays ${EMULATED_PROVIDER_TYPES.join(", ")} providers; a SAML one stops npm start)`,
    );
  const user = name === undefined ? provider.users[0] : provider.users.find((u) => u.email === name.toLowerCase());
  if (!user)
    throw new Error(`--user ${name}: ${idp}'s test users are ${provider.users.map((u) => u.email).join(", ")}`);
  return user;
}
