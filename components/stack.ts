import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { stackSettings } from "../handlers/contract/stack";
import { StackConfig, derivedDomainPrefix } from "./config";
import type { ResolvedConfig } from "./resolvedConfig";
import { NOTES_FUNCTION_TIMEOUT_SECONDS, NotesBackend } from "./backend/notesBackend";
import { UserDirectory } from "./userDirectory";
import { ApiGatewayLogging } from "./apiGatewayLogging";
import { CustomDomain } from "./customDomain";
import { Alarms } from "./alarms";
import { MachineIdentities, hasIdentities } from "./identities";
import { doorModule } from "./doors/registry";
import { record } from "./doors/door";
import { DOOR_SETTINGS } from "../handlers/contract/doors";
import type { SettingsCodec } from "../handlers/contract/settings";

/** What the program exports (see index.ts). */
export interface NotesAuthOutputs {
  authMode: string;
  url: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** Door-specific sign-in facts: pool and client ids, identity pool, token endpoint, … */
  client: pulumi.Output<Record<string, unknown>>;
  tableName: pulumi.Output<string>;
  attachmentsBucket: pulumi.Output<string>;
  functionName: pulumi.Output<string>;
  /** Secret values (API keys, client secrets), wrapped with pulumi.secret. */
  secrets: pulumi.Output<Record<string, unknown>>;
  /** With domainName: the name to point it at, when the stack does not manage the record (no hostedZoneId). */
  dnsTarget?: pulumi.Output<string>;
}

/**
 * Builds the whole stack for a validated config: the user directory (unless the door uses an
 * external IdP), the backend, and the one front door that `authMode` selects, from the registry.
 * Nothing here knows any particular door.
 */
export function buildNotesAuth(cfg: ResolvedConfig): NotesAuthOutputs {
  const { stack } = cfg;
  const module = doorModule(stack.authMode);
  const users = module.usesUserPool(cfg.door)
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
      })
    : undefined;

  // The door's handler settings exist only once the door does; the backend takes them as a
  // deferred output, so its own resources (and URNs) never depend on which door is built.
  const [handlerEnvironment, setHandlerEnvironment] = pulumi.deferredOutput<Record<string, string>>();
  const backend = new NotesBackend("notes", {
    protectData: stack.protectData,
    logRetentionDays: stack.logRetentionDays,
    memoryMb: stack.lambdaMemoryMb,
    reservedConcurrency: stack.lambdaReservedConcurrency,
    tracing: stack.tracing,
    corsOrigins: stack.corsOrigins,
    handlerEnvironment,
  });

  // An account setting, not a door's: kept across door switches (components/apiGatewayLogging.ts).
  const apiGatewayLogging = stack.apiGatewayAccountRole ? new ApiGatewayLogging("apigateway-logging") : undefined;
  // The stack's, not the door's: a door switch keeps every key (components/identities.ts).
  const identities = hasIdentities(cfg.identities)
    ? new MachineIdentities("identities", cfg.identities, users)
    : undefined;
  const door = module.create("door", cfg.door, { backend, users, apiGatewayLogging, identities });
  users?.seal();

  // The stack's own name for the API: kept across door switches (components/customDomain.ts).
  const domain = stack.domainName
    ? new CustomDomain("domain", {
        domainName: stack.domainName,
        certificateArn: stack.domainCertificateArn,
        hostedZoneId: stack.hostedZoneId,
        takeOverRecord: stack.hostedZoneTakeOverRecord,
        mtls: stack.mtls,
        target: door.domainTarget,
      })
    : undefined;
  if (stack.alarms) {
    new Alarms("alarms", {
      config: stack.alarms,
      functionName: backend.functionName,
      functionTimeoutSeconds: NOTES_FUNCTION_TIMEOUT_SECONDS,
      tableName: backend.tableName,
      door: door.metrics,
    });
  }
  const doorCodec = DOOR_SETTINGS[stack.authMode] as SettingsCodec<unknown>;
  setHandlerEnvironment(
    pulumi.all([door.settings, users?.issuer, users?.userPoolId]).apply(([settings, cognitoIssuer, userPoolId]) => ({
      ...stackSettings.encode({
        authMode: stack.authMode,
        adminGroup: stack.adminGroup,
        corsOrigins: stack.corsOrigins,
        cognitoIssuer,
        userPoolId,
        mtlsRequiredForMachines: stack.mtls?.requiredForMachines ?? false,
      }),
      ...doorCodec.encode(settings),
    })),
  );

  return {
    authMode: stack.authMode,
    url: domain?.url ?? door.url,
    dnsTarget: domain?.dnsTarget,
    region: aws.getRegionOutput().region,
    client: door.clientConfig,
    tableName: backend.tableName,
    attachmentsBucket: backend.bucketName,
    functionName: backend.functionName,
    secrets: record(pulumi.secret(door.secrets ?? record({}))),
  };
}

/** `cognitoDomainPrefix`, or the prefix derived from the stack and account (validated in config). */
function domainPrefix(cfg: StackConfig): pulumi.Input<string> {
  if (cfg.cognitoDomainPrefix) return cfg.cognitoDomainPrefix;
  return aws.getCallerIdentityOutput().accountId.apply((account) => derivedDomainPrefix(pulumi.getStack(), account));
}
