import { SettingsOf, settings, text } from "../settings";

/** What the `iam` door's component hands the handler (handlers/doors/iam.ts). */
export const iamSettings = settings({
  /** The identity-pool admin role, by its full ARN (account included). */
  adminRoleArn: text("IAM_ADMIN_ROLE_ARN"),
  /** The stack's identity pool: identity-pool callers of any other pool are refused. */
  identityPoolId: text("IAM_IDENTITY_POOL_ID"),
});
export type IamSettings = SettingsOf<typeof iamSettings>;
