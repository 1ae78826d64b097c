import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { KeyFetcher, keyFetcher } from "../http/keyFetcher";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { BearerIdentity, DEFAULT_GROUPS_CLAIM, claimAt, groupsFromTokenClaim, parseScopes } from "../principal";
import type { AuthorizerSettings } from "../contract/authorizer";
import { TokenRefused } from "./faults";
import { COGNITO_ISSUER, jwksUriOf } from "./discovery";

/** Verifies a bearer token; resolves to the caller's identity, rejects on anything wrong. */
export type TokenVerifier = (token: string) => Promise<BearerIdentity>;

/**
 * Whether a verified payload was issued for one of `audiences`: by `aud` (a string or a list, RFC
 * 7519 §4.1.3) when the token has one, else by Cognito's `client_id` (its access tokens carry no
 * `aud`). A token whose `aud` names another API never passes on its `client_id`, `azp` or `cid`:
 * those name the client that asked, not the audience (OIDC Core §2, RFC 9068 §3).
 */
export function issuedFor(payload: Record<string, unknown>, audiences: readonly string[]): boolean {
  const aud = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
  return aud.some((a) => typeof a === "string" && audiences.includes(a));
}

/**
 * aws-jwt-verify's JwtVerifier: signature against the issuer's JWKS (cached across invocations,
 * fetched again on an unknown kid), `iss`, `exp`/`nbf`; then what Cognito tokens need on top:
 * `token_use`, and the app client in `aud` (ID tokens) or `client_id` (access tokens).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *
 * The JWKS is at `jwksUri` when set, else found once per container (discovery.ts: Cognito's
 * documented place, or the issuer's OpenID discovery document), with the same fetcher and deadline
 * as the keys; a failed look-up is tried again by the next token, never remembered.
 */
export function createTokenVerifier(
  s: Pick<AuthorizerSettings, "issuer" | "jwksUri" | "audiences" | "tokenUse" | "groupsClaim" | "cognitoIssuer">,
  fetcher: KeyFetcher = keyFetcher(),
): TokenVerifier {
  // Where groups come from: the claim the stack names for an external issuer (groupsClaim); a
  // Cognito pool's own `cognito:groups` (the stack's pool, or any pool by AWS's issuer form);
  // else nowhere: an external issuer's `cognito:groups` is a claim like any other, and must not
  // put its users on a tier (or in a group) until the stack says which claim means groups.
  const groupsClaim =
    s.groupsClaim ?? (s.issuer === s.cognitoIssuer || COGNITO_ISSUER.test(s.issuer) ? DEFAULT_GROUPS_CLAIM : undefined);
  const jwksCache = new SimpleJwksCache({ fetcher });
  const create = (jwksUri: string) =>
    JwtVerifier.create(
      {
        issuer: s.issuer,
        jwksUri,
        audience: null,
        customJwtCheck: ({ payload }) => {
          if (s.tokenUse !== "any" && payload.token_use !== s.tokenUse)
            throw new TokenRefused(`token_use must be ${s.tokenUse}`);
          if (!issuedFor(payload, s.audiences)) throw new TokenRefused("issued to another client");
        },
      },
      { jwksCache },
    );
  let ready: Promise<ReturnType<typeof create>> | undefined;
  const verifier = () =>
    (ready ??= jwksUriOf(s, fetcher)
      .then(create)
      .catch((err) => {
        ready = undefined;
        throw err;
      }));
  return async (token) => {
    const p = (await (await verifier()).verify(token)) as JwtPayload & Record<string, unknown>;
    if (typeof p.sub !== "string" || p.sub === "") throw new TokenRefused("no sub");
    return {
      sub: p.sub,
      iss: typeof p.iss === "string" ? p.iss : undefined,
      clientId: typeof p.client_id === "string" ? p.client_id : undefined,
      username:
        typeof p.username === "string"
          ? p.username
          : typeof p["cognito:username"] === "string"
            ? (p["cognito:username"] as string)
            : undefined,
      groups: groupsClaim === undefined ? [] : groupsFromTokenClaim(claimAt(p, groupsClaim)),
      // OAuth's `scope` (RFC 9068, Cognito, Keycloak); Okta and Entra ID name it `scp`.
      scopes: parseScopes(p.scope ?? p.scp),
      exp: typeof p.exp === "number" && Number.isFinite(p.exp) ? p.exp : undefined,
      // The sign-in session (Cognito's origin_jti) and the app client it was issued to (access: client_id, ID: aud).
      originJti: typeof p.origin_jti === "string" ? p.origin_jti : undefined,
      appClient: typeof p.client_id === "string" ? p.client_id : typeof p.aud === "string" ? p.aud : undefined,
    };
  };
}
