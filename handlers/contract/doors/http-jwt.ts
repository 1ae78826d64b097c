import { SettingsOf, optional, settings } from "../settings";
import { allowedClientIds } from "./clientIds";

/** What the `http-jwt` door's component hands the handler (handlers/doors/http-jwt.ts). */
export const httpJwtSettings = settings({
  allowedClientIds,
  /** The scope that admin routes need. */
  adminScope: optional("ADMIN_SCOPE"),
  /**
   * An external issuer's groups claim (`groupsClaim`): its users are then admin by the admin group
   * too. A top-level claim name only: the HTTP API passes claims to the integration flattened.
   */
  groupsClaim: optional("GROUPS_CLAIM"),
});
export type HttpJwtSettings = SettingsOf<typeof httpJwtSettings>;
