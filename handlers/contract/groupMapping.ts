/**
 * The pre token generation trigger's settings, as the stack writes them (components/userDirectory.ts) and the trigger
 * reads them (handlers/preTokenGeneration.ts), and the V1_0 event Cognito sends it (local mode sends the same):
 * import-free, so the Pulumi program and local mode can use it.
 */
/**
 * The trigger sources Cognito invokes a pre token generation trigger with: the hosted UI's sign-in (every federated
 * sign-in), the user pools API's sign-in, a new password answered, a device's sign-in, and a refresh.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html#user-pool-lambda-pre-token-generation-trigger-source
 */
export const TRIGGER_SOURCES = [
  "TokenGeneration_HostedAuth",
  "TokenGeneration_Authentication",
  "TokenGeneration_NewPasswordChallenge",
  "TokenGeneration_AuthenticateDevice",
  "TokenGeneration_RefreshTokens",
] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

/** A user's groups and their IAM roles, as the event's request has them and its answer replaces them. */
export interface GroupConfiguration {
  groupsToOverride: string[];
  iamRolesToOverride: string[];
  preferredRole?: string | null;
}

/** The V1_0 event (the request part this trigger reads, and the answer it writes). */
export interface PreTokenGenerationEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  request: {
    userAttributes: Record<string, string>;
    groupConfiguration: GroupConfiguration;
    clientMetadata?: Record<string, string>;
  };
  response: { claimsOverrideDetails?: { groupOverrideDetails?: GroupConfiguration } | null };
}

/** What the stack tells the trigger (its environment, GROUP_MAPPING_ENV). */
export interface GroupMappingSettings {
  /** Provider name -> the IdP's group -> the pool group it grants. */
  providers: Record<string, Record<string, string>>;
  /** The pool groups a mapping may grant (the admin group, the tiers'). */
  groups: string[];
  /**
   * Those of `groups` that carry an IAM role (the admin group at the iam door), by name only: the role (the iam
   * door's) trusts the identity pool, which trusts the user pool, which names this trigger, so the trigger's settings
   * cannot wait for its ARN (a dependency cycle). The trigger reads a granted group's role at run time (GetGroup).
   */
  groupsWithRoles: string[];
}

/** The environment variable that carries the settings, as JSON. */
export const GROUP_MAPPING_ENV = "GROUP_MAPPING";

export class GroupMappingSettingsError extends Error {
  constructor(message: string) {
    super(`pre token generation trigger: ${message}`);
    this.name = "GroupMappingSettingsError";
  }
}

/** The settings as the stack writes them into the environment. */
export function encodeGroupMapping(settings: GroupMappingSettings): Record<string, string> {
  return { [GROUP_MAPPING_ENV]: JSON.stringify(settings) };
}

/** The settings from an environment; a missing or malformed value is refused (the trigger then fails closed). */
export function readGroupMapping(env: NodeJS.ProcessEnv): GroupMappingSettings {
  const text = env[GROUP_MAPPING_ENV];
  if (!text) throw new GroupMappingSettingsError(`environment variable ${GROUP_MAPPING_ENV} is not set`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GroupMappingSettingsError(`${GROUP_MAPPING_ENV} is not JSON`);
  }
  const s = parsed as Partial<GroupMappingSettings>;
  const withRoles = s?.groupsWithRoles ?? [];
  const isMap = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
  if (
    !s ||
    typeof s.providers !== "object" ||
    s.providers === null ||
    !Object.values(s.providers).every(isMap) ||
    !Array.isArray(s.groups) ||
    !s.groups.every((g) => typeof g === "string") ||
    !Array.isArray(withRoles) ||
    !withRoles.every((g) => s.groups!.includes(g))
  )
    throw new GroupMappingSettingsError(
      `${GROUP_MAPPING_ENV} is not {providers: {name: {idpGroup: poolGroup}}, groups, groupsWithRoles (of groups)}`,
    );
  return { providers: s.providers, groups: s.groups, groupsWithRoles: withRoles };
}
