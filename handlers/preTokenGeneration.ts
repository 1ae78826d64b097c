/**
 * The user pool's pre token generation trigger (V1_0 event): it turns a federated person's IdP groups, which Cognito
 * maps into the pool attribute `custom:idp_groups`, into pool groups in `cognito:groups`, through the operator's
 * explicit mapping per provider (`identityProviders[].groupMapping`). An IdP group the mapping does not name grants
 * nothing, and only a federated user's attribute counts: a pool user who writes `custom:idp_groups` themselves
 * (UpdateUserAttributes) gains nothing here (docs/federation.md#groups-from-the-idp says why that is sound).
 *
 * The event and its answer, as Cognito documents them: `request.userAttributes`, `request.groupConfiguration`
 * (`groupsToOverride`, `iamRolesToOverride`, `preferredRole`), and `response.claimsOverrideDetails.
 * groupOverrideDetails`, which replaces the whole group configuration, and with it the `cognito:groups` claim of
 * the access token as well as the ID token's.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 * (github.com/awsdocs/amazon-cognito-developer-guide, doc_source/user-pool-lambda-pre-token-generation.md:
 * "Your groupOverrideDetails object will replace the cognito:groups claim in access tokens as well as ID tokens")
 */
import { IDP_GROUPS_ATTRIBUTE } from "../awsRules/federation";

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
  /**
   * The pool groups a mapping may grant (the admin group, the tiers'). Their IAM roles are not here: the admin group's
   * role (the iam door's) trusts the identity pool, which trusts the user pool, which names this trigger, so the
   * trigger cannot wait for it (a dependency cycle); a granted group adds no role (docs/federation.md).
   */
  groups: string[];
}

/** The environment variable that carries the settings, as JSON. */
export const GROUP_MAPPING_ENV = "GROUP_MAPPING";

/** The pool attribute Cognito writes the IdP's groups into (components/userDirectory.ts cognitoAttributeMapping). */
export const IDP_GROUPS_CLAIM = `custom:${IDP_GROUPS_ATTRIBUTE}`;

/** A federated user's status: Cognito sets it, and no user or app client can write it. */
const EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER";

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
  const isMap = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
  if (
    !s ||
    typeof s.providers !== "object" ||
    s.providers === null ||
    !Object.values(s.providers).every(isMap) ||
    !Array.isArray(s.groups) ||
    !s.groups.every((g) => typeof g === "string")
  )
    throw new GroupMappingSettingsError(
      `${GROUP_MAPPING_ENV} is not {providers: {name: {idpGroup: poolGroup}}, groups}`,
    );
  return { providers: s.providers, groups: s.groups };
}

/**
 * The provider a federated user came from, or undefined for anyone else: the user's status is EXTERNAL_PROVIDER and
 * the `identities` attribute (Cognito's, a JSON list; read-only to users) names the provider. Both are Cognito's
 * own attributes in the event's `userAttributes` (`cognito:user_status`, `identities`):
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html (UserStatus)
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 */
export function federatedProvider(attributes: Record<string, string>): string | undefined {
  if (attributes["cognito:user_status"] !== EXTERNAL_PROVIDER) return undefined;
  let identities: unknown;
  try {
    identities = JSON.parse(attributes.identities ?? "");
  } catch {
    return undefined;
  }
  if (!Array.isArray(identities)) return undefined;
  const names = [
    ...new Set(
      identities.map((i) => (i as { providerName?: unknown })?.providerName).filter((n) => typeof n === "string"),
    ),
  ] as string[];
  // A federated user is made from one IdP; anything else is not a shape this trigger trusts.
  return names.length === 1 ? names[0] : undefined;
}

/**
 * The IdP's groups as Cognito writes a multi-valued claim into one attribute: `[a, b]` (a JSON list is read too);
 * a single value is one group.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
export function idpGroups(value: string | undefined): string[] {
  if (value === undefined) return [];
  const text = value.trim();
  if (text === "") return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.filter((g): g is string => typeof g === "string" && g !== "");
  } catch {
    // not JSON: Cognito's bracketed list, or one value
  }
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return inner
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
}

/** The pool groups a user's IdP groups grant: only a federated user's, only through their provider's mapping. */
export function grantedGroups(settings: GroupMappingSettings, attributes: Record<string, string>): string[] {
  const provider = federatedProvider(attributes);
  const mapping = provider === undefined ? undefined : settings.providers[provider];
  if (!mapping) return [];
  const known = new Set(settings.groups);
  const granted = idpGroups(attributes[IDP_GROUPS_CLAIM])
    .filter((g) => Object.prototype.hasOwnProperty.call(mapping, g))
    .map((g) => mapping[g])
    .filter((g) => known.has(g));
  return [...new Set(granted)];
}

/**
 * The user's group configuration with the granted groups added: their own groups stay (an admin may add a federated
 * user to a group by hand), and so do their groups' IAM roles and preferred role (the answer replaces the whole
 * configuration, so what is not copied back is dropped).
 */
export function groupOverride(settings: GroupMappingSettings, event: PreTokenGenerationEvent): GroupConfiguration {
  const current = event.request.groupConfiguration ?? { groupsToOverride: [], iamRolesToOverride: [] };
  const own = current.groupsToOverride ?? [];
  const added = grantedGroups(settings, event.request.userAttributes ?? {}).filter((g) => !own.includes(g));
  return {
    groupsToOverride: [...own, ...added],
    iamRolesToOverride: current.iamRolesToOverride ?? [],
    ...(current.preferredRole ? { preferredRole: current.preferredRole } : {}),
  };
}

/** The trigger: the event back with its answer (Cognito reads `response.claimsOverrideDetails`). */
export function preTokenGeneration(
  settings: GroupMappingSettings,
  event: PreTokenGenerationEvent,
): PreTokenGenerationEvent {
  return {
    ...event,
    response: { claimsOverrideDetails: { groupOverrideDetails: groupOverride(settings, event) } },
  };
}
