import { SettingsOf, flag, list, settings } from "../settings";
import { allowedClientIds } from "./clientIds";

/** What the `api-key` door's component hands the handler (handlers/doors/api-key.ts). */
export const apiKeySettings = settings({
  /** Key ids allowed on /admin/*. */
  adminApiKeyIds: list("ADMIN_API_KEY_IDS"),
  /** A Cognito ID token is also required, and it (not the key) identifies the caller. */
  userTokens: flag("API_KEY_USER_TOKENS"),
  /** With user tokens: the app clients whose ID tokens are accepted. */
  allowedClientIds: { ...allowedClientIds, nonEmpty: false },
});
export type ApiKeySettings = SettingsOf<typeof apiKeySettings>;
