import { SettingsOf, optional, settings, text } from "../settings";

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
});
export type AlbOidcSettings = SettingsOf<typeof albOidcSettings>;
