/**
 * `npm start [-- --door <authMode>] [--stack dev] [--set key=value] [--port 3000]`: runs the real
 * program under mocks (as `npm run plan` does), then serves its front door on 127.0.0.1 with the
 * real handler, dynalite, a local S3 and the user pool's stand-in, all configured from the
 * recorded resources. Ctrl-C stops everything.
 */
import * as path from "path";
import type { AuthMode } from "../handlers/authModes";
import { DEFAULT_DATA_DIR, LocalArgs, parseLocalArgs, runCli, runningOutputs } from "./cli";
import { DoorNotLocalYet, authorization, userTokenKind } from "./doorClient";
import { NotEmulatedYet } from "./gateways";
import { LocalOutputs, startLocalStack } from "./localStack";
import { AlreadyRunning } from "./lock";
import { recordStack, stackConfig } from "./recorded";

/** How to call the door from a shell, with the token command first (README, "Calling each door"). */
export function howToCall(outputs: LocalOutputs, dataDirFlag = ""): string[] {
  const mode = outputs.authMode as AuthMode;
  const url = outputs.url.replace(/\/$/, "");
  const header = authorization(mode, "$TOKEN");
  const [a] = outputs.local.users;
  const lines = [
    `  TOKEN=$(npm run -s token -- --user ${a?.username ?? "alice"}${dataDirFlag})`,
    `  curl -H "Authorization: ${header}" ${url}/notes`,
    `  curl -H "Authorization: ${header}" -H 'content-type: application/json' -d '{"title":"first","content":"hello"}' ${url}/notes`,
    `  curl -H "Authorization: ${header}" ${url}/me`,
  ];
  if (userTokenKind(mode).token === "access") lines.push(`  TOKEN=$(npm run -s token -- --user ${a?.username ?? "alice"} --scope ${outputs.client.scopes?.read ?? "notes/read"}${dataDirFlag})   # a read-only token: writes get 403`);
  if (outputs.client.machineClientId) {
    lines.push(
      `  TOKEN=$(npm run -s token -- --client machine${dataDirFlag})   # client credentials (secret in .local/outputs.json "secrets")`,
      `  curl -H "Authorization: ${header}" ${url}/me`,
    );
  }
  return lines;
}

export function banner(outputs: LocalOutputs, dataDirFlag = ""): string {
  const idp = outputs.local.idp;
  return [
    `Local ${outputs.authMode} door of stack ${outputs.local.stack}: ${outputs.local.gateway}`,
    `  in AWS:    ${outputs.client.signIn ?? "(no sign-in)"}; locally: the same tokens from the local user pool below (npm run token)`,
    `  url:       ${outputs.url}`,
    ...(idp ? [
      `  user pool: ${idp.issuer} (oidc-provider; token endpoint ${idp.tokenEndpoint}, sign-in page via ${idp.authorizeEndpoint})`,
      `  users:     ${outputs.local.users.map((u) => `${u.username} (${u.email} / ${u.password}${u.groups.length ? `, ${u.groups.join(", ")}` : ""})`).join("; ")}`,
    ] : []),
    `  data:      ${outputs.local.dataDir} (dynalite ${outputs.local.endpoints.dynamodb}, S3 ${outputs.local.endpoints.s3}); outputs in ${path.join(outputs.local.dataDir, "outputs.json")}`,
    "",
    "Try it:",
    ...howToCall(outputs, dataDirFlag),
    "",
    "Ctrl-C stops it.",
  ].join("\n");
}

async function main(): Promise<number> {
  const args: LocalArgs = parseLocalArgs(process.argv.slice(2), ["door", "stack", "set", "port", "data-dir"]);
  const running = runningOutputs(args.dataDir);
  if (running) {
    process.stderr.write(`A local stack is already running: the ${running.authMode} door at ${running.url} (from ${args.dataDir}). Stop it with Ctrl-C first.\n`);
    return 1;
  }
  const door = String(stackConfig({ stack: args.stack, overrides: args.overrides, door: args.door }).authMode ?? "");
  const started = Date.now();
  process.stdout.write(`Running the program for stack ${args.stack} (authMode ${door}) under mocks, as npm run plan does…\n`);
  const run = await recordStack({ stack: args.stack, overrides: args.overrides, door: args.door });
  let stack;
  try {
    stack = await startLocalStack({ run, stack: args.stack, dataDir: args.dataDir, port: args.port, idpPort: args.port ? args.port + 1 : 0, log: (line) => process.stdout.write(`  [gateway] ${line}\n`) });
  } catch (err) {
    if (err instanceof NotEmulatedYet || err instanceof DoorNotLocalYet) {
      process.stderr.write(`The ${door} door cannot run locally yet: local mode for ${door} comes in "Local mode, part 2" (today: cognito and http-jwt).\n  (${err.message})\n`);
      return 3;
    }
    if (err instanceof AlreadyRunning) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(`Port ${args.port} or ${args.port + 1} (the local user pool) on 127.0.0.1 is in use (another npm start, or another program). Stop it, or pick another with --port.\n`);
      return 1;
    }
    throw err;
  }
  const dataDirFlag = path.resolve(args.dataDir) === path.resolve(DEFAULT_DATA_DIR) ? "" : ` --data-dir ${args.dataDir}`;
  process.stdout.write(`${banner(stack.outputs, dataDirFlag)}\n(started in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  process.stdout.write("\nStopping…\n");
  await stack.close();
  process.stdout.write("Stopped.\n");
  return 0;
}

if (require.main === module) runCli(main);
