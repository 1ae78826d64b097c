import type { KeyFetcher } from "../http/keyFetcher";

/**
 * A Cognito user pool issuer, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, whose keys
 * AWS documents at `<issuer>/.well-known/jwks.json`: no discovery round trip on a cold start.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 */
export const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[\w-]+$/;

/**
 * OpenID Connect Discovery 1.0 §4.1: the configuration is at the issuer with any terminating `/`
 * removed, then `/.well-known/openid-configuration`.
 * https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export const discoveryUri = (issuer: string) => `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;

/**
 * The issuer's `jwks_uri` from its discovery document, fetched with the key fetcher (same deadline,
 * no redirects). §4.3: the document's `issuer` MUST be identical to the issuer it was fetched for,
 * else it is refused (a document for another issuer names another issuer's keys). The keys must be
 * on https, or on http only when the issuer itself is (a loopback issuer in local mode and tests):
 * an https issuer never sends us to plain http for its keys.
 */
export async function discoverJwksUri(issuer: string, fetcher: KeyFetcher): Promise<string> {
  const body = new TextDecoder().decode(await fetcher.fetch(discoveryUri(issuer)));
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    doc = JSON.parse(body);
  } catch {
    throw new Error("the discovery document is not JSON");
  }
  if (doc?.issuer !== issuer) throw new Error("the discovery document is for another issuer");
  if (typeof doc.jwks_uri !== "string") throw new Error("the discovery document has no jwks_uri");
  const uri = new URL(doc.jwks_uri);
  const allowed = uri.protocol === "https:" || (uri.protocol === "http:" && new URL(issuer).protocol === "http:");
  if (!allowed) throw new Error("the discovery document's jwks_uri is not https");
  return uri.href;
}

/** Where the issuer's signing keys are: the configured override, Cognito's documented place, else discovery. */
export async function jwksUriOf(s: { issuer: string; jwksUri?: string }, fetcher: KeyFetcher): Promise<string> {
  if (s.jwksUri) return s.jwksUri;
  if (COGNITO_ISSUER.test(s.issuer)) return `${s.issuer}/.well-known/jwks.json`;
  return discoverJwksUri(s.issuer, fetcher);
}
