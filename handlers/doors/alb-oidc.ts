import { Unauthorized } from "../http/errors";
import { DEFAULT_GROUPS_CLAIM, claimAt, groupsFromTokenClaim, isCognitoSub } from "../principal";
import type { HandlerDoor } from "./door";
import { AlbIdentityVerifier, createAlbVerifier } from "./albVerifier";
import { TokenVerifier, createTokenVerifier } from "../authorizer/verify";
import { AlbOidcSettings, albOidcSettings } from "../contract/doors/alb-oidc";

/** What the door keeps per container: the ALB header verifier, and the access-token verifier of our pool. */
export interface AlbDoorState {
  identity: AlbIdentityVerifier;
  /** Our user pool's access tokens for the ALB's client (absent with an external IdP). */
  accessToken?: TokenVerifier;
}

/**
 * `alb-oidc`: an ALB target event; the caller is the signed x-amzn-oidc-data header, verified
 * here (the ALB is not the only way to reach a function), never x-amzn-oidc-identity.
 *
 * Groups: x-amzn-oidc-data carries the IdP's user-info claims, and Cognito's user info has user
 * attributes only, no `cognito:groups`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html). The ALB
 * also forwards the access token from the token endpoint in x-amzn-oidc-accesstoken
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html),
 * and Cognito puts the groups there. So with our pool the groups come from that token, verified
 * (our pool's keys and issuer, `token_use` access, the ALB's client) and only for the same `sub`
 * as the signed header; a missing or bad token means no groups, never a refusal of the user.
 * With an external IdP, groups are what its user info says in `groupsClaim` (default
 * cognito:groups), and they make an admin only when the operator named that claim.
 */
export const albOidcDoor: HandlerDoor<AlbOidcSettings, AlbDoorState> = {
  shape: "alb",
  // The ALB's session cookie goes with every request the browser makes, from any site.
  ambientCredentials: true,
  // An ALB has no CORS support: its OPTIONS rule (components/doors/alb-oidc) forwards preflights here.
  answersPreflight: true,
  settings: albOidcSettings,
  init: (s, stack) => ({
    identity: createAlbVerifier({
      albArn: s.albArn,
      issuer: s.issuer,
      clientId: s.clientId,
      keyEndpoint: s.keyEndpoint,
    }),
    ...(stack.cognitoIssuer !== undefined && s.issuer === stack.cognitoIssuer
      ? {
          accessToken: createTokenVerifier({
            issuer: stack.cognitoIssuer,
            cognitoIssuer: stack.cognitoIssuer,
            audiences: [s.clientId],
            tokenUse: "access",
          }),
        }
      : {}),
  }),
  async principal(req, s, stack, state) {
    const token = req.headers["x-amzn-oidc-data"];
    if (!token || !state) throw new Unauthorized();
    const claims = await state.identity.verify(token);
    const fromOurPool = stack.cognitoIssuer !== undefined && claims.iss === stack.cognitoIssuer;
    if (fromOurPool && !isCognitoSub(claims.sub)) throw new Unauthorized();
    const groups = fromOurPool
      ? await accessTokenGroups(req.headers["x-amzn-oidc-accesstoken"], claims.sub, state.accessToken)
      : groupsFromTokenClaim(claimAt(claims, s.groupsClaim ?? DEFAULT_GROUPS_CLAIM));
    const groupsCount = fromOurPool || s.groupsClaim !== undefined;
    return {
      id: fromOurPool ? claims.sub : `oidc:${claims.sub}`,
      kind: "user",
      door: "alb-oidc",
      groups,
      scopes: [],
      isAdmin: groupsCount && groups.includes(stack.adminGroup),
    };
  },
};

/** The groups in our pool's access token that the ALB forwarded, if it verifies and is the same user's. */
async function accessTokenGroups(
  token: string | undefined,
  sub: string,
  verify: TokenVerifier | undefined,
): Promise<string[]> {
  if (!token || !verify) return [];
  try {
    const identity = await verify(token);
    return identity.sub === sub ? identity.groups : [];
  } catch {
    return [];
  }
}
