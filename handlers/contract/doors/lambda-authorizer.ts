import { SettingsOf, optional, settings, text } from "../settings";

/** What the `lambda-authorizer` door's component hands the handler (handlers/doors/lambda-authorizer.ts). */
export const lambdaAuthorizerSettings = settings({
  /** The scope that admin routes need (machines; users also need the admin group). */
  adminScope: text("ADMIN_SCOPE"),
  /**
   * An external issuer's groups claim (`groupsClaim`), read by the authorizer: its users are then
   * admin by the admin group too.
   */
  groupsClaim: optional("GROUPS_CLAIM"),
});
export type LambdaAuthorizerSettings = SettingsOf<typeof lambdaAuthorizerSettings>;
