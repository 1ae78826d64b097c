import { JwtVerifier } from "aws-jwt-verify";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { KeyFetcher, keyFetcher } from "../http/keyFetcher";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { BearerIdentity, groupsFromTokenClaim, parseScopes } from "../principal";
import type { AuthorizerSettings } from "./settings";
import { TokenRefused } from "./faults";

/** Verifies a bearer token; resolves to the caller's identity, rejects on anything wrong. */
export type TokenVerifier = (token: string) => Promise<BearerIdentity>;

/**
 * aws-jwt-verify's JwtVerifier: signature against the issuer's JWKS (cached across invocations,
 * fetched again on an unknown kid), `iss`, `exp`/`nbf`; then what Cognito tokens need on top:
 * `token_use`, and the app client in `aud` (ID tokens) or `client_id` (access tokens).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
export function createTokenVerifier(s: Pick<AuthorizerSettings, "issuer" | "jwksUri" | "audiences" | "tokenUse">, fetcher: KeyFetcher = keyFetcher()): TokenVerifier {
  const verifier = JwtVerifier.create(
    {
      issuer: s.issuer,
      jwksUri: s.jwksUri ?? `${s.issuer.replace(/\/+$/, "")}/.well-known/jwks.json`,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (s.tokenUse !== "any" && payload.token_use !== s.tokenUse) throw new TokenRefused(`token_use must be ${s.tokenUse}`);
        const audience = [payload.client_id, ...[payload.aud ?? []].flat()].filter((a): a is string => typeof a === "string");
        if (!audience.some((a) => s.audiences.includes(a))) throw new TokenRefused("issued to another client");
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  return async (token) => {
    const p = (await verifier.verify(token)) as JwtPayload & Record<string, unknown>;
    if (typeof p.sub !== "string" || p.sub === "") throw new TokenRefused("no sub");
    return {
      sub: p.sub,
      iss: typeof p.iss === "string" ? p.iss : undefined,
      clientId: typeof p.client_id === "string" ? p.client_id : undefined,
      username: typeof p.username === "string" ? p.username : typeof p["cognito:username"] === "string" ? (p["cognito:username"] as string) : undefined,
      groups: groupsFromTokenClaim(p["cognito:groups"]),
      scopes: parseScopes(p.scope),
    };
  };
}
