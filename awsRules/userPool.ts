/**
 * What a Cognito user pool puts in a member's ID token about group roles.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html
 * - `cognito:roles`: the IAM roles of the user's groups, set if there is at least one.
 * - `cognito:preferred_role`: the role of the group with the best (lowest) precedence; if there is
 *   only one role, that one; if several groups share the best precedence with different roles, unset.
 */
export interface GroupDefinition {
  name: string;
  roleArn?: string;
  precedence?: number;
}

export interface RoleClaims {
  "cognito:roles"?: string[];
  "cognito:preferred_role"?: string;
}

export function groupRoleClaims(groups: readonly GroupDefinition[], memberOf: readonly string[]): RoleClaims {
  const mine = groups.filter((g) => memberOf.includes(g.name) && g.roleArn);
  const roles = [...new Set(mine.map((g) => g.roleArn!))];
  if (roles.length === 0) return {};
  if (roles.length === 1) return { "cognito:roles": roles, "cognito:preferred_role": roles[0] };
  // A group without a precedence ranks last (Cognito: "null … as the lowest").
  const rank = (g: GroupDefinition) => g.precedence ?? Number.MAX_SAFE_INTEGER;
  const best = Math.min(...mine.map(rank));
  const preferred = [...new Set(mine.filter((g) => rank(g) === best).map((g) => g.roleArn!))];
  return preferred.length === 1
    ? { "cognito:roles": roles, "cognito:preferred_role": preferred[0] }
    : { "cognito:roles": roles };
}

/**
 * A prefix Cognito accepts for its hosted domain: 1-63 lower-case letters, digits and hyphens,
 * not starting or ending with a hyphen, without "aws", "amazon" or "cognito".
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
 */
export function cognitoRefusesPrefix(prefix: string): boolean {
  return !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix);
}

/** Cognito's feature plans, cheapest first. https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html */
export const COGNITO_PLANS = ["LITE", "ESSENTIALS", "PLUS"] as const;
export type CognitoPlan = (typeof COGNITO_PLANS)[number];
/**
 * The plan the program sets unless `cognitoPlan` says otherwise: it uses nothing Lite lacks (AWS's own default for a
 * new pool is Essentials).
 */
export const DEFAULT_COGNITO_PLAN: CognitoPlan = "LITE";

/**
 * The lowest plan that has a feature the program can turn on. Threat protection (advanced
 * security: compromised credentials, adaptive authentication) is Plus only; managed login
 * branding and access-token customization need Essentials (this program uses neither: its hosted
 * UI is the classic one). https://docs.aws.amazon.com/cognito/latest/developerguide/feature-plans-features-plus.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/feature-plans-features-essentials.html
 */
export const FEATURE_PLAN = {
  "threat protection": "PLUS",
  "managed login branding": "ESSENTIALS",
  "access-token customization": "ESSENTIALS",
} as const satisfies Record<string, CognitoPlan>;
export type PlanFeature = keyof typeof FEATURE_PLAN;

/** The first feature `plan` lacks, with the plan it needs; undefined when the plan has them all. */
export function missingPlanFeature(
  plan: CognitoPlan,
  features: readonly PlanFeature[],
): { feature: PlanFeature; needs: CognitoPlan } | undefined {
  const rank = (p: CognitoPlan) => COGNITO_PLANS.indexOf(p);
  const feature = features.find((f) => rank(FEATURE_PLAN[f]) > rank(plan));
  return feature ? { feature, needs: FEATURE_PLAN[feature] } : undefined;
}
