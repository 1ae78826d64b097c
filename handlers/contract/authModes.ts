/**
 * The front doors, by the name `notes-auth:authMode` takes. Import-free, so the program and the Lambda bundle share it.
 */
export const AUTH_MODES = ["iam", "cognito", "http-jwt", "api-key", "alb-oidc", "lambda-authorizer"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
