/**
 * `npm run token -- --user alice [--door <authMode>] [--scope notes/read]` or `-- --client machine`:
 * prints the token the running local door expects, got through the real OAuth flow against the
 * local user pool (authorization code with PKCE through its sign-in form; client credentials for
 * the machine client). Only the token goes to stdout, so `TOKEN=$(npm run -s token -- …)` works.
 */
import type { AuthMode } from "../handlers/authModes";
import { parseLocalArgs, runCli, runningOutputs } from "./cli";
import { doorToken, machineSignIn, signIn } from "./doorClient";

async function main(): Promise<number> {
  const args = parseLocalArgs(process.argv.slice(2), ["user", "door", "client", "scope", "data-dir"]);
  const outputs = runningOutputs(args.dataDir);
  if (!outputs) throw new Error(`no local stack is running from ${args.dataDir}: start one with npm start`);
  const mode = outputs.authMode as AuthMode;
  if (args.door && args.door !== mode) throw new Error(`the running local stack serves the ${mode} door; restart it with npm start -- --door ${args.door}`);
  if (args.client === "machine") {
    process.stdout.write(`${(await machineSignIn(outputs, args.scopes)).access_token}\n`);
    return 0;
  }
  if (args.client && args.client !== "spa") throw new Error(`--client ${args.client}: use machine (client credentials), or leave it out for the app's own client`);
  const name = (args.user ?? "").toLowerCase();
  const user = outputs.local.users.find((u) => u.username === name || u.email.toLowerCase() === name);
  if (!user) throw new Error(`--user ${args.user ?? "(missing)"}: the local users are ${outputs.local.users.map((u) => u.username).join(", ")}`);
  const tokens = await signIn(outputs, user, args.scopes.length ? { scopes: args.scopes } : {});
  process.stdout.write(`${doorToken(mode, tokens)}\n`);
  return 0;
}

if (require.main === module) runCli(main);
