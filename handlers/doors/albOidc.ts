import { Unauthorized } from "../http/errors";
import { groupsFromTokenClaim, isCognitoSub } from "../principal";
import { SettingsOf, optional, settings, text } from "../settings";
import type { HandlerDoor } from "./door";
import { AlbIdentityVerifier, createAlbVerifier } from "./albVerifier";

export const albOidcSettings = settings({
  /** THIS load balancer: the only accepted `signer`. */
  albArn: text("ALB_ARN"),
  /** The IdP issuer the ALB authenticates against. */
  issuer: text("ALB_ISSUER"),
  /** The OIDC client the ALB uses. */
  clientId: text("ALB_CLIENT_ID"),
  /** Where the ALB's public keys are (<base>/<kid>); unset: the regional endpoint AWS documents. */
  keyEndpoint: optional("ALB_KEY_ENDPOINT"),
});
export type AlbOidcSettings = SettingsOf<typeof albOidcSettings>;

/**
 * `alb-oidc`: an ALB target event; the caller is the signed x-amzn-oidc-data header, verified
 * here (the ALB is not the only way to reach a function), never x-amzn-oidc-identity.
 */
export const albOidcDoor: HandlerDoor<AlbOidcSettings, AlbIdentityVerifier> = {
  shape: "alb",
  settings: albOidcSettings,
  init: (s) => createAlbVerifier({ albArn: s.albArn, issuer: s.issuer, clientId: s.clientId, keyEndpoint: s.keyEndpoint }),
  async principal(req, _s, stack, verifier) {
    const token = req.headers["x-amzn-oidc-data"];
    if (!token || !verifier) throw new Unauthorized();
    const claims = await verifier.verify(token);
    const groups = groupsFromTokenClaim(claims["cognito:groups"]);
    const fromOurPool = stack.cognitoIssuer !== undefined && claims.iss === stack.cognitoIssuer;
    if (fromOurPool && !isCognitoSub(claims.sub)) throw new Unauthorized();
    return { id: fromOurPool ? claims.sub : `oidc:${claims.sub}`, kind: "user", door: "alb-oidc", groups, scopes: [], isAdmin: groups.includes(stack.adminGroup) };
  },
};
