import * as fs from "fs";
import * as path from "path";
import { stackSettings } from "../handlers/env";
import type { StackRun } from "../offline/runStack";
import { ensureTables, startDynalite } from "./dynamo";
import { GatewayDeps, LocalGateway, gatewaysOf, serveGateways } from "./gateways";
import { KeySets } from "./gateways/jwt";
import { LocalIdp, startIdp } from "./idp";
import { LocalLambda, startLambda } from "./lambda";
import { acquireLock, noteLockUrl } from "./lock";
import { recordedProgram } from "./recorded";
import { S3RVER_CREDENTIALS, startS3 } from "./s3";
import { SeedUser, loadUsers } from "./seedUsers";

/**
 * Local mode: the recorded program's front door on 127.0.0.1, with the services behind it
 * (dynalite, S3, the user pool's stand-in, the real handler), each configured from the
 * resources the program registers.
 */

/** What local mode adds to the stack outputs: how to reach the local services and the test users. */
export interface LocalInfo {
  stack: string;
  /** The emulated API and stage. */
  gateway: string;
  /** The user pool's stand-in, when the program has a user pool. */
  idp?: {
    issuer: string;
    jwksUri: string;
    authorizeEndpoint: string;
    tokenEndpoint: string;
    loginForm: string;
    /** Local-only: re-dates a genuine token into the past (the contract's expired-token check). */
    expiredCopyEndpoint: string;
    /** Local-only: an app client of the same pool that no door trusts. */
    otherClientId: string;
    clients: { clientId: string; name: string; flows: string[]; scopes: string[]; callbackUrls: string[] }[];
  };
  users: SeedUser[];
  /** The stack's admin group and CORS origins, as the program hands them to the function. */
  adminGroup: string;
  corsOrigins: string[];
  endpoints: { dynamodb: string; s3: string };
  dataDir: string;
}

/** `.local/outputs.json`: the keys of `pulumi stack output --json --show-secrets`, plus `local`. */
export interface LocalOutputs {
  authMode: string;
  url: string;
  region: string;
  client: Record<string, any>;
  tableName: string;
  attachmentsBucket: string;
  functionName: string;
  secrets: Record<string, any>;
  local: LocalInfo;
  [key: string]: unknown;
}

export interface LocalStackOptions {
  /** The recorded program (tests may alter a copy first). */
  run: StackRun;
  stack: string;
  /** Where notes, attachments, the signing key and outputs.json live (`.local/`). */
  dataDir: string;
  /** The gateway's port; 0 picks a free one. @default 3000 */
  port?: number;
  /** The user pool's port (a fixed one keeps the issuer, so tokens survive a restart); 0 picks a free one. @default 0 */
  idpPort?: number;
  users?: SeedUser[];
  log?: (line: string) => void;
}

export interface RunningLocalStack {
  outputs: LocalOutputs;
  gateways: LocalGateway[];
  lambda: LocalLambda;
  close(): Promise<void>;
}

/** Replaces every occurrence of each recorded value in a JSON value (deep). */
export function replaceDeep<T>(value: T, replacements: [string, string][]): T {
  const swap = (s: string) => replacements.reduce((v, [from, to]) => (from ? v.split(from).join(to) : v), s);
  const walk = (v: unknown): unknown => (typeof v === "string" ? swap(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v);
  return walk(value) as T;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<RunningLocalStack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const program = recordedProgram(opts.run);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    closers.push(acquireLock(opts.dataDir, opts.port ?? 3000));
    // The gateways first: a front door local mode cannot emulate yet stops here, before any service starts.
    let lambda: LocalLambda | undefined;
    let idp: LocalIdp | undefined;
    const deps: GatewayDeps = {
      program,
      get lambda() {
        return lambda!;
      },
      localize: (v) => idp?.localize(v) ?? v,
      keys: new KeySets(),
      log,
    };
    const gateways = gatewaysOf(deps);

    const [dynamo, s3, startedIdp] = await Promise.all([
      startDynalite({ path: path.join(opts.dataDir, "dynamodb") }),
      startS3(program, path.join(opts.dataDir, "s3")),
      program.ofType("aws:cognito/userPool:UserPool").length ? startIdp({ program, users: opts.users ?? loadUsers(), dataDir: opts.dataDir, port: opts.idpPort ?? 0 }) : Promise.resolve(undefined),
    ]);
    closers.push(dynamo.close, s3.close, ...(startedIdp ? [startedIdp.close] : []));
    idp = startedIdp;
    const region = String(opts.run.outputs.region ?? "us-east-1");
    await ensureTables(dynamo.endpoint, program.ofType("aws:dynamodb/table:Table").map((t) => ({ name: String(program.stateOf(t).name), inputs: t.inputs })), region);
    lambda = startLambda(program, {
      // The SDKs' documented service-specific endpoint variables: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
      endpoints: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_S3: s3.endpoint },
      credentials: S3RVER_CREDENTIALS,
      localize: deps.localize,
    });
    const server = await serveGateways(gateways, opts.port ?? 3000, log);
    closers.push(server.close);

    const outputs = localOutputs(opts, program, gateways, server.origin, lambda, idp, { dynamodb: dynamo.endpoint, s3: s3.endpoint });
    fs.writeFileSync(path.join(opts.dataDir, "outputs.json"), JSON.stringify(outputs, null, 2) + "\n", { mode: 0o600 });
    noteLockUrl(opts.dataDir, outputs.url);
    return { outputs, gateways, lambda, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function localOutputs(opts: LocalStackOptions, program: ReturnType<typeof recordedProgram>, gateways: LocalGateway[], origin: string, lambda: LocalLambda, idp: LocalIdp | undefined, endpoints: LocalInfo["endpoints"]): LocalOutputs {
  // Recorded (mock) values -> local ones: stage URLs, the pool's issuer and domain, client secrets.
  const replacements: [string, string][] = [
    ...gateways.map((g): [string, string] => [g.invokeUrl.replace(/\/$/, ""), `${origin}${g.basePath}`]),
    ...(idp?.pools ?? []).flatMap((p) => [[p.awsIssuer, p.issuer], ...(p.awsDomainUrl ? [[p.awsDomainUrl, p.issuer]] : [])] as [string, string][]),
    ...program.ofType("aws:cognito/userPoolClient:UserPoolClient").flatMap((c): [string, string][] => {
      const local = idp?.pools.flatMap((p) => p.clients).find((l) => l.clientId === program.idOf(c));
      const mock = program.stateOf(c).clientSecret;
      return mock && local?.secret ? [[mock, local.secret]] : [];
    }),
  ];
  const recorded = opts.run.revealedOutputs ?? opts.run.outputs;
  const env = stackSettings.decode(lambda.functions[0]?.environment ?? {});
  const pool = idp?.pools[0];
  return {
    ...replaceDeep(recorded, replacements),
    local: {
      stack: opts.stack,
      gateway: gateways.map((g) => g.describe).join("; "),
      ...(pool ? {
        idp: {
          issuer: pool.issuer,
          jwksUri: `${pool.issuer}/.well-known/jwks.json`,
          authorizeEndpoint: pool.authorizeEndpoint,
          tokenEndpoint: pool.tokenEndpoint,
          loginForm: pool.loginForm,
          expiredCopyEndpoint: pool.expiredCopyEndpoint,
          otherClientId: pool.otherClientId,
          clients: pool.clients.map(({ clientId, name, flows, scopes, callbackUrls }) => ({ clientId, name, flows, scopes, callbackUrls })),
        },
      } : {}),
      users: pool?.users ?? [],
      adminGroup: env.adminGroup,
      corsOrigins: env.corsOrigins,
      endpoints,
      dataDir: path.resolve(opts.dataDir),
    },
  } as LocalOutputs;
}
