import type { Input } from "@pulumi/pulumi";
import { AUTH_MODES, AuthMode } from "../handlers/contract/authModes";
import { ConfigError, ConfigLookup, ConfigReader, ORIGIN, REDIRECT_URL, cognitoGroupNameProblem } from "./configReader";
import {
  GROUP_TYPES,
  MAPPABLE_ATTRIBUTES,
  PROVIDER_TYPES,
  ProviderSettings,
  ProviderType,
  REQUIRED_SETTINGS,
  SECRET_DETAIL,
  TOKEN_LIMITS,
  isSocial,
  providerNameProblem,
} from "../awsRules/federation";
import { DEFAULT_REVOCATION_CACHE_SECONDS } from "../handlers/contract/stack";
import {
  COGNITO_PLANS,
  CognitoPlan,
  DEFAULT_COGNITO_PLAN,
  cognitoRefusesPrefix,
  missingPlanFeature,
} from "../awsRules/userPool";

export { AUTH_MODES, ConfigError };
export type { AuthMode, ConfigLookup };

/**
 * Stack configuration: the keys every door shares, read and validated before any resource is
 * made. A door's own keys are read by its module (components/doors/<mode>/), through the same
 * reader, at the same moment. Every key is declared in Pulumi.yaml (type, description, default)
 * and documented in docs/config.md; the config specs keep the three in step.
 */

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const MFA_MODES = ["OFF", "OPTIONAL", "ON"] as const;
/** The admin group's name when `adminGroup` is unset. */
export const DEFAULT_ADMIN_GROUP = "admins";
/**
 * Keys a stack may still carry from an earlier release, and what replaced them: setting one is an error naming the new
 * key.
 */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  albCertificateArn: "domainCertificateArn (the certificate of domainName, for every door)",
};

export interface StackConfig {
  /** The primary door: `primaryDoor`, else the first of `doors`, else `authMode`. */
  authMode: AuthMode;
  /** Every door the stack runs, as listed (`doors`, or `[authMode]`): each at most once, the primary among them. */
  doors: AuthMode[];
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
  /** Per-method (REST) or per-route (HTTP API) CloudWatch metrics, billed as custom metrics. */
  detailedMetrics: boolean;
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
  /** An ACM certificate (this region) covering domainName: the custom domain's, or the ALB listener's. */
  domainCertificateArn?: string;
  /** A Route 53 hosted zone in which the stack creates the domain's alias record. */
  hostedZoneId?: string;
  /**
   * Take over an alias record that already exists in hostedZoneId (made by hand before), instead of failing with
   * "already exists".
   */
  hostedZoneTakeOverRecord: boolean;
  /** Mutual TLS on the custom domain (API Gateway doors). */
  mtls?: {
    truststoreUri: string;
    truststoreVersion?: string;
    requiredForMachines: boolean;
    /**
     * An ACM certificate proving ownership of the domain, which API Gateway needs when the server certificate is
     * imported or from AWS Private CA.
     */
    ownershipVerificationCertificateArn?: string;
  };
  /** Alarms, and where they go: a new topic with an email subscription, or an existing topic. */
  alarms?: AlarmConfig;
  cognitoPlan: CognitoPlan;
  /** Cognito threat protection (advanced security); Plus plan. */
  cognitoThreatProtection: "OFF" | "AUDIT" | "ENFORCED";
  /** A WAFv2 web ACL to attach (REST doors and ALB). */
  wafAclArn?: string;
  /**
   * Manage API Gateway's regional account CloudWatch role in this stack (true), or rely on the
   * one the account already has (false). Unset: no choice made yet, which REST doors refuse.
   */
  apiGatewayAccountRole?: boolean;
  /** Outside identity providers federated into the user pool (`identityProviders`, `identityProviderSecrets`). */
  federation: FederationConfig;
  /** Token lifetimes and refresh-token rotation of the app clients that sign people in. */
  tokens: TokenLifetimes;
  /** Keep the user pool when no door uses it (a door that verifies an outside issuer directly). */
  keepUserPool: boolean;
  /**
   * Sign-out that every token door honours (`revocation`): the revoked sessions table, `POST /me/sign-out`, and how
   * long a container trusts a "not revoked" answer (`revocationCacheSeconds`). Unset: revocation is off.
   */
  revocation?: { cacheSeconds: number };
}

/** One outside identity provider of the user pool, validated. */
export interface IdentityProviderConfig {
  /** The provider's name in the pool (the hosted UI's button, `identity_provider` on /oauth2/authorize). */
  name: string;
  type: ProviderType;
  /** providerDetails without the secret (awsRules/federation.ts providerDetails). */
  settings: ProviderSettings;
  /** Pool attribute -> the IdP's claim (OIDC, social) or assertion attribute (SAML); `email` always. */
  attributeMapping: Record<string, string>;
  /** OIDC and SAML: the claim or attribute carrying the IdP's groups, mapped to custom:idp_groups. */
  groupsClaim?: string;
  /**
   * With groupsClaim: the IdP's group -> the pool group it grants (the admin group or a tier's), applied by the
   * pool's pre token generation trigger (handlers/preTokenGeneration.ts). An IdP group not named grants nothing.
   */
  groupMapping?: Record<string, string>;
}

export interface FederationConfig {
  providers: IdentityProviderConfig[];
  /**
   * `identityProviderSecrets`, a JSON object of provider name -> client secret (Sign in with Apple: its private key),
   * as read by the config's secret reader (a Pulumi secret in a program).
   */
  secrets?: Input<string>;
}

/** Lifetimes in TOKEN_LIMITS' units (minutes, minutes, days), and whether refresh tokens rotate. */
export interface TokenLifetimes {
  idTokenValidity: number;
  accessTokenValidity: number;
  refreshTokenValidity: number;
  refreshTokenRotation: boolean;
}

/** The lifetimes every stack had before they were keys; unset keys keep them, so a stack sees no change. */
export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = {
  idTokenValidity: 60,
  accessTokenValidity: 60,
  refreshTokenValidity: 30,
  refreshTokenRotation: false,
};

/** Alarm destinations and thresholds (components/alarms.ts). */
export interface AlarmConfig {
  email?: string;
  topicArn?: string;
  /** Function errors in 5 minutes. */
  functionErrors: number;
  /** Function throttles in 5 minutes. */
  functionThrottles: number;
  /** p99 duration as a share of the function's timeout, in percent. */
  durationP99Percent: number;
  /** DynamoDB throttled requests in 5 minutes. */
  dynamoThrottles: number;
  /** Gateway 5xx responses, percent of requests over 5 minutes. */
  gateway5xxPercent: number;
  /** Gateway 4xx responses, percent of requests over 5 minutes. */
  gateway4xxPercent: number;
  /** 429 responses (throttles and exhausted quotas) in 5 minutes, counted from the access logs. */
  throttled429: number;
  /** ALB authentication errors (the login could not complete) in 5 minutes. */
  albAuthErrors: number;
  /** ALB authentication failures (rejected logins) in 5 minutes. */
  albAuthFailures: number;
  /** ALB authentication p99 latency, ms. */
  albAuthLatencyMs: number;
  /** 5xx answers of the notes function through the ALB in 5 minutes. */
  albTarget5xx: number;
}

/** Cognito's rule for a domain prefix, in a ConfigError's words. */
export const PREFIX_RULE =
  `use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, ` +
  `without "aws", "amazon" or "cognito"`;

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

/** A Route 53 hosted zone id. */
function hostedZone(config: ConfigReader): string | undefined {
  const v = config.str("hostedZoneId");
  if (v !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(v))
    throw new ConfigError(
      "hostedZoneId",
      `is "${v}": it must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ`,
    );
  return v;
}

/**
 * Mutual TLS: the truststore is a PEM bundle in S3, and an update takes a new object version.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
 */
function mtls(config: ConfigReader, region: string | undefined): StackConfig["mtls"] {
  const truststoreUri = config.str("mtlsTruststoreUri");
  const truststoreVersion = config.str("mtlsTruststoreVersion");
  const requiredForMachines = config.bool("mtlsRequiredForMachines", false);
  // API Gateway, mutual TLS with a certificate imported into ACM or issued by AWS Private CA: the
  // domain then needs an ownershipVerificationCertificate issued by ACM, which only proves the
  // right to the name (it is not used in the TLS handshake).
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html
  // Whether the domain's certificate is imported or from a Private CA cannot be read from its ARN
  // (every ACM certificate ARN looks alike), so the program cannot require this key; API Gateway
  // refuses such a domain without it.
  const ownershipVerificationCertificateArn = regionalArn(
    config,
    "domainOwnershipVerificationCertificateArn",
    "acm",
    region,
    "the ACM certificate must be in the stack's region, as the domain's own",
  );
  if (truststoreUri === undefined) {
    if (truststoreVersion !== undefined)
      throw new ConfigError("mtlsTruststoreVersion", "needs notes-auth:mtlsTruststoreUri");
    if (requiredForMachines)
      throw new ConfigError(
        "mtlsRequiredForMachines",
        "needs notes-auth:mtlsTruststoreUri: without mutual TLS no client presents a certificate",
      );
    if (ownershipVerificationCertificateArn !== undefined)
      throw new ConfigError(
        "domainOwnershipVerificationCertificateArn",
        "needs notes-auth:mtlsTruststoreUri: API Gateway uses it for mutual TLS only",
      );
    return undefined;
  }
  if (!/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.pem$/.test(truststoreUri))
    throw new ConfigError(
      "mtlsTruststoreUri",
      `is "${truststoreUri}": it must be s3://<bucket>/<key>.pem (a PEM bundle of the CAs you trust)`,
    );
  return {
    truststoreUri,
    ...(truststoreVersion ? { truststoreVersion } : {}),
    requiredForMachines,
    ...(ownershipVerificationCertificateArn ? { ownershipVerificationCertificateArn } : {}),
  };
}

/**
 * Regions whose SES identities any user pool may send through, besides its own (Cognito's "alternate Regions"; see
 * sesEmail).
 */
export const SES_ALTERNATE_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"] as const;

/**
 * An ARN of `service` whose region must be the stack's (`region`; unchecked when unknown). `why`
 * says which AWS rule makes it so. The region is the ARN's fourth field (arn:partition:service:region:…).
 */
function regionalArn(
  config: ConfigReader,
  key: string,
  service: string,
  region: string | undefined,
  why: string,
  alsoAllowed: readonly string[] = [],
): string | undefined {
  const arn = config.arn(key, service);
  if (arn === undefined || region === undefined) return arn;
  const arnRegion = arn.split(":")[3] ?? "";
  if (arnRegion !== region && !alsoAllowed.includes(arnRegion)) {
    throw new ConfigError(key, `is in region "${arnRegion}", not the stack's region ${region} (aws:region): ${why}`);
  }
  return arn;
}

/**
 * A WAFv2 web ACL for a regional resource: `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`.
 * A REST stage or an ALB takes a regional ACL of its own region; a CLOUDFRONT-scope (global) ACL
 * cannot be associated with them. https://docs.aws.amazon.com/waf/latest/APIReference/API_AssociateWebACL.html
 */
function wafAcl(config: ConfigReader, region: string | undefined): string | undefined {
  const arn = regionalArn(
    config,
    "wafAclArn",
    "wafv2",
    region,
    "AWS WAF associates a regional web ACL only with resources of its own region",
  );
  if (arn !== undefined && !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[^/]+\/[^/]+$/.test(arn)) {
    throw new ConfigError(
      "wafAclArn",
      `is "${arn}": it must be a regional web ACL, arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> ` +
        `(a global, CloudFront-scope ACL cannot protect a REST stage or an ALB)`,
    );
  }
  return arn;
}

function alarms(config: ConfigReader, region: string | undefined): AlarmConfig | undefined {
  const email = config.str("alarmEmail");
  // CloudWatch alarm actions name an SNS topic of the alarm's own region (PutMetricAlarm, AlarmActions:
  // arn:aws:sns:region:account-id:sns-topic-name). https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
  const topicArn = regionalArn(
    config,
    "alarmTopicArn",
    "sns",
    region,
    "CloudWatch alarms notify an SNS topic in their own region",
  );
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new ConfigError("alarmEmail", `is "${email}": it must be an email address`);
  if (email && topicArn) throw new ConfigError("alarmEmail", "and notes-auth:alarmTopicArn are alternatives: set one");
  const thresholds = {
    functionErrors: config.int("alarmFunctionErrors", 1, 1, 1_000_000),
    functionThrottles: config.int("alarmFunctionThrottles", 1, 1, 1_000_000),
    durationP99Percent: config.int("alarmDurationP99Percent", 80, 1, 100),
    dynamoThrottles: config.int("alarmDynamoThrottles", 1, 1, 1_000_000),
    gateway5xxPercent: config.int("alarmGateway5xxPercent", 1, 1, 100),
    gateway4xxPercent: config.int("alarmGateway4xxPercent", 10, 1, 100),
    throttled429: config.int("alarmThrottled429", 10, 1, 1_000_000),
    albAuthErrors: config.int("alarmAlbAuthErrors", 1, 1, 1_000_000),
    albAuthFailures: config.int("alarmAlbAuthFailures", 10, 1, 1_000_000),
    albAuthLatencyMs: config.int("alarmAlbAuthLatencyMs", 2000, 1, 60_000),
    albTarget5xx: config.int("alarmAlbTarget5xx", 1, 1, 1_000_000),
  };
  return email || topicArn ? { email, topicArn, ...thresholds } : undefined;
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
  if (n === 0)
    throw new ConfigError(
      "lambdaReservedConcurrency",
      "is 0, which throttles every request (the function would never run): use -1 for no reservation, or 1-900",
    );
  return n;
}

/**
 * Cognito's default sender is capped (50 emails a day per account); production pools send through
 * SES with a verified identity (DEVELOPER). https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html
 */
function sesEmail(config: ConfigReader, region: string | undefined): StackConfig["email"] {
  // Cognito sends through SES in the user pool's own region, "and in alternate Regions in some cases"
  // (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html).
  // The alternates are us-east-1, us-west-2 and eu-west-1: the developer guide's "Amazon SES email
  // configuration regions" (user-pool-email.html; awsdocs/amazon-cognito-developer-guide,
  // doc_source/user-pool-email.md) once required one of those three for every pool. Any other
  // region is refused here; which of the three a given pool region may still use is Cognito's
  // current table, not checked.
  const sesIdentityArn = regionalArn(
    config,
    "sesEmailIdentityArn",
    "ses",
    region,
    `Cognito sends through SES in the user pool's region or in one of its alternate regions ` +
      `(${SES_ALTERNATE_REGIONS.join(", ")})`,
    SES_ALTERNATE_REGIONS,
  );
  const from = config.str("emailFrom");
  if (from !== undefined && !/^([^<>@]+<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(from)) {
    throw new ConfigError("emailFrom", `is "${from}": use an address or "Name <address>"`);
  }
  if (from !== undefined && sesIdentityArn === undefined)
    throw new ConfigError("emailFrom", "needs notes-auth:sesEmailIdentityArn: a custom sender goes through SES");
  return sesIdentityArn ? { sesIdentityArn, ...(from ? { from } : {}) } : undefined;
}

/**
 * Cognito's group name: "[\p{L}\p{M}\p{S}\p{N}\p{P}]+", 1-128 characters.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
 */
function groupName(config: ConfigReader, key: string, fallback: string): string {
  const v = config.str(key) ?? fallback;
  const problem = cognitoGroupNameProblem(v);
  if (problem) throw new ConfigError(key, `is "${v}": ${problem}`);
  return v;
}

/**
 * The doors: `doors` (several at once, each at most once) or `authMode` (the one-door shorthand),
 * exactly one of the two, or both agreeing (`doors` is `[authMode]`); the primary one is
 * `primaryDoor`, by default the first listed. Refused, naming the key and the allowed values,
 * before any resource.
 */
function readDoors(config: ConfigReader): { doors: AuthMode[]; primary: AuthMode } {
  const allowed = `one of ${AUTH_MODES.join(", ")}`;
  const single = config.str("authMode") === undefined ? undefined : config.oneOf("authMode", AUTH_MODES);
  // (a door listed twice is refused by the list reader: each entry at most once)
  const listed = config.list("doors");
  for (const d of listed)
    if (!(AUTH_MODES as readonly string[]).includes(d))
      throw new ConfigError("doors", `has "${d}": each entry must be ${allowed}`);
  if (single === undefined && listed.length === 0)
    throw new ConfigError("authMode", `is required: set it to ${allowed}, or list several in notes-auth:doors`);
  if (single !== undefined && listed.length > 0 && !(listed.length === 1 && listed[0] === single))
    throw new ConfigError(
      "doors",
      `is [${listed.join(", ")}] and notes-auth:authMode is ${single}: set one of the two (authMode is the ` +
        "one-door shorthand for doors: [<authMode>])",
    );
  const doors = (listed.length > 0 ? listed : [single]) as AuthMode[];
  const primaryKey = config.str("primaryDoor");
  if (primaryKey !== undefined && !(doors as string[]).includes(primaryKey))
    throw new ConfigError(
      "primaryDoor",
      `is "${primaryKey}": it must be one of the stack's doors (${doors.join(", ")})`,
    );
  return { doors, primary: (primaryKey as AuthMode | undefined) ?? doors[0] };
}

const PROVIDER_FIELDS = ["name", "type", "settings", "attributeMapping", "groupsClaim", "groupMapping"] as const;
const SETTING_FIELDS = ["clientId", "teamId", "keyId", "issuer", "metadataUrl", "scopes"] as const;

/** A field that must be a non-empty string (or absent, unless `required`). */
function text(value: unknown, key: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new ConfigError(key, `${value === undefined ? "is required" : "must be a non-empty string"}`);
  return value.trim();
}

/** Refuses fields other than `allowed` (a misspelt field would otherwise be ignored). */
function onlyFields(value: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  const unknown = Object.keys(value).find((f) => !allowed.includes(f));
  if (unknown !== undefined)
    throw new ConfigError(`${key}.${unknown}`, `is not a field here: the fields are ${allowed.join(", ")}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function providerSettings(value: unknown, key: string, type: ProviderType): ProviderSettings {
  if (!isObject(value)) throw new ConfigError(key, `must be an object with ${REQUIRED_SETTINGS[type].join(", ")}`);
  if ("clientSecret" in value || "privateKey" in value)
    throw new ConfigError(
      `${key}.${"clientSecret" in value ? "clientSecret" : "privateKey"}`,
      "must not be here, in plain text: put it in notes-auth:identityProviderSecrets under the provider's name, " +
        "set with pulumi config set --secret",
    );
  onlyFields(value, key, SETTING_FIELDS);
  const settings: ProviderSettings = {};
  for (const field of SETTING_FIELDS) {
    const v = text(value[field], `${key}.${field}`, REQUIRED_SETTINGS[type].includes(field));
    if (v !== undefined) settings[field] = v;
  }
  const needless = SETTING_FIELDS.find(
    (f) => settings[f] !== undefined && f !== "scopes" && !REQUIRED_SETTINGS[type].includes(f),
  );
  const takes = [...REQUIRED_SETTINGS[type], ...(type === "SAML" ? [] : ["scopes"])];
  if (needless !== undefined || (type === "SAML" && settings.scopes !== undefined))
    throw new ConfigError(
      `${key}.${needless ?? "scopes"}`,
      `is not a setting of a ${type} provider: it takes ${takes.join(", ")}`,
    );
  for (const field of ["issuer", "metadataUrl"] as const)
    if (settings[field] !== undefined && !/^https:\/\/[^\s*]+$/.test(settings[field]!))
      throw new ConfigError(`${key}.${field}`, `is "${settings[field]}": it must be an https:// URL`);
  return settings;
}

function attributeMapping(value: unknown, key: string): Record<string, string> {
  if (!isObject(value) || !("email" in value))
    throw new ConfigError(
      key,
      'must map at least email (pool attribute -> the IdP\'s claim), e.g. {"email": "email"}: the pool signs ' +
        "people in by email",
    );
  const mapping: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(value)) {
    if (attribute.startsWith("custom:idp_groups"))
      throw new ConfigError(`${key}.${attribute}`, "is set by groupsClaim: name the IdP's groups claim there");
    if (!(MAPPABLE_ATTRIBUTES as readonly string[]).includes(attribute))
      throw new ConfigError(
        `${key}.${attribute}`,
        `is not an attribute of the user pool: map to one of ${MAPPABLE_ATTRIBUTES.join(", ")}`,
      );
    mapping[attribute] = text(claim, `${key}.${attribute}`, true)!;
  }
  return mapping;
}

/**
 * `groupMapping`: the IdP's group -> a pool group, both names. An IdP group's name holds no comma (Cognito writes the
 * IdP's list into one attribute as `[a, b]`, so a comma would split it), and each target is a Cognito group name
 * (CreateGroup's GroupName); that the stack has the group is checked once the tiers are known
 * (checkGroupMappingTargets).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
function groupMapping(value: unknown, key: string): Record<string, string> {
  if (!isObject(value) || Object.keys(value).length === 0)
    throw new ConfigError(key, 'must map the IdP\'s groups to pool groups, e.g. {"corp-admins": "admins"}');
  const mapping: Record<string, string> = {};
  for (const [idpGroup, poolGroup] of Object.entries(value)) {
    if (idpGroup.trim() === "" || idpGroup.includes(",") || idpGroup !== idpGroup.trim())
      throw new ConfigError(
        `${key}.${idpGroup}`,
        "is not an IdP group name this mapping can match: no commas, no spaces around it (Cognito writes the " +
          "IdP's groups into one attribute as [a, b])",
      );
    const target = text(poolGroup, `${key}.${idpGroup}`, true)!;
    const problem = cognitoGroupNameProblem(target);
    if (problem) throw new ConfigError(`${key}.${idpGroup}`, `is "${target}": ${problem}`);
    mapping[idpGroup] = target;
  }
  return mapping;
}

/**
 * Every provider's `groupMapping` names a pool group the stack has (`poolGroups`: the admin group, the tiers' groups),
 * or the field is refused, naming it and the groups there are: a mapping onto a group the pool lacks would grant
 * nothing, silently.
 */
export function checkGroupMappingTargets(federation: FederationConfig, poolGroups: readonly string[]): void {
  for (const [i, p] of federation.providers.entries())
    for (const [idpGroup, target] of Object.entries(p.groupMapping ?? {}))
      if (!poolGroups.includes(target))
        throw new ConfigError(
          `identityProviders[${i}].groupMapping.${idpGroup}`,
          `is "${target}", which is no group of the stack's pool: map to one of ${poolGroups.join(", ")} (the ` +
            "admin group, the tiers' groups of authorizerPlans)",
        );
}

function identityProvider(value: Record<string, unknown>, key: string): IdentityProviderConfig {
  onlyFields(value, key, PROVIDER_FIELDS);
  const type = text(value.type, `${key}.type`, true)!;
  if (!(PROVIDER_TYPES as readonly string[]).includes(type))
    throw new ConfigError(`${key}.type`, `is "${type}": it must be one of ${PROVIDER_TYPES.join(", ")}`);
  const t = type as ProviderType;
  const name = text(value.name, `${key}.name`, true)!;
  const problem = providerNameProblem(name);
  if (problem) throw new ConfigError(`${key}.name`, `is "${name}": ${problem}`);
  if (isSocial(t) && name !== t)
    throw new ConfigError(`${key}.name`, `is "${name}": a ${t} provider is named ${t} in the pool`);
  if (!isSocial(t) && (PROVIDER_TYPES as readonly string[]).includes(name))
    throw new ConfigError(`${key}.name`, `is "${name}", which names a social provider: choose another name`);
  const groupsClaim = text(value.groupsClaim, `${key}.groupsClaim`, false);
  if (groupsClaim !== undefined && /\s/.test(groupsClaim))
    throw new ConfigError(`${key}.groupsClaim`, `is "${groupsClaim}": a claim or attribute name has no spaces`);
  if (groupsClaim !== undefined && !(GROUP_TYPES as readonly string[]).includes(t))
    throw new ConfigError(
      `${key}.groupsClaim`,
      `is set on a ${t} provider: only ${GROUP_TYPES.join(" and ")} providers send groups`,
    );
  if (value.groupMapping !== undefined && groupsClaim === undefined)
    throw new ConfigError(
      `${key}.groupMapping`,
      "is set without groupsClaim: name the claim (OIDC) or attribute (SAML) that carries the IdP's groups",
    );
  const mapping =
    value.groupMapping === undefined ? undefined : groupMapping(value.groupMapping, `${key}.groupMapping`);
  return {
    name,
    type: t,
    settings: providerSettings(value.settings, `${key}.settings`, t),
    attributeMapping: attributeMapping(value.attributeMapping, `${key}.attributeMapping`),
    ...(groupsClaim !== undefined ? { groupsClaim } : {}),
    ...(mapping !== undefined ? { groupMapping: mapping } : {}),
  };
}

/**
 * `identityProviders` and their secrets (`identityProviderSecrets`: provider name -> secret). Only
 * the secrets' names are read in plain text, to check each provider has one; the values are read
 * with the secret reader. https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 */
function federation(config: ConfigReader): FederationConfig {
  const providers = config.objects("identityProviders").map((p, i) => identityProvider(p, `identityProviders[${i}]`));
  const seen = new Set<string>();
  for (const [i, p] of providers.entries()) {
    if (seen.has(p.name.toLowerCase()))
      throw new ConfigError(`identityProviders[${i}].name`, `is "${p.name}", which an earlier provider has`);
    seen.add(p.name.toLowerCase());
  }
  const plain = config.str("identityProviderSecrets");
  let names: string[] = [];
  if (plain !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed) || Object.values(parsed).some((v) => typeof v !== "string" || v === ""))
      throw new ConfigError(
        "identityProviderSecrets",
        `must be a JSON object of provider name -> secret, e.g. '{"Google":"…"}' (set with pulumi config set --secret)`,
      );
    names = Object.keys(parsed);
  }
  for (const name of names) {
    const p = providers.find((x) => x.name === name);
    if (!p || SECRET_DETAIL[p.type] === undefined)
      throw new ConfigError(
        "identityProviderSecrets",
        `has "${name}", ` +
          (p ? "a SAML provider, which takes no secret" : "which is no provider of notes-auth:identityProviders"),
      );
  }
  for (const [i, p] of providers.entries())
    if (SECRET_DETAIL[p.type] !== undefined && !names.includes(p.name))
      throw new ConfigError(
        "identityProviderSecrets",
        `has no secret for "${p.name}" (notes-auth:identityProviders[${i}], ${p.type}: its ` +
          `${SECRET_DETAIL[p.type]}): set it with pulumi config set --secret`,
      );
  return { providers, ...(plain !== undefined ? { secrets: config.secret("identityProviderSecrets") } : {}) };
}

function tokenLifetimes(config: ConfigReader): TokenLifetimes {
  const lifetime = (key: keyof typeof TOKEN_LIMITS) =>
    config.int(key, DEFAULT_TOKEN_LIFETIMES[key], TOKEN_LIMITS[key].min, TOKEN_LIMITS[key].max);
  return {
    idTokenValidity: lifetime("idTokenValidity"),
    accessTokenValidity: lifetime("accessTokenValidity"),
    refreshTokenValidity: lifetime("refreshTokenValidity"),
    refreshTokenRotation: config.bool("refreshTokenRotation", DEFAULT_TOKEN_LIFETIMES.refreshTokenRotation),
  };
}

/** The longest `revocationCacheSeconds`: a signed-out session may pass a container for at most this long. */
export const MAX_REVOCATION_CACHE_SECONDS = 60;

/** `revocation` and `revocationCacheSeconds` (a whole number of seconds, 0-60). */
function revocation(config: ConfigReader): StackConfig["revocation"] {
  const cacheSeconds = config.int(
    "revocationCacheSeconds",
    DEFAULT_REVOCATION_CACHE_SECONDS,
    0,
    MAX_REVOCATION_CACHE_SECONDS,
  );
  // Checked whether or not revocation is on, so turning it on later never meets a bad value for the first time.
  if (!config.bool("revocation", false)) return undefined;
  if (config.bool("refreshTokenRotation", DEFAULT_TOKEN_LIFETIMES.refreshTokenRotation))
    throw new ConfigError("revocation", REVOCATION_WITH_ROTATION);
  return { cacheSeconds };
}

/**
 * Why `revocation` refuses `refreshTokenRotation` (until checked against real Cognito): a sign-out is known by the
 * tokens' `origin_jti`, which AWS documents as kept for tokens a REFRESH_TOKEN flow mints
 * (https://repost.aws/knowledge-center/cognito-revoke-refresh-tokens), but not for rotation, which only
 * GetTokensFromRefreshToken does
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html):
 * a rotated refresh token minting tokens of a new origin_jti would pass every door after sign-out.
 */
const REVOCATION_WITH_ROTATION =
  "cannot be true with notes-auth:refreshTokenRotation true: sign-out refuses a session by its tokens' origin_jti, " +
  "which AWS documents as kept across a refresh (REFRESH_TOKEN flow) but not across a rotation " +
  "(GetTokensFromRefreshToken), so a rotated refresh token could mint tokens a signed-out session passes with; " +
  "turn one of the two off";

/**
 * Reads and validates the keys every door shares. Throws a ConfigError naming the first bad key.
 * `region` (aws:region) checks that regional ARNs are in the stack's region; unknown: unchecked.
 */
export function readStackKeys(config: ConfigReader, region?: string): StackConfig {
  const { doors, primary: authMode } = readDoors(config);
  const logRetentionDays = config.int("logRetentionDays", 30, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigError(
      "logRetentionDays",
      `is ${logRetentionDays}: it must be one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
  const revoking = revocation(config);
  const cfg: StackConfig = {
    authMode,
    doors,
    protectData: config.bool("protectData", false),
    logRetentionDays,
    corsOrigins: config.list("corsOrigins", ORIGIN),
    adminGroup: groupName(config, "adminGroup", DEFAULT_ADMIN_GROUP),
    throttleRateLimit: config.int("throttleRateLimit", 50, 1, 10000),
    throttleBurstLimit: config.int("throttleBurstLimit", 100, 1, 5000),
    lambdaMemoryMb: config.int("lambdaMemoryMb", 256, 128, 10240),
    lambdaReservedConcurrency: reservedConcurrency(config),
    tracing: config.bool("tracing", false),
    detailedMetrics: config.bool("detailedMetrics", false),
    mfa: config.oneOf("mfa", MFA_MODES, "OPTIONAL"),
    oauthCallbackUrls: config.list("oauthCallbackUrls", REDIRECT_URL),
    oauthLogoutUrls: config.list("oauthLogoutUrls", REDIRECT_URL),
    cognitoDomainPrefix: domainPrefix(config),
    selfSignUp: config.bool("selfSignUp", true),
    email: sesEmail(config, region),
    domainName: hostname(config, "domainName"),
    // A REGIONAL API Gateway domain and an ALB listener both take an ACM certificate of their own
    // region. https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html
    domainCertificateArn: regionalArn(
      config,
      "domainCertificateArn",
      "acm",
      region,
      "a regional API Gateway domain and an ALB listener need an ACM certificate of their own region",
    ),
    hostedZoneId: hostedZone(config),
    hostedZoneTakeOverRecord: config.bool("hostedZoneTakeOverRecord", false),
    mtls: mtls(config, region),
    alarms: alarms(config, region),
    cognitoPlan: config.oneOf("cognitoPlan", COGNITO_PLANS, DEFAULT_COGNITO_PLAN),
    cognitoThreatProtection: config.oneOf("cognitoThreatProtection", ["OFF", "AUDIT", "ENFORCED"] as const, "OFF"),
    wafAclArn: wafAcl(config, region),
    apiGatewayAccountRole: config.choice("apiGatewayAccountRole"),
    federation: federation(config),
    tokens: tokenLifetimes(config),
    keepUserPool: config.bool("keepUserPool", true),
    ...(revoking ? { revocation: revoking } : {}),
  };
  for (const [key, now] of Object.entries(RETIRED_KEYS)) {
    if (config.str(key) !== undefined) throw new ConfigError(key, `was renamed notes-auth:${now}`);
  }
  const needs =
    cfg.cognitoThreatProtection !== "OFF" ? missingPlanFeature(cfg.cognitoPlan, ["threat protection"]) : undefined;
  if (needs)
    throw new ConfigError(
      "cognitoPlan",
      `is ${cfg.cognitoPlan}, which lacks ${needs.feature} (notes-auth:cognitoThreatProtection ` +
        `${cfg.cognitoThreatProtection}): it needs ${needs.needs}`,
    );
  if (cfg.throttleBurstLimit < cfg.throttleRateLimit) {
    throw new ConfigError(
      "throttleBurstLimit",
      `(${cfg.throttleBurstLimit}) must be at least notes-auth:throttleRateLimit (${cfg.throttleRateLimit})`,
    );
  }
  return cfg;
}
