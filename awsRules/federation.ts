/**
 * What Cognito accepts for an identity provider on a user pool, and for the token lifetimes of an
 * app client. Pure rules; the config (components/config.ts) refuses what Cognito would, and the
 * user directory (components/userDirectory.ts) writes providerDetails as the API names them.
 */

/**
 * CreateIdentityProvider's ProviderType values this program configures.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
 */
export const PROVIDER_TYPES = ["Google", "Facebook", "SignInWithApple", "LoginWithAmazon", "OIDC", "SAML"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * The social providers: Cognito knows their endpoints, and each is named after its type (the
 * console and the API name a social IdP "Google", "Facebook", "SignInWithApple" or "LoginWithAmazon";
 * the hosted UI's buttons and the authorize endpoint's `identity_provider` parameter use that name).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-social-idp.html
 */
export const SOCIAL_TYPES = ["Google", "Facebook", "SignInWithApple", "LoginWithAmazon"] as const;
export const isSocial = (type: ProviderType): boolean => (SOCIAL_TYPES as readonly string[]).includes(type);

/** The name app clients use for the pool's own users in SupportedIdentityProviders. */
export const COGNITO_PROVIDER = "COGNITO";

/**
 * Why Cognito would refuse a provider name, or undefined. CreateIdentityProvider's ProviderName:
 * 1-32 characters matching [^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+ (so at least 3, no
 * separators, no underscore first or after the second character).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
 */
export function providerNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length > 32) return `Cognito provider names are at most 32 characters (this one has ${length})`;
  if (!/^[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+$/u.test(name))
    return (
      "Cognito provider names match [^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+: at least 3 characters, " +
      "no spaces, no underscore except as the second character"
    );
  if (name.toUpperCase() === COGNITO_PROVIDER) return `${COGNITO_PROVIDER} names the pool's own users`;
  return undefined;
}

/**
 * The providerDetails keys each type needs (besides the secret), as CreateIdentityProvider's
 * ProviderDetails lists them: client_id and authorize_scopes for the social types and OIDC,
 * team_id and key_id for Sign in with Apple, oidc_issuer (discovery) and attributes_request_method
 * for OIDC, MetadataURL (or MetadataFile) for SAML.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
 */
export const REQUIRED_SETTINGS: Readonly<Record<ProviderType, readonly string[]>> = {
  Google: ["clientId"],
  Facebook: ["clientId"],
  LoginWithAmazon: ["clientId"],
  SignInWithApple: ["clientId", "teamId", "keyId"],
  OIDC: ["clientId", "issuer"],
  SAML: ["metadataUrl"],
};

/**
 * The secret each type takes in providerDetails: client_secret, or for Sign in with Apple the
 * private_key of its key id; a SAML provider has none (it signs with its metadata's certificate).
 */
export const SECRET_DETAIL: Readonly<Record<ProviderType, string | undefined>> = {
  Google: "client_secret",
  Facebook: "client_secret",
  LoginWithAmazon: "client_secret",
  SignInWithApple: "private_key",
  OIDC: "client_secret",
  SAML: undefined,
};

/**
 * authorize_scopes when none are given: the social types' values as ProviderDetails' examples
 * give them (space-separated; Facebook and Apple comma- or space-separated as listed there), OIDC
 * the standard scopes that carry email. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
 */
export const DEFAULT_SCOPES: Readonly<Record<ProviderType, string | undefined>> = {
  Google: "openid email profile",
  Facebook: "public_profile, email",
  LoginWithAmazon: "profile postal_code",
  SignInWithApple: "email name",
  OIDC: "openid email profile",
  SAML: undefined,
};

/** The types whose IdP can send the user's groups as a claim (OIDC) or an assertion attribute (SAML). */
export const GROUP_TYPES = ["OIDC", "SAML"] as const;

/**
 * The custom attribute the IdP's groups are mapped to. Cognito maps IdP claims only to pool
 * attributes (AttributeMapping), never to groups: `cognito:groups` lists pool groups alone.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
export const IDP_GROUPS_ATTRIBUTE = "idp_groups";

/**
 * The pool attributes an IdP's claims may be mapped to: the standard attributes of a user pool
 * (the OpenID Connect standard claims), `email_verified` and `phone_number_verified`, and
 * `username` (the federated user's name, by default the IdP's `sub`). The pool has no custom
 * attributes but the groups one (IDP_GROUPS_ATTRIBUTE, mapped through groupsClaim).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
export const MAPPABLE_ATTRIBUTES = [
  "address",
  "birthdate",
  "email",
  "email_verified",
  "family_name",
  "gender",
  "given_name",
  "locale",
  "middle_name",
  "name",
  "nickname",
  "phone_number",
  "phone_number_verified",
  "picture",
  "preferred_username",
  "profile",
  "updated_at",
  "username",
  "website",
  "zoneinfo",
] as const;

/** The providerDetails of one provider, without its secret, as CreateIdentityProvider takes them. */
export interface ProviderSettings {
  clientId?: string;
  teamId?: string;
  keyId?: string;
  issuer?: string;
  metadataUrl?: string;
  scopes?: string;
}

/**
 * providerDetails for a type, as CreateIdentityProvider's ProviderDetails names them; `secret` is
 * put under the type's secret key. OIDC reads its endpoints from the issuer's discovery document
 * and asks for attributes with GET.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
 */
export function providerDetails<S>(
  type: ProviderType,
  settings: ProviderSettings,
  secret: S | undefined,
): Record<string, string | S> {
  const scopes = settings.scopes ?? DEFAULT_SCOPES[type];
  const secretKey = SECRET_DETAIL[type];
  const common: Record<string, string | S> = {
    ...(settings.clientId !== undefined ? { client_id: settings.clientId } : {}),
    ...(scopes !== undefined ? { authorize_scopes: scopes } : {}),
    ...(secretKey !== undefined && secret !== undefined ? { [secretKey]: secret } : {}),
  };
  switch (type) {
    case "Google":
    case "Facebook":
    case "LoginWithAmazon":
      return common;
    case "SignInWithApple":
      return { ...common, team_id: settings.teamId!, key_id: settings.keyId! };
    case "OIDC":
      return { ...common, oidc_issuer: settings.issuer!, attributes_request_method: "GET" };
    case "SAML":
      return { MetadataURL: settings.metadataUrl! };
    default: {
      const unreachable: never = type;
      throw new Error(`unknown provider type ${unreachable}`);
    }
  }
}

/**
 * An app client's token lifetimes, as CreateUserPoolClient bounds them: ID and access tokens
 * 5 minutes to 1 day, refresh tokens 60 minutes to 10 years (here in days: 1 to 3650, the unit
 * the program sets). https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */
export const TOKEN_LIMITS = {
  idTokenValidity: { min: 5, max: 1440, unit: "minutes" },
  accessTokenValidity: { min: 5, max: 1440, unit: "minutes" },
  refreshTokenValidity: { min: 1, max: 3650, unit: "days" },
} as const;
