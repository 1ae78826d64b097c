import { AUTH_MODES, AuthMode } from "./authModes";

/** What the infrastructure tells the handler (components/doors/*). Read once per container. */
export interface HandlerEnv {
  table: string;
  bucket: string;
  region: string;
  authMode: AuthMode;
  /** App client ids whose tokens are accepted (audience pinning). */
  allowedClientIds: string[];
  adminGroup: string;
  /** http-jwt: the scope that admin routes need. */
  adminScope?: string;
  /** api-key: key ids allowed on /admin. */
  adminApiKeyIds: string[];
  /** api-key: a Cognito ID token is also required and identifies the user. */
  apiKeyUserTokens: boolean;
  /** iam: the identity-pool admin role's name. */
  iamAdminRoleName?: string;
  userPoolId?: string;
  /** The stack's user pool issuer: tokens from it are plain Cognito users. */
  cognitoIssuer?: string;
  /** alb-oidc: this load balancer (the only accepted signer), the IdP issuer and client. */
  albArn?: string;
  albIssuer?: string;
  albClientId?: string;
  corsOrigins: string[];
  maxAttachmentBytes: number;
}

export class ConfigurationError extends Error {}

const list = (v: string | undefined) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** Validates the environment; a missing or bad variable is named in the error. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): HandlerEnv {
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new ConfigurationError(`environment variable ${name} is not set`);
    return v;
  };
  const mode = need("AUTH_MODE");
  if (!(AUTH_MODES as readonly string[]).includes(mode)) throw new ConfigurationError(`AUTH_MODE "${mode}" is not one of ${AUTH_MODES.join(", ")}`);
  const authMode = mode as AuthMode;
  const maxAttachmentBytes = Number(env.MAX_ATTACHMENT_BYTES ?? 10 * 1024 * 1024);
  if (!Number.isInteger(maxAttachmentBytes) || maxAttachmentBytes <= 0) throw new ConfigurationError("MAX_ATTACHMENT_BYTES must be a positive integer");
  const parsed: HandlerEnv = {
    table: need("NOTES_TABLE"),
    bucket: need("ATTACHMENTS_BUCKET"),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    authMode,
    allowedClientIds: list(env.ALLOWED_CLIENT_IDS),
    adminGroup: env.ADMIN_GROUP || "admins",
    adminScope: env.ADMIN_SCOPE || undefined,
    adminApiKeyIds: list(env.ADMIN_API_KEY_IDS),
    apiKeyUserTokens: env.API_KEY_USER_TOKENS === "true",
    iamAdminRoleName: env.IAM_ADMIN_ROLE_NAME || undefined,
    userPoolId: env.USER_POOL_ID || undefined,
    cognitoIssuer: env.COGNITO_ISSUER || undefined,
    albArn: env.ALB_ARN || undefined,
    albIssuer: env.ALB_ISSUER || undefined,
    albClientId: env.ALB_CLIENT_ID || undefined,
    corsOrigins: list(env.CORS_ALLOWED_ORIGINS),
    maxAttachmentBytes,
  };
  // A door that pins audiences must say which; an empty list would accept nothing, loudly.
  if ((authMode === "cognito" || authMode === "http-jwt" || (authMode === "api-key" && parsed.apiKeyUserTokens)) && parsed.allowedClientIds.length === 0) {
    throw new ConfigurationError("ALLOWED_CLIENT_IDS is not set");
  }
  if (authMode === "alb-oidc") for (const k of ["ALB_ARN", "ALB_ISSUER", "ALB_CLIENT_ID"]) need(k);
  if (authMode === "iam") need("USER_POOL_ID");
  return parsed;
}
