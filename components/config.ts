import type { Input } from "@pulumi/pulumi";

/**
 * Stack configuration: one typed, validated object read before any resource is made.
 *
 * Every key is declared in Pulumi.yaml (type, description, default) and documented in the
 * README's config reference; `test/config.test.ts` keeps the three in step. The parser is a
 * pure function of a key lookup, so it is tested without the Pulumi runtime.
 */

import { AUTH_MODES, AuthMode } from "../handlers/authModes";

export { AUTH_MODES };
export type { AuthMode };

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;
export const MFA_MODES = ["OFF", "OPTIONAL", "ON"] as const;

/** A config value is wrong: the message names the key (`notes-auth:<key>`) and what is allowed. */
export class ConfigError extends Error {
  constructor(public readonly key: string, message: string) {
    super(`notes-auth:${key} ${message}`);
    this.name = "ConfigError";
  }
}

/** Settings of the external OpenID Connect IdP used by the `alb-oidc` door instead of Cognito. */
export interface OidcProviderConfig {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint: string;
  clientId: string;
  /** Read with getSecret by the program (a secret output); kept out of plain outputs. */
  clientSecret: Input<string>;
}

export interface StackConfig {
  authMode: AuthMode;
  /** Retain and protect the table and bucket; DynamoDB and Cognito deletion protection. */
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
  /** A WAFv2 web ACL to attach (REST doors and ALB). */
  wafAclArn?: string;
  /** Set API Gateway's account-level CloudWatch role (needed for REST execution logging). */
  apiGatewayAccountRole: boolean;
  // iam
  machineRolePrincipals: string[];
  // api-key
  apiKeyClients: string[];
  apiKeyAdminClients: string[];
  apiKeyRateLimit: number;
  apiKeyBurstLimit: number;
  apiKeyQuotaLimit: number;
  apiKeyQuotaPeriod: (typeof QUOTA_PERIODS)[number];
  apiKeyWithCognito: boolean;
  // http-jwt
  jwtIssuer?: string;
  jwtAudiences: string[];
  m2mClient: boolean;
  m2mAdmin: boolean;
  // alb-oidc
  albCertificateArn?: string;
  vpcId?: string;
  subnetIds: string[];
  albRedirectHttp: boolean;
  albSessionTimeout: number;
  albScope: string;
  albDeletionProtection: boolean;
  albAccessLogsBucket?: string;
  oidc?: OidcProviderConfig;
}

/** Looks a key up (without the `notes-auth:` prefix); undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

function str(get: ConfigLookup, key: string): string | undefined {
  const v = get(key);
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

function oneOf<T extends string>(get: ConfigLookup, key: string, allowed: readonly T[], fallback?: T): T {
  const v = str(get, key);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(key, `is required: set it to one of ${allowed.join(", ")}`);
  }
  if (!(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(key, `is "${v}": it must be one of ${allowed.join(", ")}`);
  }
  return v as T;
}

function bool(get: ConfigLookup, key: string, fallback: boolean): boolean {
  const v = str(get, key);
  if (v === undefined) return fallback;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new ConfigError(key, `is "${v}": it must be true or false`);
}

function int(get: ConfigLookup, key: string, fallback: number, min: number, max: number): number {
  const v = str(get, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(key, `is "${v}": it must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function list(get: ConfigLookup, key: string, item?: { pattern: RegExp; what: string }): string[] {
  const v = str(get, key);
  if (v === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new ConfigError(key, `must be a list of strings (pulumi config set --path '${key}[0]' VALUE), not ${JSON.stringify(v)}`);
  }
  if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string" || x.trim() === "")) {
    throw new ConfigError(key, `must be a list of non-empty strings`);
  }
  const items = parsed.map((x: string) => x.trim());
  if (new Set(items).size !== items.length) throw new ConfigError(key, `has a duplicate entry`);
  if (item) {
    const bad = items.find((x) => !item.pattern.test(x));
    if (bad !== undefined) throw new ConfigError(key, `has "${bad}": each entry must be ${item.what}`);
  }
  return items;
}

const HTTPS_URL = { pattern: /^https:\/\/[^\s*]+$/, what: "an https:// URL" };
const REDIRECT_URL = { pattern: /^(https:\/\/[^\s*]+|http:\/\/localhost(:\d+)?(\/[^\s*]*)?)$/, what: "an https:// URL (or http://localhost for development)" };
const ORIGIN = { pattern: /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/, what: "an origin such as https://app.example.com (never *)" };
const CLIENT_NAME = { pattern: /^[A-Za-z0-9_-]{1,64}$/, what: "1-64 letters, digits, _ or -" };
const PRINCIPAL_ARN = { pattern: /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@\/-]+|user\/[\w+=,.@\/-]+)$/, what: "an IAM role, user or account-root ARN" };

/** Cognito domain prefixes: lower-case letters, digits and hyphens, without aws/amazon/cognito. */
function domainPrefix(get: ConfigLookup): string {
  const v = str(get, "cognitoDomainPrefix");
  if (v === undefined) return "";
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(v) || /aws|amazon|cognito/.test(v)) {
    throw new ConfigError("cognitoDomainPrefix", `is "${v}": use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without "aws", "amazon" or "cognito"`);
  }
  return v;
}

function url(get: ConfigLookup, key: string): string | undefined {
  const v = str(get, key);
  if (v !== undefined && !HTTPS_URL.pattern.test(v)) throw new ConfigError(key, `is "${v}": it must be an https:// URL`);
  return v;
}

function arn(get: ConfigLookup, key: string, service: string): string | undefined {
  const v = str(get, key);
  if (v !== undefined && !new RegExp(`^arn:aws[a-z-]*:${service}:`).test(v)) {
    throw new ConfigError(key, `is "${v}": it must be an arn:aws:${service}:… ARN`);
  }
  return v;
}

/**
 * Reads and validates the whole stack config. Throws a ConfigError naming the first bad key.
 * Mode-specific requirements (e.g. the ALB certificate) are checked here too, so a bad stack
 * stops before any resource exists.
 */
export function parseStackConfig(get: ConfigLookup): StackConfig {
  const authMode = oneOf(get, "authMode", AUTH_MODES);
  const logRetentionDays = int(get, "logRetentionDays", 30, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError("logRetentionDays", `is ${logRetentionDays}: it must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  const cfg: StackConfig = {
    authMode,
    protectData: bool(get, "protectData", false),
    logRetentionDays,
    corsOrigins: list(get, "corsOrigins", ORIGIN),
    adminGroup: str(get, "adminGroup") ?? "admins",
    throttleRateLimit: int(get, "throttleRateLimit", 50, 1, 10000),
    throttleBurstLimit: int(get, "throttleBurstLimit", 100, 1, 5000),
    lambdaMemoryMb: int(get, "lambdaMemoryMb", 256, 128, 10240),
    lambdaReservedConcurrency: int(get, "lambdaReservedConcurrency", -1, -1, 1000),
    tracing: bool(get, "tracing", false),
    mfa: oneOf(get, "mfa", MFA_MODES, "OPTIONAL"),
    oauthCallbackUrls: list(get, "oauthCallbackUrls", REDIRECT_URL),
    oauthLogoutUrls: list(get, "oauthLogoutUrls", REDIRECT_URL),
    cognitoDomainPrefix: domainPrefix(get),
    wafAclArn: arn(get, "wafAclArn", "wafv2"),
    apiGatewayAccountRole: bool(get, "apiGatewayAccountRole", true),
    machineRolePrincipals: list(get, "machineRolePrincipals", PRINCIPAL_ARN),
    apiKeyClients: list(get, "apiKeyClients", CLIENT_NAME),
    apiKeyAdminClients: list(get, "apiKeyAdminClients", CLIENT_NAME),
    apiKeyRateLimit: int(get, "apiKeyRateLimit", 10, 1, 10000),
    apiKeyBurstLimit: int(get, "apiKeyBurstLimit", 20, 1, 5000),
    apiKeyQuotaLimit: int(get, "apiKeyQuotaLimit", 10000, 1, 1_000_000_000),
    apiKeyQuotaPeriod: oneOf(get, "apiKeyQuotaPeriod", QUOTA_PERIODS, "DAY"),
    apiKeyWithCognito: bool(get, "apiKeyWithCognito", false),
    jwtIssuer: url(get, "jwtIssuer"),
    jwtAudiences: list(get, "jwtAudiences"),
    m2mClient: bool(get, "m2mClient", false),
    m2mAdmin: bool(get, "m2mAdmin", false),
    albCertificateArn: arn(get, "albCertificateArn", "acm"),
    vpcId: str(get, "vpcId"),
    subnetIds: list(get, "subnetIds"),
    albRedirectHttp: bool(get, "albRedirectHttp", true),
    albSessionTimeout: int(get, "albSessionTimeout", 3600, 60, 604800),
    albScope: str(get, "albScope") ?? "openid email",
    albDeletionProtection: bool(get, "albDeletionProtection", false),
    albAccessLogsBucket: str(get, "albAccessLogsBucket"),
  };
  if (cfg.throttleBurstLimit < cfg.throttleRateLimit) {
    throw new ConfigError("throttleBurstLimit", `(${cfg.throttleBurstLimit}) must be at least notes-auth:throttleRateLimit (${cfg.throttleRateLimit})`);
  }
  if (cfg.apiKeyBurstLimit < cfg.apiKeyRateLimit) {
    throw new ConfigError("apiKeyBurstLimit", `(${cfg.apiKeyBurstLimit}) must be at least notes-auth:apiKeyRateLimit (${cfg.apiKeyRateLimit})`);
  }
  const unknownAdmin = cfg.apiKeyAdminClients.find((c) => !cfg.apiKeyClients.includes(c));
  if (unknownAdmin) throw new ConfigError("apiKeyAdminClients", `names "${unknownAdmin}", which is not in notes-auth:apiKeyClients`);
  if ((cfg.jwtIssuer === undefined) !== (cfg.jwtAudiences.length === 0)) {
    throw new ConfigError(cfg.jwtIssuer ? "jwtAudiences" : "jwtIssuer", "must be set together with the other: an external issuer needs its audiences (notes-auth:jwtIssuer and notes-auth:jwtAudiences)");
  }
  if (cfg.m2mClient && cfg.jwtIssuer) {
    throw new ConfigError("m2mClient", "creates a Cognito client-credentials client, which needs the stack's own user pool: unset notes-auth:jwtIssuer, or register the machine client at your IdP");
  }
  if (cfg.m2mAdmin && !cfg.m2mClient) throw new ConfigError("m2mAdmin", "needs notes-auth:m2mClient true");
  if ((cfg.vpcId === undefined) !== (cfg.subnetIds.length === 0)) {
    throw new ConfigError(cfg.vpcId ? "subnetIds" : "vpcId", "must be set together with the other: an existing VPC needs at least two public subnets (notes-auth:vpcId and notes-auth:subnetIds)");
  }
  if (cfg.subnetIds.length === 1) throw new ConfigError("subnetIds", "needs at least two subnets in different Availability Zones (an ALB requirement)");
  cfg.oidc = readOidc(get);
  checkModeRequirements(cfg);
  return cfg;
}

const OIDC_KEYS = ["oidcIssuer", "oidcAuthorizationEndpoint", "oidcTokenEndpoint", "oidcUserInfoEndpoint", "oidcClientId", "oidcClientSecret"] as const;

function readOidc(get: ConfigLookup): OidcProviderConfig | undefined {
  const set = OIDC_KEYS.filter((k) => str(get, k) !== undefined);
  if (set.length === 0) return undefined;
  const missing = OIDC_KEYS.filter((k) => !set.includes(k));
  if (missing.length > 0) throw new ConfigError(missing[0], `is required when any notes-auth:oidc* key is set (missing: ${missing.join(", ")})`);
  return {
    issuer: url(get, "oidcIssuer")!,
    authorizationEndpoint: url(get, "oidcAuthorizationEndpoint")!,
    tokenEndpoint: url(get, "oidcTokenEndpoint")!,
    userInfoEndpoint: url(get, "oidcUserInfoEndpoint")!,
    clientId: str(get, "oidcClientId")!,
    clientSecret: str(get, "oidcClientSecret")!,
  };
}

/** Keys that only one door reads: setting them under another door is a mistake worth naming. */
function checkModeRequirements(cfg: StackConfig): void {
  const mode = cfg.authMode;
  switch (mode) {
    case "alb-oidc":
      if (!cfg.albCertificateArn) {
        throw new ConfigError("albCertificateArn", "is required when notes-auth:authMode is alb-oidc: the ALB listens on HTTPS only (an ACM certificate ARN, arn:aws:acm:…)");
      }
      return;
    case "api-key":
      if (cfg.apiKeyClients.length === 0) {
        throw new ConfigError("apiKeyClients", "is required when notes-auth:authMode is api-key: name at least one calling application, e.g. [\"reporting\"]");
      }
      return;
    case "iam":
    case "cognito":
    case "http-jwt":
      return;
    default: {
      const unreachable: never = mode;
      throw new ConfigError("authMode", `is "${unreachable}": it must be one of ${AUTH_MODES.join(", ")}`);
    }
  }
}

/**
 * True when the stack creates its own Cognito user pool. Every door keeps it (the api-key door
 * too, though it only reads it with apiKeyWithCognito), so a door switch never deletes users;
 * only an external IdP (jwtIssuer, oidc*) leaves it out.
 */
export function usesOwnUserPool(cfg: StackConfig): boolean {
  switch (cfg.authMode) {
    case "http-jwt":
      return cfg.jwtIssuer === undefined;
    case "alb-oidc":
      return cfg.oidc === undefined;
    case "api-key":
    case "iam":
    case "cognito":
      return true;
    default: {
      const unreachable: never = cfg.authMode;
      return unreachable;
    }
  }
}
