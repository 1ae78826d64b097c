/**
 * The user pool's pre token generation trigger (V1_0 event): it turns a federated person's IdP groups, which Cognito
 * maps into the pool attribute `custom:idp_groups`, into pool groups in `cognito:groups`, through the operator's
 * explicit mapping per provider (`identityProviders[].groupMapping`). An IdP group the mapping does not name grants
 * nothing, and only a federated user's attribute counts: a pool user who writes `custom:idp_groups` themselves
 * (UpdateUserAttributes) gains nothing here (docs/federation.md#groups-from-the-idp says why that is sound).
 * A granted group with an IAM role (the iam door's admin group) has its role read at run time (GetGroup, signed with
 * the function's credentials) and put in `iamRolesToOverride` and `preferredRole`, as Cognito would for a member.
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
import { GroupDefinition, groupRoleClaims } from "../awsRules/userPool";
import { Credentials, RetryPolicy, systemClock } from "./notes/aws";
import { UserPoolsEndpoint, userPoolsCall } from "./sessions/revokeToken";
import {
  GroupConfiguration,
  GroupMappingSettings,
  PreTokenGenerationEvent,
  TRIGGER_SOURCES,
  TriggerSource,
} from "./contract/groupMapping";

export { TRIGGER_SOURCES };
export type { GroupConfiguration, PreTokenGenerationEvent, TriggerSource };

/** The pool attribute Cognito writes the IdP's groups into (components/userDirectory.ts cognitoAttributeMapping). */
export const IDP_GROUPS_CLAIM = `custom:${IDP_GROUPS_ATTRIBUTE}`;

/** A federated user's status: Cognito sets it, and no user or app client can write it. */
const EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER";

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

/** A pool group's IAM role and precedence, as GetGroup answers (either may be absent). */
export type GetGroup = (userPoolId: string, groupName: string) => Promise<Omit<GroupDefinition, "name">>;

/**
 * The configuration with the granted groups' IAM roles: when a granted group carries a role (`groupsWithRoles`), the
 * trigger reads it and its precedence (GetGroup) and answers what Cognito itself would put in the tokens of a member
 * of those groups: `iamRolesToOverride` the user's own roles and the granted groups', `preferredRole` the role of the
 * group with the lowest precedence, none when groups tied at the lowest precedence have different roles
 * (groupRoleClaims). The event carries the user's own roles but not their groups' precedences, so those groups are
 * read too when the user has own roles. Only a federated user with a mapping is granted groups (grantedGroups), so
 * only their sign-ins read roles; a failed read fails the sign-in (closed), never a token without the role decided.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html (precedence, roles)
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 * (groupOverrideDetails: groupsToOverride, iamRolesToOverride, preferredRole)
 */
export async function groupOverrideWithRoles(
  settings: GroupMappingSettings,
  event: PreTokenGenerationEvent,
  getGroup: GetGroup,
): Promise<GroupConfiguration> {
  const base = groupOverride(settings, event);
  const own = event.request.groupConfiguration?.groupsToOverride ?? [];
  const added = base.groupsToOverride.filter((g) => !own.includes(g));
  const withRoles = added.filter((g) => settings.groupsWithRoles.includes(g));
  if (withRoles.length === 0) return base;
  const toRead = [...withRoles, ...(base.iamRolesToOverride.length > 0 ? own : [])];
  const definitions = await Promise.all(
    toRead.map(async (name) => {
      try {
        return { name, ...(await getGroup(event.userPoolId, name)) };
      } catch (err) {
        throw new GroupRoleUnreadable(name, err);
      }
    }),
  );
  const claims = groupRoleClaims(definitions, base.groupsToOverride);
  const preferred = claims["cognito:preferred_role"];
  return {
    groupsToOverride: base.groupsToOverride,
    iamRolesToOverride: [...new Set([...base.iamRolesToOverride, ...(claims["cognito:roles"] ?? [])])],
    ...(preferred ? { preferredRole: preferred } : {}),
  };
}

/** A granted group's role could not be read: the trigger fails, and Cognito refuses the sign-in. */
export class GroupRoleUnreadable extends Error {
  constructor(
    readonly group: string,
    readonly cause: unknown,
  ) {
    super(
      `pre token generation trigger: cannot read the role of group ${group}: ` +
        (cause instanceof Error ? cause.message : String(cause)),
    );
    this.name = "GroupRoleUnreadable";
  }
}

/**
 * GetGroup's bounds: 2.5 s for every read of one event (they share a deadline), 800 ms an attempt, well inside the
 * trigger's 5 s (Cognito's wait), leaving its cold start and the answer time.
 */
export const GET_GROUP_POLICY: RetryPolicy = {
  deadlineMs: 2500,
  attemptTimeoutMs: 800,
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 300,
};

/**
 * Cognito's GetGroup, signed with the function's role (SigV4, `cognito-idp`), at `endpoint`
 * (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER) or Cognito's regional endpoint; every call of one client shares one
 * deadline, made at its first call. Needs `cognito-idp:GetGroup` on the pool's ARN.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetGroup.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GroupType.html (RoleArn, Precedence)
 */
export function cognitoGetGroup(
  opts: UserPoolsEndpoint & { credentials: () => Credentials; policy?: Partial<RetryPolicy> },
): GetGroup {
  const policy = { ...GET_GROUP_POLICY, ...opts.policy };
  const clock = opts.clock ?? systemClock;
  let deadline: number | undefined;
  return async (userPoolId, groupName) => {
    deadline ??= clock.now() + policy.deadlineMs;
    const answer = (await userPoolsCall(
      opts,
      policy,
      "GetGroup",
      { UserPoolId: userPoolId, GroupName: groupName },
      opts.credentials(),
      deadline,
    )) as { Group?: { RoleArn?: unknown; Precedence?: unknown } };
    const group = answer.Group ?? {};
    return {
      ...(typeof group.RoleArn === "string" && group.RoleArn ? { roleArn: group.RoleArn } : {}),
      ...(typeof group.Precedence === "number" ? { precedence: group.Precedence } : {}),
    };
  };
}

/** The trigger: the event back with its answer (Cognito reads `response.claimsOverrideDetails`). */
export async function preTokenGeneration(
  settings: GroupMappingSettings,
  event: PreTokenGenerationEvent,
  getGroup: GetGroup,
): Promise<PreTokenGenerationEvent> {
  return {
    ...event,
    response: {
      claimsOverrideDetails: { groupOverrideDetails: await groupOverrideWithRoles(settings, event, getGroup) },
    },
  };
}
