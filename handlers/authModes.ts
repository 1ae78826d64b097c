/** The five front doors (the same list as components/config.ts, kept import-free for the bundle). */
export const AUTH_MODES = ["iam", "cognito", "http-jwt", "api-key", "alb-oidc"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
