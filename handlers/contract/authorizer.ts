import { EnvironmentError, SettingsOf, list, optional, settings, text } from "./settings";
import { revocationSettings } from "./stack";

/** One usage plan the authorizer may put a caller on: matched by a group or a scope, with its API key. */
export interface AuthorizerPlan {
  name: string;
  /** Callers in this group (cognito:groups, or an external issuer's groupsClaim) get this plan. */
  group?: string;
  /** Callers whose token holds this scope get this plan. */
  scope?: string;
  /** The plan's API key value, returned as usageIdentifierKey (never given to a client). */
  key: string;
}

/** What the program tells the authorizer function (components/doors/lambda-authorizer). */
export const authorizerSettings = settings({
  /** The token issuer: the stack's user pool, or an external OIDC issuer. */
  issuer: text("AUTHORIZER_ISSUER"),
  /**
   * Where its signing keys are (`authorizerJwksUri`); unset: Cognito's documented place, or the issuer's discovery
   * document's jwks_uri (discovery.ts).
   */
  jwksUri: optional("AUTHORIZER_JWKS_URI"),
  /**
   * An external issuer's groups claim (`groupsClaim`, a name or dotted path); unset: an external issuer's users have no
   * groups (no tier by group, no admin by group).
   */
  groupsClaim: optional("AUTHORIZER_GROUPS_CLAIM"),
  /** App client ids (Cognito: `aud` of ID tokens, `client_id` of access tokens) or audiences. */
  audiences: list("AUTHORIZER_AUDIENCES", { nonEmpty: true }),
  /** `id` or `access` for Cognito tokens; `any` for an external issuer (no token_use claim). */
  tokenUse: text("AUTHORIZER_TOKEN_USE"),
  adminGroup: text("ADMIN_GROUP"),
  adminScope: text("ADMIN_SCOPE"),
  /** The stack's own pool issuer, whose users are their sub (others are oidc:<sub>). */
  cognitoIssuer: optional("COGNITO_ISSUER"),
  /** JSON list of AuthorizerPlan; the one without group and scope is the default. */
  plans: text("AUTHORIZER_PLANS"),
});

export type AuthorizerSettings = Omit<SettingsOf<typeof authorizerSettings>, "plans" | "tokenUse"> & {
  tokenUse: "id" | "access" | "any";
  plans: AuthorizerPlan[];
  /** `revocation: true` (REVOKED_SESSIONS_TABLE set, handlers/contract/stack.ts): refuse signed-out sessions too. */
  revocation?: { table: string; cacheSeconds: number };
};

/** The authorizer's settings from its environment, validated; a bad one is named. */
export function readAuthorizerSettings(env: Record<string, string | undefined>): AuthorizerSettings {
  const raw = authorizerSettings.decode(env);
  if (!["id", "access", "any"].includes(raw.tokenUse))
    throw new EnvironmentError(`AUTHORIZER_TOKEN_USE must be id, access or any, not ${raw.tokenUse}`);
  let plans: AuthorizerPlan[];
  try {
    plans = JSON.parse(raw.plans);
  } catch {
    throw new EnvironmentError("AUTHORIZER_PLANS is not JSON");
  }
  if (
    !Array.isArray(plans) ||
    plans.some((p) => typeof p?.name !== "string" || typeof p.key !== "string" || p.key === "")
  )
    throw new EnvironmentError("AUTHORIZER_PLANS must list plans with a name and a key");
  if (plans.filter((p) => !p.group && !p.scope).length !== 1)
    throw new EnvironmentError("AUTHORIZER_PLANS must have exactly one default plan (no group and no scope)");
  const { table, cacheSeconds } = revocationSettings.decode(env);
  return {
    ...raw,
    tokenUse: raw.tokenUse as AuthorizerSettings["tokenUse"],
    plans,
    ...(table !== undefined ? { revocation: { table, cacheSeconds } } : {}),
  };
}

/** Encodes the plans for the function's environment (the program's side of AUTHORIZER_PLANS). */
export const encodePlans = (plans: AuthorizerPlan[]) => JSON.stringify(plans);
