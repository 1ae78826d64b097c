/**
 * `npm start [-- --door <authMode>] [--stack dev] [--set key=value] [--port 3000]`: runs the real
 * program under mocks (as `npm run plan` does), then serves its front door on 127.0.0.1 with the
 * real handler, dynalite, a local S3 and the user pool's stand-in, all configured from the
 * recorded resources. Ctrl-C, SIGTERM, SIGHUP or the end of the process that started it (npm) stops everything.
 */
import * as path from "path";
import { DEFAULT_DATA_DIR, LocalArgs, LocalCommand, parseLocalArgs, runCli, runningStack } from "./command";
import { untilStopped } from "./lifetime";
import { atDoor, authorization, credentialOf, doorsOf } from "../clients/doorClient";
import { LocalOutputs, startLocalStack } from "../localStack";
import { AlreadyRunning } from "../lock";
import { appOverrides } from "../app/appConfig";
import { RunningBrowserApp, startBrowserApp } from "../app/server";
import { NotEmulatedYet, recordStack, stackConfig } from "../recorded";
import { DOOR_REPORTS } from "../../components/doors/reportRegistry";
import { projectConfigRefusal } from "../../components/pulumiConfig";

/** How to call the door from a shell, credentials first (docs/calling-the-doors.md). */
export function howToCall(outputs: LocalOutputs, dataDirFlag = ""): string[] {
  const lines = callLines(outputs, dataDirFlag);
  const mtls = outputs.local.mtls;
  if (!mtls) return lines;
  return [
    ...lines,
    `  # mutual TLS: the handshake is refused without --cert/--key, or with another CA's certificate ` +
      `(${mtls.otherCertFile}, ${mtls.otherKeyFile})`,
    `  curl --cacert ${mtls.caFile} ${outputs.url.replace(/\/$/, "")}/me`,
  ];
}

function callLines(outputs: LocalOutputs, dataDirFlag: string): string[] {
  const url = outputs.url.replace(/\/$/, "");
  const [a] = outputs.local.users;
  const user = a?.username ?? "alice";
  const keys = Object.entries((outputs.secrets?.apiKeys ?? {}) as Record<string, string>);
  const mtls = outputs.local.mtls;
  // Over mutual TLS curl trusts the local server's CA and presents the test machine's certificate.
  const curl = mtls ? `curl --cacert ${mtls.caFile} --cert ${mtls.certFile} --key ${mtls.keyFile}` : "curl";
  const credential = credentialOf(outputs);
  switch (credential.kind) {
    case "identity-pool-sigv4":
      return sigv4Lines(outputs, { url, user, curl, dataDirFlag });
    case "alb-session":
      return [
        `  open ${url}/notes in a browser: the load balancer sends you to the local sign-in page, then keeps ` +
          `your session in a cookie`,
        `  COOKIE=$(npm run -s token -- --user ${user}${dataDirFlag})   # the same sign-in, scripted: the ` +
          `session cookie`,
        `  ${curl} -H "cookie: $COOKIE" ${url}/notes`,
        `  ${curl} -H "cookie: $COOKIE" -H 'content-type: application/json' -d ` +
          `'{"title":"first","content":"hello"}' ${url}/notes`,
        `  ${curl} -H "cookie: $COOKIE" ${url}/me`,
      ];
    case "api-key":
      return [
        ...keys.map(([name, value]) => `  ${curl} -H "x-api-key: ${value}" ${url}/me   # the ${name} application`),
        `  ${curl} -H "x-api-key: ${keys[0]?.[1] ?? ""}" -H 'content-type: application/json' -d ` +
          `'{"title":"first","content":"hello"}' ${url}/notes`,
      ];
    case "user-token":
      return tokenLines(outputs, {
        url,
        user,
        curl,
        dataDirFlag,
        key: credential.apiKey && keys[0] ? ` -H "x-api-key: ${keys[0][1]}"` : "",
      });
    default: {
      const unknown: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

interface CallContext {
  url: string;
  user: string;
  curl: string;
  dataDirFlag: string;
}

/** SigV4 with a user's identity-pool credentials; a machine through the machine role, when one is trusted. */
function sigv4Lines(outputs: LocalOutputs, { url, user, curl, dataDirFlag }: CallContext): string[] {
  const region = String(outputs.region ?? outputs.client.region ?? "us-east-1");
  const sign =
    `${curl} --aws-sigv4 "aws:amz:${region}:execute-api" --user ` +
    `"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN"`;
  const lines = [
    `  eval "$(npm run -s token -- --user ${user}${dataDirFlag})"   # ${user}'s identity-pool credentials (sign ` +
      `in, GetId, GetCredentialsForIdentity)`,
    `  ${sign} ${url}/notes`,
    `  ${sign} -H 'content-type: application/json' -d '{"title":"first","content":"hello"}' ${url}/notes`,
    `  ${sign} ${url}/admin/stats   # 403 from API Gateway: the user role's policy lacks /admin/* (carol's ` +
      `admin role has it)`,
  ];
  const mtls = outputs.local.mtls;
  const machineRoles = Object.values((outputs.client.machineRoleArns ?? {}) as Record<string, string>);
  for (const t of mtls ? [] : outputs.local.principals.trusted.filter((p) => machineRoles.includes(p.roleArn))) {
    lines.push(`  # a machine: ${t.principal} (listed in machineRolePrincipals) assumes its own role at the local STS`);
    lines.push(
      `  AWS_ACCESS_KEY_ID=${t.accessKeyId} ` +
        `AWS_SECRET_ACCESS_KEY=${t.secretAccessKey}${t.sessionToken ? ` AWS_SESSION_TOKEN=${t.sessionToken}` : ""} ` +
        `AWS_ENDPOINT_URL_STS=${outputs.local.endpoints.aws} \\`,
    );
    lines.push(
      `    npm run call:iam -- --url ${url}/notes --role-arn ` +
        `${t.roleArn}${t.externalId ? ` --external-id ${t.externalId}` : ""} --region ${region}`,
    );
  }
  if (machineRoles.length === 0) {
    const example = Object.entries(DOOR_REPORTS.iam.variants.machines)
      .map(([k, v]) => ` --set '${k}=${typeof v === "string" ? v : JSON.stringify(v)}'`)
      .join("");
    lines.push(
      `  # machine roles (and npm run call:iam) come with machineRolePrincipals, another account's principals ` +
        `(one role each): npm start -- --door iam${example}`,
    );
  }
  if (mtls && machineRoles.length > 0)
    lines.push(
      "  # npm run call:iam presents no client certificate, which this domain refuses: sign the machine's calls " +
        "with curl as above",
    );
  return lines;
}

/**
 * A user's token in Authorization (with the app's key where the door wants one), other tiers, scopes and the machine
 * client.
 */
function tokenLines(
  outputs: LocalOutputs,
  { url, user, curl, dataDirFlag, key }: CallContext & { key: string },
): string[] {
  const header = authorization(outputs, "$TOKEN");
  const lines = [
    `  TOKEN=$(npm run -s token -- --user ${user}${dataDirFlag})`,
    `  ${curl} -H "Authorization: ${header}"${key} ${url}/notes`,
    `  ${curl} -H "Authorization: ${header}"${key} -H 'content-type: application/json' -d ` +
      `'{"title":"first","content":"hello"}' ${url}/notes`,
    `  ${curl} -H "Authorization: ${header}"${key} ${url}/me`,
  ];
  // Where the gateway checks scopes per route, a token with fewer scopes gets fewer routes.
  const readScope = outputs.client.scopes?.read;
  if (readScope)
    lines.push(
      `  TOKEN=$(npm run -s token -- --user ${user} --scope ${readScope}${dataDirFlag})   # a read-only token: ` +
        `writes get 403`,
    );
  const tiered = outputs.local.users.find((u) =>
    Object.values((outputs.client.tiers ?? {}) as Record<string, { group?: string }>).some(
      (t) => t.group && u.groups.includes(t.group),
    ),
  );
  if (tiered)
    lines.push(
      `  TOKEN=$(npm run -s token -- --user ${tiered.username}${dataDirFlag})   # ${tiered.username} is on ` +
        `another tier (${tiered.groups.join(", ")}): its own throttle and quota`,
    );
  if (outputs.client.machineClientId) {
    lines.push(
      `  TOKEN=$(npm run -s token -- --client machine${dataDirFlag})   # client credentials (secret in ` +
        `.local/outputs.json "secrets")`,
      `  ${curl} -H "Authorization: ${header}" ${url}/me`,
    );
  }
  return lines;
}

export function banner(outputs: LocalOutputs, dataDirFlag = ""): string {
  const doors = doorsOf(outputs);
  if (doors.length === 1)
    return [...doorLines(outputs), ...backendLines(outputs), "", "Try it:", ...howToCall(outputs, dataDirFlag)].join(
      "\n",
    );
  // Several doors: the backend once, then each door with its url and how to call it (npm run token -- --door <it>).
  return [
    `Local doors ${doors.join(", ")} of stack ${outputs.local.stack}, side by side over one backend (the ` +
      `${outputs.authMode} door is the primary: url, client)`,
    ...backendLines(outputs),
    ...doors.flatMap((door) => {
      const at = atDoor(outputs, door);
      return [
        "",
        ...doorLines(at, "above"),
        "  Try it:",
        ...howToCall(at, `${door === outputs.authMode ? "" : ` --door ${door}`}${dataDirFlag}`),
      ];
    }),
  ].join("\n");
}

/** The door, what it takes in AWS and its url (the local services are listed `below` it, or `above`). */
function doorLines(outputs: LocalOutputs, where: "below" | "above" = "below"): string[] {
  return [
    `Local ${outputs.authMode} door of stack ${outputs.local.stack}: ` +
      `${outputs.local.gateways?.[outputs.authMode] ?? outputs.local.gateway}`,
    `  in AWS:    ${outputs.client.signIn ?? "(no sign-in)"}; locally: the same flows against the local ` +
      `services ${where}`,
    `  url:       ${outputs.url}`,
  ];
}

/** What every door shares: the user pool and its users, the local AWS APIs, the operator, the faults, the data. */
function backendLines(outputs: LocalOutputs): string[] {
  const idp = outputs.local.idp;
  // Users only where npm run token signs them in: a door of API keys alone takes none of their tokens.
  const keysOnly = doorsOf(outputs).every((d) => credentialOf(atDoor(outputs, d)).kind === "api-key");
  return [
    ...(idp
      ? [
          `  user pool: ${idp.issuer} (oidc-provider; token endpoint ${idp.tokenEndpoint}, sign-in page via ` +
            `${idp.authorizeEndpoint})`,
          keysOnly
            ? `  users:     none at this door: it takes the API keys below, not users' tokens (apiKeyWithCognito ` +
              `adds them)`
            : `  users:     ` +
              `${outputs.local.users
                .map(
                  (u) =>
                    `${u.username} (${u.email} / ` +
                    `${u.password}${u.groups.length ? `, ${u.groups.join(", ")}` : ""})`,
                )
                .join("; ")}`,
          ...(idp.identityProviders ?? []).map(
            (p) =>
              `  IdP ${p.name}: ${p.issuer} (${p.type}'s local stand-in; ` +
              `${p.users.map((u) => `${u.email} / ${u.password}`).join("; ")}: ` +
              `npm run token -- --user ${p.users[0].email} --idp ${p.name})`,
          ),
        ]
      : []),
    `  AWS APIs:  ${outputs.local.endpoints.aws} (STS, Cognito identity pool, user pool admin API, Lambda ` +
      `Invoke; AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL)`,
    `  operator:  AWS_ACCESS_KEY_ID=${outputs.local.principals.operator.accessKeyId} ` +
      `AWS_SECRET_ACCESS_KEY=${outputs.local.principals.operator.secretAccessKey} ` +
      `(${outputs.local.principals.operator.arn}: npm run smoke -- --create-users)`,
    ...(outputs.local.mtls
      ? [
          `  mTLS:      ${outputs.local.mtls.domainName}'s client certificates are checked against ` +
            `${outputs.local.mtls.truststoreUri} in local S3 (the test PKI's clients CA); server CA ` +
            `${outputs.local.mtls.caFile}, test machine ${outputs.local.mtls.certFile} and ` +
            `${outputs.local.mtls.keyFile}`,
        ]
      : []),
    ...(Object.keys(outputs.local.faults ?? {}).length
      ? [
          `  faults:    ${Object.entries(outputs.local.faults)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}: the handler answers 503 while they last; curl -d dynamodb=off -d s3=off ` +
            `${outputs.local.faultsEndpoint} ends them`,
        ]
      : []),
    `  data:      ${outputs.local.dataDir} (dynalite ${outputs.local.endpoints.dynamodb}, S3 ` +
      `${outputs.local.endpoints.s3}); outputs in ${path.join(outputs.local.dataDir, "outputs.json")}`,
  ];
}

/** `npm start`'s flags (its `--help` is made from them). */
export const START_COMMAND: LocalCommand = {
  name: "npm start",
  summary:
    "Runs the program under mocks and serves its front door, the Lambda and local AWS services on 127.0.0.1 " +
    "until Ctrl-C, SIGTERM or the end of npm.",
  flags: ["door", "stack", "set", "port", "app-port", "data-dir", "fault"],
};

/** Something `npm start` runs until it stops: started in order, closed in the reverse order. */
export interface Started {
  name: string;
  close(): Promise<void>;
}

/** How long closing may take before `npm start` exits anyway (a server that will not close must not keep its ports). */
export const CLOSE_DEADLINE_MS = 10_000;

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const args: LocalArgs = parseLocalArgs(argv, START_COMMAND);
  const running = runningStack(args.dataDir);
  if (running) {
    process.stderr.write(
      `A local stack is already running: the ${doorsOf(running.outputs).join(", ")} door at ` +
        `${running.outputs.url} (from ${args.dataDir}, pid ${running.pid}). Stop it with Ctrl-C in its terminal, ` +
        `or kill ${running.pid}.\n`,
    );
    return 1;
  }
  const config = stackConfig({ stack: args.stack, overrides: args.overrides, doors: args.doors });
  const door = Array.isArray(config.doors) ? config.doors.join(", ") : String(config.authMode ?? "");
  // What `pulumi up` refuses before the program runs (Pulumi.yaml's rules), refused here too.
  const { defaulted: _defaulted, ...values } = config;
  const refused = projectConfigRefusal(args.stack, {
    values,
    secure: Object.keys(values).filter((k) => values[k] === "<secure>"),
  });
  if (refused) {
    process.stderr.write(`error: ${refused}\n`);
    return 2;
  }
  process.stdout.write(
    `Running the program for stack ${args.stack} (${Array.isArray(config.doors) ? "doors" : "authMode"} ${door}) ` +
      `under mocks, as npm run plan does…\n`,
  );
  if (config.defaulted)
    process.stdout.write(
      `  (Pulumi.${args.stack}.yaml does not set ${config.defaulted.join(", ")}: local mode uses the door's ` +
        `example values; set them with --set)\n`,
    );
  const started: Started[] = [];
  // The browser app first: its origin (its port) is recorded as a CORS origin and a callback URL of the SPA client,
  // as a deployed SPA's would be; it serves the stack's outputs once they exist.
  let outputs: LocalOutputs | undefined;
  let app: RunningBrowserApp;
  try {
    app = await startBrowserApp({ port: args.appPort, outputs: () => outputs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    process.stderr.write(
      `Port ${args.appPort} (the browser app) is in use (another npm start, or another program). Stop it, or ` +
        `pick another with --app-port.\n`,
    );
    return 1;
  }
  started.push({ name: "the browser app", close: app.close });
  const overrides = { ...args.overrides, ...appOverrides(app.url, config) };
  let stack;
  try {
    const run = await recordStack({ stack: args.stack, overrides, doors: args.doors });
    stack = await startLocalStack({
      run,
      stack: args.stack,
      dataDir: args.dataDir,
      port: args.port,
      idpPort: args.port ? args.port + 1 : 0,
      awsPort: args.port ? args.port + 2 : 0,
      faults: args.faults,
      log: (line) => process.stdout.write(`  [local] ${line}\n`),
    });
    started.push({ name: "the local stack", close: stack.close });
    outputs = stack.outputs;
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    if (err instanceof NotEmulatedYet) {
      process.stderr.write(`The ${door} door cannot run locally with this configuration: ${err.message}.\n`);
      return 3;
    }
    if (err instanceof AlreadyRunning) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(
        `Port ${args.port}, ${args.port + 1} (the local user pool) or ${args.port + 2} (the local AWS APIs) on ` +
          `127.0.0.1 is in use (another npm start, or another program)` +
          `${args.doors.length > 1 ? `, or a port from ${args.port + 3} on (the other doors)` : ""}. Stop it, or ` +
          `pick another with --port.\n`,
      );
      return 1;
    }
    throw err;
  }
  const dataDirFlag =
    path.resolve(args.dataDir) === path.resolve(DEFAULT_DATA_DIR) ? "" : ` --data-dir ${args.dataDir}`;
  // Since the process started (node's own clock): loading the program and its compiler is part of the wait.
  process.stdout.write(
    `${banner(stack.outputs, dataDirFlag)}\n\nIn a browser: ${app.url} (the browser app, docs/browser-app.md)\n\n` +
      `(started in ${process.uptime().toFixed(1)} s) Ctrl-C or kill ${process.pid} stops it.\n`,
  );
  const why = await untilStopped().stopped;
  // Whoever read our output may be gone (npm killed): a closed pipe must not stop the closing.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  process.stdout.write(`\nStopping (${why})…\n`);
  const deadline = setTimeout(() => {
    process.stderr.write(`npm start: not stopped within ${CLOSE_DEADLINE_MS / 1000} s; exiting\n`);
    process.exit(1);
  }, CLOSE_DEADLINE_MS);
  deadline.unref();
  for (const s of started.reverse()) await s.close();
  clearTimeout(deadline);
  process.stdout.write("Stopped.\n");
  return 0;
}

if (require.main === module) runCli(main);
