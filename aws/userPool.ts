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
  return preferred.length === 1 ? { "cognito:roles": roles, "cognito:preferred_role": preferred[0] } : { "cognito:roles": roles };
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
