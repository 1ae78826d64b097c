import type { RoleClaims } from "./userPool";

/**
 * Which IAM role a Cognito identity pool gives an authenticated user (GetCredentialsForIdentity),
 * from the pool's role attachment (`aws.cognito.IdentityPoolRoleAttachment` inputs) and the
 * user pool ID token's claims.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html
 * With "Choose role from token" (RoleMapping type Token):
 *  1. a CustomRoleArn is used if it matches a role in `cognito:roles`; if it does not match, deny;
 *  2. otherwise `cognito:preferred_role`;
 *  3. otherwise "the correct role cannot be determined from the token" and AmbiguousRoleResolution
 *     decides: AuthenticatedRole gives the pool's default authenticated role, Deny refuses.
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_RoleMapping.html
 * Without a mapping for the token's provider, the default authenticated role applies.
 */
export interface RoleAttachment {
  roles: { authenticated?: string; unauthenticated?: string };
  roleMappings?: {
    /** `cognito-idp.<region>.amazonaws.com/<poolId>:<appClientId>` */
    identityProvider: string;
    type: "Token" | "Rules";
    ambiguousRoleResolution?: "AuthenticatedRole" | "Deny";
  }[];
}

export type RoleResolution = { role: string } | { refused: string };

export function resolveRole(
  attachment: RoleAttachment,
  provider: string,
  claims: RoleClaims,
  customRoleArn?: string,
): RoleResolution {
  const mapping = attachment.roleMappings?.find((m) => m.identityProvider === provider);
  const fallback = (): RoleResolution =>
    attachment.roles.authenticated
      ? { role: attachment.roles.authenticated }
      : { refused: "the identity pool has no authenticated role" };
  if (!mapping) return fallback();
  if (mapping.type !== "Token") return { refused: `role mapping type ${mapping.type} is not modelled` };
  const roles = claims["cognito:roles"] ?? [];
  if (customRoleArn !== undefined) {
    return roles.includes(customRoleArn)
      ? { role: customRoleArn }
      : { refused: "the requested role is not one of the token's cognito:roles" };
  }
  if (claims["cognito:preferred_role"]) return { role: claims["cognito:preferred_role"] };
  return mapping.ambiguousRoleResolution === "AuthenticatedRole"
    ? fallback()
    : { refused: "ambiguous role with AmbiguousRoleResolution Deny" };
}

/**
 * The provider name of a user pool app client in an identity pool:
 * `cognito-idp.<region>.amazonaws.com/<poolId>:<clientId>`.
 */
export const userPoolProvider = (region: string, poolId: string, clientId: string) =>
  `cognito-idp.${region}.amazonaws.com/${poolId}:${clientId}`;
