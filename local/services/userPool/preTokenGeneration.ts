/**
 * The local user pool's pre token generation trigger: the recorded pool's `lambdaConfig` names a function, which the
 * pool invokes as Cognito does (principal cognito-idp.amazonaws.com, source the pool's ARN, so the recorded
 * Permission must allow it) with a V1_0 event at each trigger source, and whose `groupOverrideDetails` replaces the
 * groups of both tokens it signs (and the ID token's role claims).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 * ("Your groupOverrideDetails object will replace the cognito:groups claim in access tokens as well as ID tokens",
 * github.com/awsdocs/amazon-cognito-developer-guide doc_source/user-pool-lambda-pre-token-generation.md)
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LambdaConfigType.html
 */
import { GroupDefinition, RoleClaims, groupRoleClaims } from "../../../awsRules/userPool";
import type { GroupConfiguration, PreTokenGenerationEvent, TriggerSource } from "../../../handlers/preTokenGeneration";
import { NotEmulatedYet } from "../../recorded";
import type { LocalLambda } from "../lambda";

/** The trigger a recorded pool names: its function's ARN (the V1_0 event, the only version emulated). */
export interface RecordedTrigger {
  lambdaArn: string;
}

/** The event versions the local pool sends: V1_0 (every plan); V2_0 and V3_0 (access-token claims) are not emulated. */
const EMULATED_VERSIONS = ["V1_0"];

/**
 * The pre token generation trigger of a recorded pool's `lambdaConfig`, or undefined: `preTokenGenerationConfig`
 * (LambdaArn, LambdaVersion) or the older `preTokenGeneration` ARN (the V1_0 event). Another version stops local
 * mode at start, naming the pool.
 */
export function recordedTrigger(poolName: string, lambdaConfig: any): RecordedTrigger | undefined {
  const config = lambdaConfig?.preTokenGenerationConfig;
  const lambdaArn = config?.lambdaArn ?? lambdaConfig?.preTokenGeneration;
  if (!lambdaArn) return undefined;
  const version = String(config?.lambdaVersion ?? "V1_0");
  if (!EMULATED_VERSIONS.includes(version))
    throw new NotEmulatedYet(
      `the user pool ${poolName}'s pre token generation trigger asks for the ${version} event: local mode sends ` +
        `${EMULATED_VERSIONS.join(", ")} only`,
    );
  return { lambdaArn: String(lambdaArn) };
}

/** The groups and role claims a token carries. */
export interface TokenGroups {
  groups: string[];
  roleClaims: RoleClaims;
}

/** What the pool knows of the user the tokens are for. */
export interface TriggerUser {
  username: string;
  sub: string;
  email: string;
  status: string;
  groups: string[];
  attributes?: Record<string, string>;
  identities?: object[];
}

/** A sign-in the trigger could not answer: Cognito fails it (UserLambdaValidationException). */
export class PreTokenGenerationFailed extends Error {
  constructor(reason: string) {
    super(`PreTokenGeneration failed with error ${reason}.`);
    this.name = "PreTokenGenerationFailed";
  }
}

/**
 * The user's attributes as the trigger's `userAttributes` has them: strings, Cognito's own `sub`, `email`,
 * `email_verified`, `cognito:user_status` and (a federated user's) `identities` as JSON, beside the mapped and
 * written attributes.
 */
export function userAttributesOf(user: TriggerUser): Record<string, string> {
  return {
    ...user.attributes,
    sub: user.sub,
    email: user.email,
    email_verified: user.status === "EXTERNAL_PROVIDER" ? (user.attributes?.email_verified ?? "false") : "true",
    "cognito:user_status": user.status,
    ...(user.identities ? { identities: JSON.stringify(user.identities) } : {}),
  };
}

/** The V1_0 event the pool sends for a user's tokens (the developer guide's shape; `version` "1"). */
export function triggerEvent(
  pool: { poolId: string; region: string; groupRoles: GroupDefinition[] },
  clientId: string,
  user: TriggerUser,
  triggerSource: TriggerSource,
): PreTokenGenerationEvent {
  const roles = groupRoleClaims(pool.groupRoles, user.groups);
  return {
    version: "1",
    triggerSource,
    region: pool.region,
    userPoolId: pool.poolId,
    userName: user.username,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId },
    request: {
      userAttributes: userAttributesOf(user),
      groupConfiguration: {
        groupsToOverride: [...user.groups],
        iamRolesToOverride: roles["cognito:roles"] ?? [],
        preferredRole: roles["cognito:preferred_role"] ?? null,
      },
    },
    response: { claimsOverrideDetails: null },
  };
}

/**
 * The tokens' groups after the trigger's answer: `groupOverrideDetails` replaces the whole group configuration (an
 * empty or null one suppresses the groups); without it, the user's own groups stay.
 */
export function applyGroupOverride(current: TokenGroups, answer: unknown): TokenGroups {
  const details = (answer as PreTokenGenerationEvent | undefined)?.response?.claimsOverrideDetails;
  if (!details || !("groupOverrideDetails" in details)) return current;
  const o: Partial<GroupConfiguration> = details.groupOverrideDetails ?? {};
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const roles = strings(o.iamRolesToOverride);
  return {
    groups: strings(o.groupsToOverride),
    roleClaims: {
      ...(roles.length ? { "cognito:roles": roles } : {}),
      ...(typeof o.preferredRole === "string" && o.preferredRole ? { "cognito:preferred_role": o.preferredRole } : {}),
    },
  };
}

/**
 * The groups of a user's tokens: their own (and their groups' roles), or, when the pool has a trigger, its answer.
 * The trigger runs as Cognito runs it: invoked by cognito-idp.amazonaws.com from the pool's ARN, which the function's
 * recorded permission must allow; a denial or an error fails the sign-in.
 */
export async function tokenGroups(
  pool: { poolId: string; arn: string; region: string; groupRoles: GroupDefinition[]; trigger?: RecordedTrigger },
  lambda: Pick<LocalLambda, "invokeAs"> | undefined,
  clientId: string,
  user: TriggerUser,
  source: TriggerSource,
): Promise<TokenGroups> {
  const own = { groups: user.groups, roleClaims: groupRoleClaims(pool.groupRoles, user.groups) };
  if (!pool.trigger) return own;
  if (!lambda) throw new PreTokenGenerationFailed("no Lambda service to run the trigger");
  const invoked = await lambda.invokeAs(
    { principal: "cognito-idp.amazonaws.com", sourceArn: pool.arn, sourceAccount: pool.arn.split(":")[4] },
    pool.trigger.lambdaArn,
    triggerEvent(pool, clientId, user, source),
  );
  if (!invoked.allowed) throw new PreTokenGenerationFailed(invoked.reason);
  if (invoked.error) throw new PreTokenGenerationFailed(invoked.error.errorMessage);
  return applyGroupOverride(own, invoked.result);
}
