import { SettingsOf, optional, settings, text } from "../settings";

/** The load balancer's session cookie (`sessionCookieName`), sharded as `<name>-0`, `<name>-1`, … */
export const ALB_SESSION_COOKIE = "notes-auth-session";

/** What the `alb-oidc` door's component hands the handler (handlers/doors/alb-oidc.ts). */
export const albOidcSettings = settings({
  /** THIS load balancer: the only accepted `signer`. */
  albArn: text("ALB_ARN"),
  /** The IdP issuer the ALB authenticates against. */
  issuer: text("ALB_ISSUER"),
  /** The OIDC client the ALB uses. */
  clientId: text("ALB_CLIENT_ID"),
  /** Where the ALB's public keys are (<base>/<kid>); unset: the regional endpoint AWS documents. */
  keyEndpoint: optional("ALB_KEY_ENDPOINT"),
  /** An external IdP's groups claim in its user info (`groupsClaim`): its users are then admin by the admin group. */
  groupsClaim: optional("GROUPS_CLAIM"),
  /**
   * Where the logout route sends the browser once the session cookies are expired: the user pool's logout endpoint
   * (client_id and logout_uri), an external IdP's end_session endpoint, or the door's own root.
   */
  logoutUrl: optional("ALB_LOGOUT_URL"),
});
export type AlbOidcSettings = SettingsOf<typeof albOidcSettings>;
