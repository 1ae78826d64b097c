import type { Input } from "@pulumi/pulumi";
import { CLIENT_NAME, ConfigError, ConfigLookup, ConfigReader } from "./configReader";
import type { MachineIdentitiesArgs } from "./identities";
import { readMachineRoles } from "./doors/iam/door";
import { readMachineClient } from "./doors/http-jwt/door";
import { readPlans } from "./doors/lambda-authorizer/door";
import { PREFIX_RULE, StackConfig, checkGroupMappingTargets, derivedDomainPrefix, readStackKeys } from "./config";
import { DoorArgs, doorModule } from "./doors/registry";
import type { AuthMode } from "../handlers/contract/authModes";
import { cognitoRefusesPrefix } from "../awsRules/userPool";

/**
 * The whole config: the keys every door shares (config.ts, which knows no door), then the chosen
 * door's own keys (its module in the door registry). The one config file that knows the doors.
 */

/** One door of the stack with its own arguments. */
export interface ResolvedDoor {
  mode: AuthMode;
  args: DoorArgs;
}

/** The whole validated config: the shared keys and each door's own arguments. */
export interface ResolvedConfig {
  stack: StackConfig;
  /** The primary door's arguments (`stack.authMode`). */
  door: DoorArgs;
  /** Every door, as listed (`stack.doors`), the primary among them. */
  doors: ResolvedDoor[];
  /** The stack's machine identities, whatever the door (components/identities.ts). */
  identities: MachineIdentitiesArgs;
}

/**
 * Reads and validates the whole config: the shared keys, then the chosen door's own keys (its
 * module's `argsFrom`). Throws a ConfigError naming the first bad key, before any resource.
 * `region` is aws:region, for the regional-ARN checks.
 */
export function parseStackConfig(
  get: ConfigLookup,
  getSecret?: (key: string) => Input<string>,
  stackName?: string,
  region?: string,
): ResolvedConfig {
  const config = new ConfigReader(get, getSecret);
  const stack = readStackKeys(config, region);
  const doors = stack.doors.map((mode): ResolvedDoor => ({
    mode,
    args: doorModule(mode).argsFrom(config, stack) as DoorArgs,
  }));
  const pool = doors.some((d) => doorModule(d.mode).usesUserPool(d.args));
  const args = doors.find((d) => d.mode === stack.authMode)!.args;
  const identities = readIdentities(config, stack, pool);
  if (stack.federation.providers.length > 0 && !pool && !stack.keepUserPool)
    throw new ConfigError(
      "identityProviders",
      "federate into the stack's user pool, which notes-auth:keepUserPool false removes (no door uses it): keep " +
        "the pool, or verify the outside issuer directly at the door (jwtIssuer, oidc*, authorizerIssuer)",
    );
  checkGroupMappingTargets(stack.federation, [stack.adminGroup, ...identities.tierGroups.map((g) => g.group)]);
  checkDoorsTogether(stack);
  // After the door's own checks, which name the door's needs more precisely.
  if (stack.domainName && !stack.domainCertificateArn) {
    throw new ConfigError(
      "domainCertificateArn",
      `is required with notes-auth:domainName: an ACM certificate in the stack's region covering ${stack.domainName}`,
    );
  }
  if (stack.domainCertificateArn && !stack.domainName && !stack.doors.some((d) => doorModule(d).listenerCertificate))
    throw new ConfigError(
      "domainName",
      "is required with notes-auth:domainCertificateArn: the name the certificate covers",
    );
  if (stack.hostedZoneId && !stack.domainName)
    throw new ConfigError("domainName", "is required with notes-auth:hostedZoneId: the alias record's name");
  if (stack.hostedZoneTakeOverRecord && !stack.hostedZoneId)
    throw new ConfigError(
      "hostedZoneTakeOverRecord",
      "needs notes-auth:hostedZoneId: it lets the stack take over that zone's existing record for " +
        "notes-auth:domainName",
    );
  if (stack.mtls && !(stack.domainName && stack.domainCertificateArn)) {
    throw new ConfigError(
      "mtlsTruststoreUri",
      "needs a custom domain (notes-auth:domainName and notes-auth:domainCertificateArn): API Gateway checks " +
        "client certificates on custom domains only",
    );
  }
  if (
    stack.mtls?.ownershipVerificationCertificateArn &&
    stack.mtls.ownershipVerificationCertificateArn === stack.domainCertificateArn
  ) {
    throw new ConfigError(
      "domainOwnershipVerificationCertificateArn",
      "is notes-auth:domainCertificateArn itself: it must be a separate, ACM-issued certificate for the name " +
        "(needed only when domainCertificateArn is imported or from AWS Private CA)",
    );
  }
  // The derived prefix includes the stack's name: a name Cognito would refuse must stop here,
  // not at deploy. Any 12-digit account id gives the same verdict.
  if (
    stackName !== undefined &&
    keepsUserPool({ stack, doors }) &&
    !stack.cognitoDomainPrefix &&
    cognitoRefusesPrefix(derivedDomainPrefix(stackName, "000000000000"))
  ) {
    throw new ConfigError(
      "cognitoDomainPrefix",
      `is unset, and the prefix derived from the stack name ("${derivedDomainPrefix(stackName, "<account>")}") ` +
        `would be refused by Cognito: set notes-auth:cognitoDomainPrefix (${PREFIX_RULE})`,
    );
  }
  return { stack, door: args, doors, identities };
}

/**
 * Whether the stack has its user pool: some door signs users in with it, or the pool is kept
 * (`keepUserPool`, true unless set false) while every door verifies an outside issuer directly, so
 * a door switch never deletes the pool, its users or their ids (`sub`), nor its identity providers.
 * The stack builds the UserDirectory exactly when this holds.
 */
export function keepsUserPool(cfg: Pick<ResolvedConfig, "stack" | "doors">): boolean {
  return cfg.stack.keepUserPool || cfg.doors.some((d) => doorModule(d.mode).usesUserPool(d.args));
}

/**
 * The stack's identities, read and checked whatever the doors, so a switch keeps them
 * (components/identities.ts): API keys, machine roles, the machine client, the tiers' groups.
 * The client and the groups live in the stack's own user pool (`pool`): without one there are
 * no tier groups, and a machine client is refused, naming the key.
 */
function readIdentities(config: ConfigReader, stack: StackConfig, pool: boolean): MachineIdentitiesArgs {
  const machineClient = readMachineClient(config);
  if (machineClient && !pool)
    throw new ConfigError(
      "m2mClient",
      "creates a Cognito client-credentials client, which needs the stack's own user pool: the door's external " +
        "IdP replaces it here, so register the machine client at your IdP",
    );
  const plans = readPlans(config, stack.adminGroup);
  return {
    apiKeyClients: config.list("apiKeyClients", CLIENT_NAME),
    machineRoles: readMachineRoles(config),
    machineClient,
    tierGroups: pool ? plans.flatMap((p) => (p.group ? [{ tier: p.name, group: p.group }] : [])) : [],
    protectData: stack.protectData,
  };
}

/**
 * What several doors cannot share. The alb-oidc door serves `domainName` on its own listener
 * (the name points at the load balancer), so API Gateway doors cannot be mapped under it
 * (`/<door>` is an API mapping of an API Gateway domain).
 */
function checkDoorsTogether(stack: StackConfig): void {
  if (stack.doors.length > 1 && stack.doors.includes("alb-oidc") && stack.domainName)
    throw new ConfigError(
      "doors",
      `lists alb-oidc beside ${stack.doors.filter((d) => d !== "alb-oidc").join(", ")} with notes-auth:domainName: ` +
        "the load balancer serves that name itself, so the API Gateway doors cannot be mapped under it; run " +
        "alb-oidc with notes-auth:albWithoutDomainName true (and no domainName) beside other doors",
    );
}
