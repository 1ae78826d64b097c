import * as fs from "fs";
import * as path from "path";
import { stackSettings } from "../handlers/contract/stack";
import { doorCodec } from "../handlers/contract/doors";
import type { AuthMode } from "../handlers/contract/authModes";
import type { StackRun } from "../offline/runStack";
import { LocalIam } from "./services/iam";
import { identityPoolApi } from "./services/identityPool";
import { lambdaApi } from "./services/lambdaApi";
import { listenForAws } from "./services/server";
import { stsApi } from "./services/sts";
import { userPoolAdminApi } from "./services/userPoolAdmin";
import { ensureTables, guardDynamo, startDynalite } from "./services/dynamo";
import {
  GatewayDeps,
  GatewayServer,
  LocalGateway,
  RecordedDomain,
  gatewaysOf,
  listenForGateways,
  recordedDomain,
} from "./gateways";
import { doorsOf } from "./clients/stackDoors";
import { KeySets } from "./gateways/jwt";
import { LocalApiKey, localApiKeys } from "./gateways/rest/usagePlans";
import { LocalIdp, startIdp } from "./services/idp";
import { recordedIdentityProviders } from "./services/upstream";
import { LocalLambda, startLambda } from "./services/lambda";
import { acquireLock, noteLockUrl } from "./lock";
import { TestPki, ensureTestPki } from "./pki";
import { NotEmulatedYet, RecordedProgram, recordedProgram } from "./recorded";
import { LocalS3, guardS3, startS3 } from "./services/s3";
import { Fault, FaultService, LocalFaults, faultsApi } from "./services/faults";
import { SeedUser, loadUsers } from "./clients/seedUsers";
import { readTruststore, s3Location, seedTruststore } from "./gateways/truststore";

/**
 * Local mode: the recorded program's front door on 127.0.0.1, with the services behind it
 * (dynalite, S3, the user pool's stand-in, the identity pool, STS, the real functions), each
 * configured from the resources the program registers.
 */

/** Credentials local mode prints: what a principal outside the services would hold. */
export interface LocalCredentials {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What local mode adds to the stack outputs: how to reach the local services and the test users. */
export interface LocalInfo {
  stack: string;
  /** The emulated front doors. */
  gateway: string;
  /** The emulated gateways of each door (several doors: each at its own origin, `urls`), by door. */
  gateways: Record<string, string>;
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
    /**
     * The stand-ins of the recorded identity providers (local/services/upstream.ts): each one's name as the pool
     * knows it (`identity_provider`), type, local issuer, and its test users, who sign in there.
     */
    identityProviders?: { name: string; type: string; issuer: string; users: { email: string; password: string }[] }[];
  };
  users: SeedUser[];
  /** The stack's admin group and CORS origins, as the program hands them to the function. */
  adminGroup: string;
  corsOrigins: string[];
  /** `aws`: the one endpoint of the local AWS APIs (STS, identity pool, user pool admin API, Lambda Invoke). */
  endpoints: { dynamodb: string; s3: string; aws: string };
  /**
   * Credentials of principals outside the stack: the account's administrator (for an operator's
   * tools) and each AWS principal of another account that a recorded trust policy names
   * (`principal`, as the policy names it), with the role it may assume and the external id the
   * trust policy asks for. At `iam` each listed machine has its own role.
   */
  principals: {
    operator: LocalCredentials;
    trusted: (LocalCredentials & { principal: string; roleArn: string; externalId?: string; orgId?: string })[];
  };
  /** The recorded usage plans of the stage (throttle and quota), with the ids of their keys. */
  usagePlans: {
    name: string;
    keyIds: string[];
    rateLimit?: number;
    burstLimit?: number;
    quota?: { limit: number; period: string };
  }[];
  /**
   * Local-only: the faults of the data services (services/faults.ts): `GET` lists those in force, `POST` a form
   * (`dynamodb=throttle`, `s3=stall:2000`, `dynamodb=off`) changes them.
   */
  faultsEndpoint: string;
  /** The faults in force when the stack started (`npm start -- --fault`), e.g. `{ "dynamodb": "throttle" }`. */
  faults: Record<string, string>;
  /** Local-only: re-dates a load balancer's session cookie into the past (the contract's expired-cookie check). */
  albExpiredSessionEndpoint?: string;
  /**
   * The custom domain's mutual TLS, when the program records it: the truststore read (the recorded
   * URI), whether machines must present a certificate, and the test PKI's files a client uses:
   * the CA of the local server certificate (`curl --cacert`), the test machine's certificate and
   * key (`--cert`, `--key`), and a certificate and key from a CA the truststore does not hold.
   */
  mtls?: {
    domainName: string;
    truststoreUri: string;
    truststoreVersion?: string;
    requiredForMachines: boolean;
    caFile: string;
    certFile: string;
    keyFile: string;
    otherCertFile: string;
    otherKeyFile: string;
  };
  dataDir: string;
}

/** `.local/outputs.json`: the keys of `pulumi stack output --json --show-secrets`, plus `local`. */
export interface LocalOutputs {
  authMode: string;
  url: string;
  /** Several doors: every door served (the primary `authMode` among them), and each one's url and client. */
  doors?: string[];
  urls?: Record<string, string>;
  clients?: Record<string, Record<string, any>>;
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
  /**
   * The user pool's port (a fixed one keeps the issuer, so tokens survive a restart); 0 picks a free one. @default 0
   */
  idpPort?: number;
  /** The local AWS endpoint's port; 0 picks a free one. @default 0 */
  awsPort?: number;
  /** Where the test PKI of mutual TLS lives (made there if missing). @default `<dataDir>/pki` */
  pkiDir?: string;
  users?: SeedUser[];
  /** Faults of the data services from the start on (`npm start -- --fault dynamodb=throttle`). */
  faults?: { service: FaultService; fault: Fault | undefined }[];
  log?: (line: string) => void;
}

export interface RunningLocalStack {
  outputs: LocalOutputs;
  gateways: LocalGateway[];
  lambda: LocalLambda;
  iam: LocalIam;
  idp?: LocalIdp;
  /** The data services' faults, to change while it runs. */
  faults: LocalFaults;
  close(): Promise<void>;
}

/** Where local S3 keeps its objects in a data folder. */
export const s3Directory = (dataDir: string) => path.join(dataDir, "s3");

/** Replaces every occurrence of each recorded value in a string. */
export function replaceAll(value: string, replacements: [string, string][]): string {
  return replacements.reduce((v, [from, to]) => (from ? v.split(from).join(to) : v), value);
}

/** Replaces every occurrence of each recorded value in a JSON value (deep). */
export function replaceDeep<T>(value: T, replacements: [string, string][]): T {
  const walk = (v: unknown): unknown =>
    typeof v === "string"
      ? replaceAll(v, replacements)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(value) as T;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<RunningLocalStack> {
  const log = opts.log ?? ((line: string) => console.log(line));
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const program = recordedProgram(opts.run);
  const region = String(program.run.outputs.region ?? "us-east-1");
  // A provider local mode cannot play (SAML) stops it before any port opens.
  recordedIdentityProviders(program);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    closers.push(acquireLock(opts.dataDir, opts.port ?? 3000));
    // A custom domain with mutual TLS is served over HTTPS with the test PKI's server certificate.
    const domain = recordedDomain(program);
    const pki = domain?.mtls ? ensureTestPki(path.resolve(opts.pkiDir ?? path.join(opts.dataDir, "pki"))) : undefined;
    // The front door's port and the AWS endpoint first: the services are configured with their URLs.
    const front = await listenForGateways(
      opts.port ?? 3000,
      log,
      pki && { cert: fs.readFileSync(pki.serverCertFile, "utf8"), key: fs.readFileSync(pki.serverKeyFile, "utf8") },
    );
    closers.push(front.close);
    const aws = await listenForAws(opts.awsPort ?? 0, log);
    closers.push(aws.close);

    // The gateways next: a front door local mode cannot emulate stops here, before any service starts.
    let lambda: LocalLambda | undefined;
    let idp: LocalIdp | undefined;
    let replacements: [string, string][] = [];
    const iam = new LocalIam(program);
    const faults = new LocalFaults(log);
    const apiKeys = localApiKeys(program, opts.dataDir);
    const deps: GatewayDeps = {
      program,
      get lambda() {
        return lambda!;
      },
      localize: (v) => replaceAll(v, replacements),
      keys: new KeySets(),
      iam,
      apiKeys,
      idp: () => idp,
      aws: { endpoint: aws.origin, add: aws.add },
      log,
    };
    const gateways = gatewaysOf(deps);
    // Several doors: in AWS each has its own host (its API's execute-api name, its load balancer's DNS name), so
    // locally each has its own port (the primary `port`, the others from port + 3 on); a custom domain serves them
    // all, on its mappings (the primary at the root, every other door at /<door>).
    const doors = doorsOfGateways(program, gateways, !!domain);
    const fronts: { door: string; server: GatewayServer; gateways: LocalGateway[] }[] = [
      { door: doors[0].door, server: front, gateways: domain ? gateways : doors[0].gateways },
    ];
    for (const [i, d] of doors.slice(1).entries()) {
      const server = await listenForGateways(opts.port ? opts.port + 3 + i : 0, log);
      closers.push(server.close);
      fronts.push({ door: d.door, server, gateways: d.gateways });
    }

    // Each door's recorded URLs, and the stack's url output (a DNS name that points at it), are its local origin.
    const urls: [string, string][] = fronts.flatMap((f) =>
      f.gateways.map((g): [string, string] => [
        g.invokeUrl.replace(/\/$/, ""),
        `${siteOrigin(program, f.server.origin, f.gateways)}${g.basePath}`,
      ]),
    );
    const stackUrl = String(program.run.outputs.url ?? "");
    if (stackUrl && replaceAll(stackUrl, urls) === stackUrl)
      urls.push([new URL(stackUrl).origin, siteOrigin(program, front.origin, fronts[0].gateways)]);
    replacements = urls;

    const [dynamo, s3, startedIdp] = await Promise.all([
      // DynamoDB checks each caller's signature and recorded IAM policies (services/dynamo.ts).
      startDynalite({ path: path.join(opts.dataDir, "dynamodb") }).then((d) =>
        guardDynamo(d, { iam, region, log, faults }),
      ),
      // S3 likewise takes only issued credentials, within their recorded IAM policies (services/s3.ts).
      startS3(
        program,
        s3Directory(opts.dataDir),
        domain?.mtls ? [s3Location(domain.mtls.truststoreUri).bucket] : [],
      ).then((s) => guardS3(s, { iam, log, faults })),
      program.ofType("aws:cognito/userPool:UserPool").length
        ? startIdp({
            program,
            users: opts.users ?? loadUsers(),
            dataDir: opts.dataDir,
            port: opts.idpPort ?? 0,
            localizeUrl: (u) => replaceAll(u, urls),
            // The pools' recorded triggers run in the Lambda service, which starts once the pools do.
            lambda: () => lambda,
          })
        : Promise.resolve(undefined),
    ]);
    closers.push(dynamo.close, s3.close, ...(startedIdp ? [startedIdp.close] : []));
    idp = startedIdp;
    // Recorded (mock) values -> local ones: the user pools' issuers and domains, client secrets, API key values, URLs.
    replacements = [...(idp ? poolReplacements(idp) : []), ...secretReplacements(program, idp, apiKeys), ...urls];

    await ensureTables(
      dynamo.endpoint,
      program
        .ofType("aws:dynamodb/table:Table")
        .map((t) => ({ name: String(program.stateOf(t).name), inputs: t.inputs })),
      region,
      iam.issue(iam.operator(), { longTerm: true }),
    );
    lambda = startLambda(program, {
      endpoints: {
        // The SDKs' documented service-specific endpoint variables: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        // Where sign-out's RevokeToken goes (handlers/sessions/revokeToken.ts): the local user pools' public API.
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: aws.origin,
        // Where the handler's ALB verifier fetches the load balancer's public keys (handlers/doors/albVerifier.ts;
        // AWS's is https://public-keys.auth.elb.<region>.amazonaws.com/<kid>), under the alb-oidc door's name
        // (DOOR_ALB_OIDC_ beside another primary door).
        [doorCodec("alb-oidc", String(program.run.outputs.authMode) as AuthMode).fields.keyEndpoint.env]:
          `${aws.origin}/public-keys.auth.elb.${region}`,
      },
      // A session of each function's recorded role. Lambda renews these; local mode issues them for a week.
      credentials: (roleArn, functionName) =>
        iam.issue(iam.roleSession(roleArn, functionName), { ttlSeconds: 7 * 24 * 3600 }),
      localize: deps.localize,
    });
    aws.add(
      stsApi({ iam, region, log }),
      identityPoolApi({ program, iam, idp: () => idp, keys: deps.keys, log }),
      userPoolAdminApi({ program, iam, idp: () => idp, region, log }),
      lambdaApi({ iam, lambda: () => lambda!, region }),
      faultsApi(faults),
    );
    if (domain?.mtls) await trustRecordedTruststore(front.trustClients!, domain, s3, pki!, log);
    for (const f of fronts) f.server.serve(f.gateways, f.server === front ? domain : undefined);

    const outputs = localOutputs(
      opts,
      program,
      fronts,
      lambda,
      idp,
      iam,
      apiKeys,
      replacements,
      { dynamodb: dynamo.endpoint, s3: s3.endpoint, aws: aws.origin },
      domain,
      pki,
    );
    // Faults last: starting (the tables, the truststore) goes through the same fronts.
    for (const { service, fault } of opts.faults ?? []) faults.set(service, fault);
    outputs.local.faults = faults.describe();
    fs.writeFileSync(path.join(opts.dataDir, "outputs.json"), JSON.stringify(outputs, null, 2) + "\n", { mode: 0o600 });
    noteLockUrl(opts.dataDir, outputs.url);
    return { outputs, gateways, lambda, iam, idp, faults, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The origin a front's URLs name: a load balancer's is `http://localhost:<port>` (the same server), the site
 * of the browser app on http://localhost:5173, as app.example.com and an ALB at api.example.com are one site in
 * AWS. The session cookie is Lax (no SameSite attribute), and browsers send a Lax cookie on a page's fetch only
 * to the page's own site, whatever the port: at 127.0.0.1 the app's credentialed calls would carry no session.
 * https://web.dev/articles/same-site-same-origin (the scheme and registrable domain make a site, ports do not)
 * https://www.chromium.org/updates/same-site/ (a cookie without SameSite is treated as Lax)
 */
function siteOrigin(program: RecordedProgram, origin: string, gateways: LocalGateway[]): string {
  const balancers = program
    .ofType("aws:lb/loadBalancer:LoadBalancer")
    .map((lb) => `https://${program.stateOf(lb).dnsName}`);
  const url = new URL(origin);
  if (url.hostname !== "127.0.0.1" || !gateways.some((g) => balancers.includes(new URL(g.invokeUrl).origin)))
    return origin;
  url.hostname = "localhost";
  return url.origin;
}

/**
 * Each door the program records (its `doors` output, the primary first) with its gateways: those whose recorded URL
 * has the door's `urls` origin. Behind a custom domain, whose mappings route every door, all go with the primary.
 */
function doorsOfGateways(
  program: RecordedProgram,
  gateways: LocalGateway[],
  behindDomain: boolean,
): { door: string; gateways: LocalGateway[] }[] {
  const outputs = program.run.outputs as { authMode?: unknown; url?: unknown; doors?: unknown; urls?: unknown };
  const doors = doorsOf({ authMode: String(outputs.authMode ?? ""), doors: outputs.doors });
  if (behindDomain || doors.length === 1) return [{ door: doors[0], gateways }];
  const urls = (outputs.urls ?? {}) as Record<string, string>;
  const originOf = (url: string) => (url ? new URL(url).origin : "");
  const assigned = doors.map((door) => ({
    door,
    gateways: gateways.filter((g) => originOf(g.invokeUrl) === originOf(urls[door] ?? "")),
  }));
  const lost = assigned.find((d) => d.gateways.length === 0);
  if (lost) throw new NotEmulatedYet(`the ${lost.door} door beside others (no recorded stage or listener at its url)`);
  // A gateway of no door's url (none today) stays reachable at the primary's origin.
  assigned[0].gateways.push(...gateways.filter((g) => !assigned.some((d) => d.gateways.includes(g))));
  return assigned;
}

/**
 * Mutual TLS as the program records it: local mode puts the test PKI's clients CA at the recorded
 * truststore URI in local S3 (the operator's upload; a truststore someone else put there is kept),
 * then the gateway trusts what it reads there, as API Gateway does.
 */
async function trustRecordedTruststore(
  trust: (bundle: string) => void,
  domain: RecordedDomain,
  s3: LocalS3,
  pki: TestPki,
  log: (line: string) => void,
): Promise<void> {
  const { truststoreUri, truststoreVersion } = domain.mtls!;
  const seeded = await seedTruststore(s3, truststoreUri, fs.readFileSync(pki.clientsCaFile, "utf8"));
  if (seeded === "kept")
    log(
      `mutual TLS: ${truststoreUri} already holds a truststore local mode did not put there: it is kept (the ` +
        `test machine's certificate is refused unless its CA is in it)`,
    );
  if (truststoreVersion)
    log(
      `mutual TLS: truststoreVersion ${truststoreVersion} is not checked (local S3 keeps no object versions): ` +
        `the current object is read`,
    );
  const read = await readTruststore(s3, truststoreUri);
  trust(read.bundle);
  log(`mutual TLS on ${domain.name}: client certificates of ${read.subjects.join("; ")} (from ${truststoreUri})`);
}

function poolReplacements(idp: LocalIdp): [string, string][] {
  return idp.pools.flatMap(
    (p) => [[p.awsIssuer, p.issuer], ...(p.awsDomainUrl ? [[p.awsDomainUrl, p.issuer]] : [])] as [string, string][],
  );
}

/** The mocks' client secrets and API key values -> the ones the local services generated. */
function secretReplacements(
  program: RecordedProgram,
  idp: LocalIdp | undefined,
  apiKeys: LocalApiKey[],
): [string, string][] {
  return [
    ...program.ofType("aws:cognito/userPoolClient:UserPoolClient").flatMap((c): [string, string][] => {
      const local = idp?.pools.flatMap((p) => p.clients).find((l) => l.clientId === program.idOf(c));
      const mock = program.stateOf(c).clientSecret;
      return mock && local?.secret ? [[mock, local.secret]] : [];
    }),
    ...apiKeys.map((k): [string, string] => [k.recordedValue, k.value]),
  ];
}

function localOutputs(
  opts: LocalStackOptions,
  program: RecordedProgram,
  fronts: { door: string; gateways: LocalGateway[] }[],
  lambda: LocalLambda,
  idp: LocalIdp | undefined,
  iam: LocalIam,
  apiKeys: LocalApiKey[],
  replacements: [string, string][],
  endpoints: LocalInfo["endpoints"],
  domain: RecordedDomain | undefined,
  pki: TestPki | undefined,
): LocalOutputs {
  const recorded = program.run.revealedOutputs ?? program.run.outputs;
  const api = lambda.functions.find((f) => f.environment.AUTH_MODE) ?? lambda.functions[0];
  const env = stackSettings.decode(api?.environment ?? {});
  const pool = idp?.pools[0];
  const credentialsOf = (c: ReturnType<LocalIam["issue"]>): LocalCredentials => ({
    arn: c.principal.arn,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
  });
  const plans = program.ofType("aws:apigateway/usagePlan:UsagePlan");
  const planKeys = program.ofType("aws:apigateway/usagePlanKey:UsagePlanKey");
  const alb = program.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
  return {
    ...replaceDeep(recorded, replacements),
    local: {
      stack: opts.stack,
      gateway: fronts.flatMap((f) => f.gateways.map((g) => g.describe)).join("; "),
      gateways: Object.fromEntries(fronts.map((f) => [f.door, f.gateways.map((g) => g.describe).join("; ")])),
      ...(pool
        ? {
            idp: {
              issuer: pool.issuer,
              jwksUri: `${pool.issuer}/.well-known/jwks.json`,
              authorizeEndpoint: pool.authorizeEndpoint,
              tokenEndpoint: pool.tokenEndpoint,
              loginForm: pool.loginForm,
              expiredCopyEndpoint: pool.expiredCopyEndpoint,
              otherClientId: pool.otherClientId,
              clients: pool.clients.map(({ clientId, name, flows, scopes, callbackUrls }) => ({
                clientId,
                name,
                flows,
                scopes,
                callbackUrls,
              })),
              ...(pool.upstreams.length
                ? {
                    identityProviders: pool.upstreams.map((u) => ({
                      name: u.provider.name,
                      type: u.provider.type,
                      issuer: u.issuer,
                      users: u.users.map(({ email, password }) => ({ email, password })),
                    })),
                  }
                : {}),
            },
          }
        : {}),
      users: (pool?.users ?? []).map(({ username, email, password, sub, groups }) => ({
        username,
        email,
        password,
        sub,
        groups,
      })),
      adminGroup: env.adminGroup,
      corsOrigins: env.corsOrigins,
      endpoints,
      principals: {
        operator: credentialsOf(iam.issue(iam.operator(), { longTerm: true })),
        trusted: iam.trustedOutsiders().map((t) => ({
          ...credentialsOf(iam.issue(iam.outsider(t.principal), { ttlSeconds: 12 * 3600 })),
          principal: t.principal,
          roleArn: t.roleArn,
          ...(t.externalId ? { externalId: t.externalId } : {}),
          ...(t.orgId ? { orgId: t.orgId } : {}),
        })),
      },
      usagePlans: plans.map((p) => ({
        name: p.name,
        keyIds: planKeys
          .filter((k) => k.inputs.usagePlanId === program.idOf(p))
          .map((k) => String(k.inputs.keyId))
          .filter((id) => apiKeys.some((a) => a.id === id)),
        rateLimit: p.inputs.throttleSettings?.rateLimit,
        burstLimit: p.inputs.throttleSettings?.burstLimit,
        ...(p.inputs.quotaSettings
          ? { quota: { limit: p.inputs.quotaSettings.limit, period: p.inputs.quotaSettings.period } }
          : {}),
      })),
      faultsEndpoint: `${endpoints.aws}/local/faults`,
      faults: {},
      ...(alb
        ? { albExpiredSessionEndpoint: `${endpoints.aws}/local/alb/${encodeURIComponent(alb.name)}/expired-session` }
        : {}),
      ...(domain?.mtls && pki
        ? {
            mtls: {
              domainName: domain.name,
              ...domain.mtls,
              requiredForMachines: env.mtlsRequiredForMachines,
              caFile: pki.serverCaFile,
              certFile: pki.clientCertFile,
              keyFile: pki.clientKeyFile,
              otherCertFile: pki.otherCertFile,
              otherKeyFile: pki.otherKeyFile,
            },
          }
        : {}),
      dataDir: path.resolve(opts.dataDir),
    },
  } as LocalOutputs;
}
