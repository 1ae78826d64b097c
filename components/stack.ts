import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { doorsSettings, stackSettings } from "../handlers/contract/stack";
import type { AuthMode } from "../handlers/contract/authModes";
import { StackConfig, derivedDomainPrefix } from "./config";
import { TOKEN_LIMITS } from "../awsRules/federation";
import { ResolvedConfig, keepsUserPool } from "./resolvedConfig";
import { NOTES_FUNCTION_TIMEOUT_SECONDS, NotesBackend, RevocationArgs } from "./backend/notesBackend";
import { UserDirectory } from "./userDirectory";
import { ApiGatewayLogging } from "./apiGatewayLogging";
import { CustomDomain, DomainTarget } from "./customDomain";
import { Alarms } from "./alarms";
import { MachineIdentities, hasIdentities } from "./identities";
import { doorModule } from "./doors/registry";
import { FrontDoor, record } from "./doors/door";
import { doorCodec, eventSourceCodec } from "../handlers/contract/doors";
import type { SettingsCodec } from "../handlers/contract/settings";

/** What the program exports (see index.ts). */
export interface NotesAuthOutputs {
  /** The primary door (`primaryDoor`, or the only one). */
  authMode: string;
  /** Every door the stack runs, as listed. */
  doors: string[];
  /** The primary door's URL (the custom domain's root, when there is one). */
  url: pulumi.Output<string>;
  /** Each door's URL, by door (under the custom domain: the primary at the root, the others at /<door>). */
  urls: pulumi.Output<Record<string, string>>;
  region: pulumi.Output<string>;
  /** The primary door's sign-in facts: pool and client ids, identity pool, token endpoint, … */
  client: pulumi.Output<Record<string, unknown>>;
  /** Each door's sign-in facts, by door. */
  clients: pulumi.Output<Record<string, Record<string, unknown>>>;
  tableName: pulumi.Output<string>;
  attachmentsBucket: pulumi.Output<string>;
  functionName: pulumi.Output<string>;
  /** Secret values (API keys, client secrets) of every door, wrapped with pulumi.secret. */
  secrets: pulumi.Output<Record<string, unknown>>;
  /** With domainName: the name to point it at, when the stack does not manage the record (no hostedZoneId). */
  dnsTarget?: pulumi.Output<string>;
}

/** A door of the stack as built. */
interface BuiltDoor {
  mode: AuthMode;
  door: FrontDoor<AuthMode>;
}

/**
 * Builds the whole stack for a validated config: the user directory (unless every door uses an
 * external IdP), the backend, the stack's identities, and every door the config lists (`doors`,
 * or the one `authMode` selects), from the registry. Each door is named `door` and told apart by
 * its type, so a door has the same URNs alone and beside others. Nothing here knows any
 * particular door.
 */
export function buildNotesAuth(cfg: ResolvedConfig): NotesAuthOutputs {
  const { stack } = cfg;
  const primary = stack.authMode;
  const users = keepsUserPool(cfg)
    ? new UserDirectory("users", {
        protectData: stack.protectData,
        mfa: stack.mfa,
        adminGroup: stack.adminGroup,
        callbackUrls: stack.oauthCallbackUrls.length > 0 ? stack.oauthCallbackUrls : undefined,
        logoutUrls: stack.oauthLogoutUrls.length > 0 ? stack.oauthLogoutUrls : undefined,
        domainPrefix: domainPrefix(stack),
        selfSignUp: stack.selfSignUp,
        email: stack.email,
        plan: stack.cognitoPlan,
        threatProtection: stack.cognitoThreatProtection,
        federation: stack.federation,
        tokens: stack.tokens,
        logRetentionDays: stack.logRetentionDays,
      })
    : undefined;

  // The doors' handler settings exist only once the doors do; the backend takes them as a
  // deferred output, so its own resources (and URNs) never depend on which doors are built.
  const [handlerEnvironment, setHandlerEnvironment] = pulumi.deferredOutput<Record<string, string>>();
  // Likewise what callers wait for: the function's `live` alias, which every door invokes, moves
  // to the version serving the doors only once every door is deployed (docs/deploying.md).
  const [doorsDeployed, setDoorsDeployed] = pulumi.deferredOutput<string[]>();
  const backend = new NotesBackend("notes", {
    protectData: stack.protectData,
    logRetentionDays: stack.logRetentionDays,
    memoryMb: stack.lambdaMemoryMb,
    reservedConcurrency: stack.lambdaReservedConcurrency,
    tracing: stack.tracing,
    corsOrigins: stack.corsOrigins,
    handlerEnvironment,
    liveAfter: doorsDeployed,
    ...(stack.revocation ? { revocation: revocationArgs(stack) } : {}),
  });

  // An account setting, not a door's: kept across door switches (components/apiGatewayLogging.ts).
  const apiGatewayLogging = stack.apiGatewayAccountRole ? new ApiGatewayLogging("apigateway-logging") : undefined;
  // The stack's, not a door's: a door switch keeps every identity (components/identities.ts).
  const identities = hasIdentities(cfg.identities)
    ? new MachineIdentities("identities", cfg.identities, users)
    : undefined;
  // A door that verifies an outside issuer keeps the pool (keepUserPool) but neither sees nor trusts it.
  const poolDoor = (d: ResolvedConfig["doors"][number]) => doorModule(d.mode).usesUserPool(d.args);
  const built: BuiltDoor[] = cfg.doors.map((d) => ({
    mode: d.mode,
    door: doorModule(d.mode).create("door", d.args, {
      backend,
      users: poolDoor(d) ? users : undefined,
      apiGatewayLogging,
      identities,
    }),
  }));
  users?.seal();
  const primaryDoor = built.find((d) => d.mode === primary)!.door;
  const others = built.filter((d) => d.mode !== primary);

  // The stack's own name for the API: kept across door switches (components/customDomain.ts).
  // The primary door at its root, every other door at /<door>.
  const domain = stack.domainName
    ? new CustomDomain("domain", {
        domainName: stack.domainName,
        certificateArn: stack.domainCertificateArn,
        hostedZoneId: stack.hostedZoneId,
        takeOverRecord: stack.hostedZoneTakeOverRecord,
        mtls: stack.mtls,
        target: afterLive(primaryDoor.domainTarget, backend),
        others: others.map((d) => ({ path: d.mode, target: afterLive(d.door.domainTarget, backend) })),
      })
    : undefined;
  if (stack.alarms) {
    new Alarms("alarms", {
      config: stack.alarms,
      functionName: backend.functionName,
      functionTimeoutSeconds: NOTES_FUNCTION_TIMEOUT_SECONDS,
      tableName: backend.tableName,
      doors: built.map((d) => ({ metrics: d.door.metrics, prefix: d.mode === primary ? "" : `${d.mode}-` })),
    });
  }
  setHandlerEnvironment(handlerEnvironmentOf(cfg, built, cfg.doors.some(poolDoor) ? users : undefined));
  setDoorsDeployed(pulumi.all(built.flatMap((d) => d.door.deployed.map((r) => r.urn))));

  // What a client of any door learns besides its door's own settings: whether sign-out ends a session
  // (`revocation`), and how long another container may still trust its cached answer.
  const signOut = stack.revocation ? { revocation: { cacheSeconds: revocationArgs(stack).cacheSeconds } } : {};
  const published = (door: BuiltDoor["door"]): pulumi.Output<Record<string, unknown>> =>
    door.clientConfig.apply((c): Record<string, unknown> => ({ ...c, ...signOut }));
  const urlOf = (d: BuiltDoor): pulumi.Output<string> =>
    domain ? (d.mode === primary ? domain.url : domain.pathUrls[d.mode]) : d.door.url;
  return {
    authMode: primary,
    doors: built.map((d) => d.mode),
    url: urlOf({ mode: primary, door: primaryDoor }),
    urls: pulumi.all(Object.fromEntries(built.map((d) => [d.mode, urlOf(d)]))),
    dnsTarget: domain?.dnsTarget,
    region: aws.getRegionOutput().region,
    client: published(primaryDoor),
    clients: pulumi.all(Object.fromEntries(built.map((d) => [d.mode, published(d.door)]))),
    tableName: backend.tableName,
    attachmentsBucket: backend.bucketName,
    functionName: backend.functionName,
    secrets: record(
      pulumi.secret(
        pulumi
          .all(built.map((d) => d.door.secrets ?? record({})))
          .apply((all) => Object.assign({}, ...all) as Record<string, unknown>),
      ),
    ),
  };
}

/**
 * The notes function's environment: the stack's settings, then each door's (the primary's under
 * its own names, every other's under `DOOR_<MODE>_`, handlers/contract/doors/index.ts) with what
 * its events carry. It depends on what each door needs to exist before the function serves it
 * (FrontDoor.ready), so a door switch updates the function only once those exist.
 */
function handlerEnvironmentOf(
  cfg: ResolvedConfig,
  built: BuiltDoor[],
  users: UserDirectory | undefined,
): pulumi.Output<Record<string, string>> {
  const { stack } = cfg;
  const primary = stack.authMode;
  return pulumi
    .all([
      pulumi.all(built.map((d) => d.door.settings)),
      pulumi.all(built.map((d) => d.door.eventSource)),
      pulumi.all(built.flatMap((d) => d.door.ready.map((r) => r.urn))),
      users?.issuer,
      users?.userPoolId,
    ])
    .apply(([settings, sources, , cognitoIssuer, userPoolId]) => {
      const env: Record<string, string> = {
        ...stackSettings.encode({
          authMode: primary,
          adminGroup: stack.adminGroup,
          corsOrigins: stack.corsOrigins,
          cognitoIssuer,
          userPoolId,
          mtlsRequiredForMachines: stack.mtls?.requiredForMachines ?? false,
        }),
        ...doorsSettings.encode({ doors: built.map((d) => d.mode) }),
      };
      built.forEach((d, i) =>
        Object.assign(
          env,
          (doorCodec(d.mode, primary) as SettingsCodec<unknown>).encode(settings[i]),
          eventSourceCodec(d.mode, primary).encode({ eventSource: sources[i] }),
        ),
      );
      return env;
    });
}

/**
 * A door's domain target that waits for the function's `live` alias: a one-step switch maps the
 * domain to the new door only once the function serves it (docs/deploying.md).
 */
function afterLive(target: DomainTarget, backend: NotesBackend): DomainTarget {
  if (target.kind !== "api-gateway") return target;
  return { ...target, stage: pulumi.all([target.stage, backend.live.functionVersion]).apply(([stage]) => stage) };
}

/** `cognitoDomainPrefix`, or the prefix derived from the stack and account (validated in config). */
function domainPrefix(cfg: StackConfig): pulumi.Input<string> {
  if (cfg.cognitoDomainPrefix) return cfg.cognitoDomainPrefix;
  return aws.getCallerIdentityOutput().accountId.apply((account) => derivedDomainPrefix(pulumi.getStack(), account));
}

/**
 * Revocation's times from the config: the cache, and how long a signed-out session's tokens can still turn up (the
 * clients' token lifetimes, TOKEN_LIMITS' units: minutes for ID and access tokens, days for refresh tokens).
 */
export function revocationArgs(stack: StackConfig): RevocationArgs {
  const seconds = (key: keyof typeof TOKEN_LIMITS) => stack.tokens[key] * UNIT_SECONDS[TOKEN_LIMITS[key].unit];
  return {
    cacheSeconds: stack.revocation?.cacheSeconds ?? 0,
    refreshSeconds: seconds("refreshTokenValidity"),
  };
}

const UNIT_SECONDS = { minutes: 60, days: 86_400 } as const;
