import type { Input } from "@pulumi/pulumi";
import { AUTH_MODES, AuthMode } from "../handlers/authModes";
import { ConfigError, ConfigLookup, ConfigReader, ORIGIN, REDIRECT_URL } from "./configReader";
import { DoorArgs, doorModule } from "./doors/registry";
import { cognitoRefusesPrefix } from "../aws/userPool";

export { AUTH_MODES, ConfigError };
export type { AuthMode, ConfigLookup };

/**
 * Stack configuration: the keys every door shares, read and validated before any resource is
 * made. A door's own keys are read by its module (components/doors/<mode>/), through the same
 * reader, at the same moment. Every key is declared in Pulumi.yaml (type, description, default)
 * and documented in the README; the config specs keep the three in step.
 */

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const MFA_MODES = ["OFF", "OPTIONAL", "ON"] as const;
/** The admin group's name when `adminGroup` is unset. */
export const DEFAULT_ADMIN_GROUP = "admins";

export interface StackConfig {
  authMode: AuthMode;
  /** Retain and protect the table, bucket and user pool; DynamoDB and Cognito deletion protection. */
  protectData: boolean;
  logRetentionDays: number;
  corsOrigins: string[];
  adminGroup: string;
  /** Stage (or route) throttling across all clients. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  lambdaMemoryMb: number;
  /** -1 leaves the function unreserved. */
  lambdaReservedConcurrency: number;
  tracing: boolean;
  mfa: (typeof MFA_MODES)[number];
  /** Redirect URIs of the SPA's OAuth code flow (hosted UI / managed login). */
  oauthCallbackUrls: string[];
  oauthLogoutUrls: string[];
  /** Cognito domain prefix; empty derives `notes-auth-<stack>-<account>`. */
  cognitoDomainPrefix: string;
  /** Anyone may sign up (true), or only admins create users (false). */
  selfSignUp: boolean;
  /** Cognito's email through SES (a verified identity) instead of its capped default sender. */
  email?: { sesIdentityArn: string; from?: string };
  /** The DNS name clients use for the API (lower case); the alb-oidc door's login returns to it. */
  domainName?: string;
  /** A WAFv2 web ACL to attach (REST doors and ALB). */
  wafAclArn?: string;
  /**
   * Manage API Gateway's regional account CloudWatch role in this stack (true), or rely on the
   * one the account already has (false). Unset: no choice made yet, which REST doors refuse.
   */
  apiGatewayAccountRole?: boolean;
}

/** The whole validated config: the shared keys and the chosen door's own arguments. */
export interface ResolvedConfig {
  stack: StackConfig;
  door: DoorArgs;
}

const PREFIX_RULE = `use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without "aws", "amazon" or "cognito"`;

/** The prefix used when `cognitoDomainPrefix` is unset: unique per stack and account. */
export function derivedDomainPrefix(stackName: string, accountId: string): string {
  return `notes-auth-${stackName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${accountId}`;
}

function domainPrefix(config: ConfigReader): string {
  const v = config.str("cognitoDomainPrefix");
  if (v === undefined) return "";
  if (cognitoRefusesPrefix(v)) throw new ConfigError("cognitoDomainPrefix", `is "${v}": ${PREFIX_RULE}`);
  return v;
}

/** A DNS name in lower case (callback URLs must be lower case; DNS is case-insensitive anyway). */
function hostname(config: ConfigReader, key: string): string | undefined {
  const v = config.str(key);
  if (v !== undefined && !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v)) {
    throw new ConfigError(key, `is "${v}": it must be a DNS name in lower case, such as notes.example.com`);
  }
  return v;
}

/**
 * Reserved concurrency AWS can grant: 0 throttles every invocation, and Lambda keeps 100 of the
 * account's concurrency unreserved, so on the default quota of 1,000 at most 900 can be reserved
 * (new accounts start lower). https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
function reservedConcurrency(config: ConfigReader): number {
  const n = config.int("lambdaReservedConcurrency", -1, -1, 900);
  if (n === 0) throw new ConfigError("lambdaReservedConcurrency", "is 0, which throttles every request (the function would never run): use -1 for no reservation, or 1-900");
  return n;
}

/**
 * Cognito's default sender is capped (50 emails a day per account); production pools send through
 * SES with a verified identity (DEVELOPER). https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html
 */
function sesEmail(config: ConfigReader): StackConfig["email"] {
  const sesIdentityArn = config.arn("sesEmailIdentityArn", "ses");
  const from = config.str("emailFrom");
  if (from !== undefined && !/^([^<>@]+<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
    throw new ConfigError("emailFrom", `is "${from}": use an address or "Name <address>"`);
  }
  if (from !== undefined && sesIdentityArn === undefined) throw new ConfigError("emailFrom", "needs notes-auth:sesEmailIdentityArn: a custom sender goes through SES");
  return sesIdentityArn ? { sesIdentityArn, ...(from ? { from } : {}) } : undefined;
}

/** Reads and validates the keys every door shares. Throws a ConfigError naming the first bad key. */
export function readStackKeys(config: ConfigReader): StackConfig {
  const authMode = config.oneOf("authMode", AUTH_MODES);
  const logRetentionDays = config.int("logRetentionDays", 30, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError("logRetentionDays", `is ${logRetentionDays}: it must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  const cfg: StackConfig = {
    authMode,
    protectData: config.bool("protectData", false),
    logRetentionDays,
    corsOrigins: config.list("corsOrigins", ORIGIN),
    adminGroup: config.str("adminGroup") ?? DEFAULT_ADMIN_GROUP,
    throttleRateLimit: config.int("throttleRateLimit", 50, 1, 10000),
    throttleBurstLimit: config.int("throttleBurstLimit", 100, 1, 5000),
    lambdaMemoryMb: config.int("lambdaMemoryMb", 256, 128, 10240),
    lambdaReservedConcurrency: reservedConcurrency(config),
    tracing: config.bool("tracing", false),
    mfa: config.oneOf("mfa", MFA_MODES, "OPTIONAL"),
    oauthCallbackUrls: config.list("oauthCallbackUrls", REDIRECT_URL),
    oauthLogoutUrls: config.list("oauthLogoutUrls", REDIRECT_URL),
    cognitoDomainPrefix: domainPrefix(config),
    selfSignUp: config.bool("selfSignUp", true),
    email: sesEmail(config),
    domainName: hostname(config, "domainName"),
    wafAclArn: config.arn("wafAclArn", "wafv2"),
    apiGatewayAccountRole: config.choice("apiGatewayAccountRole"),
  };
  if (cfg.throttleBurstLimit < cfg.throttleRateLimit) {
    throw new ConfigError("throttleBurstLimit", `(${cfg.throttleBurstLimit}) must be at least notes-auth:throttleRateLimit (${cfg.throttleRateLimit})`);
  }
  return cfg;
}

/**
 * Reads and validates the whole config: the shared keys, then the chosen door's own keys (its
 * module's `argsFrom`). Throws a ConfigError naming the first bad key, before any resource.
 */
export function parseStackConfig(get: ConfigLookup, getSecret?: (key: string) => Input<string>, stackName?: string): ResolvedConfig {
  const config = new ConfigReader(get, getSecret);
  const stack = readStackKeys(config);
  const door = doorModule(stack.authMode);
  const args = door.argsFrom(config, stack) as DoorArgs;
  // The derived prefix includes the stack's name: a name Cognito would refuse must stop here,
  // not at deploy. Any 12-digit account id gives the same verdict.
  if (stackName !== undefined && door.usesUserPool(args) && !stack.cognitoDomainPrefix && cognitoRefusesPrefix(derivedDomainPrefix(stackName, "000000000000"))) {
    throw new ConfigError("cognitoDomainPrefix", `is unset, and the prefix derived from the stack name ("${derivedDomainPrefix(stackName, "<account>")}") would be refused by Cognito: set notes-auth:cognitoDomainPrefix (${PREFIX_RULE})`);
  }
  return { stack, door: args };
}
