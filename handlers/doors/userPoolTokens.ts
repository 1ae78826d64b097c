import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal, groupsFromRestClaim, isCognitoSub, restClaimEpoch, sessionOf } from "../principal";
import type { StackEnv } from "../contract/stack";
import { Log, consoleLog } from "../log";
import { TokenVerifier, createTokenVerifier } from "../authorizer/verify";
import type { KeyFetcher } from "../http/keyFetcher";
import type { ApiRequest } from "../http/request";

/**
 * What a door that reads user pool claims keeps per container: a verifier of our pool's ID tokens
 * (absent when the stack names no pool issuer), used only to resolve an ambiguous groups claim.
 */
export interface UserPoolState {
  idTokens?: TokenVerifier;
  log: Log;
}

/**
 * The verifier of our pool's ID tokens, built once per container (doors' `init`): aws-jwt-verify
 * through handlers/authorizer/verify.ts, the same one the ALB door uses for our pool's access
 * tokens: the signature with the keys at `<issuer>/.well-known/jwks.json` (where a Cognito user
 * pool publishes them:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
 * fetched by handlers/http/keyFetcher.ts (deadline, http on loopback for local mode, whose pool
 * issuer is `http://127.0.0.1:<port>/<poolId>` and serves that path), `iss` = the stack's pool,
 * `exp`, `token_use` id and `aud` one of our app clients. No key is fetched until a claim needs it.
 */
export function userPoolState(
  stack: StackEnv,
  clientIds: string[],
  opts: { fetcher?: KeyFetcher; log?: Log } = {},
): UserPoolState {
  const log = opts.log ?? consoleLog;
  if (stack.cognitoIssuer === undefined || clientIds.length === 0) return { log };
  return {
    log,
    idTokens: createTokenVerifier(
      { issuer: stack.cognitoIssuer, cognitoIssuer: stack.cognitoIssuer, audiences: clientIds, tokenUse: "id" },
      opts.fetcher,
    ),
  };
}

/**
 * A REST COGNITO_USER_POOLS authorizer's claims: ID tokens of our app clients, from our pool,
 * only. API Gateway checks signature, issuer and expiry but not the client, so the audience is
 * pinned here; the issuer is required to be ours too, and the sub to be a Cognito UUID. The
 * claims are the authorizer's (it verified the token in the Authorization header and passes its
 * claims flattened to strings): https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html
 *
 * Groups come from those claims (groupsFromRestClaim). A claim without a comma is exact and is
 * used as it is, with no key fetched. A comma-joined claim is ambiguous (two groups, or one whose
 * name holds a comma), so the list is taken from the token itself, but only once its signature is
 * verified with our pool's keys (resolveAmbiguousGroups); otherwise it is the safe reading: the
 * groups listed, never an admin.
 */
export async function fromUserPoolClaims(
  req: ApiRequest,
  clientIds: string[],
  stack: StackEnv,
  state?: UserPoolState,
): Promise<Principal> {
  const event = req.event as APIGatewayProxyEvent;
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || !isCognitoSub(claims.sub)) throw new Unauthorized();
  if (claims.token_use !== "id") throw new Unauthorized("an ID token is required");
  if (typeof claims.aud !== "string" || !clientIds.includes(claims.aud))
    throw new Unauthorized("token was issued to another client");
  if (stack.cognitoIssuer !== undefined && claims.iss !== stack.cognitoIssuer)
    throw new Unauthorized("token from another issuer");
  const claim = claims["cognito:groups"];
  const read = groupsFromRestClaim(claim);
  const exact = read.ambiguous
    ? await resolveAmbiguousGroups(req.headers.authorization, claims, claim as string, state ?? { log: consoleLog })
    : read.groups;
  const groups = exact ?? read.groups;
  // The sign-in session, from the authorizer's claims only (their `exp` a date string: restClaimEpoch).
  const session = sessionOf(
    { iss: claims.iss, originJti: claims.origin_jti, exp: restClaimEpoch(claims.exp), clientId: claims.aud },
    stack.cognitoIssuer,
  );
  return {
    id: claims.sub,
    kind: "user",
    door: stack.authMode,
    groups,
    scopes: [],
    isAdmin: exact !== undefined && groups.includes(stack.adminGroup),
    ...(session ? { session } : {}),
  };
}

/**
 * The exact groups behind an ambiguous (comma-joined) claim, or undefined. The token of the
 * Authorization header (there is one: repeated headers were refused with 401, handlers/http/request.ts) counts only
 * if it is the token the authorizer verified: signed by our pool's keys, the same `sub` and `jti`
 * as the claims, and its `cognito:groups` list joined with "," equal to the claim exactly. Any
 * difference, or a failed verification, gives undefined and a warn line saying why (never the token).
 */
async function resolveAmbiguousGroups(
  header: string | undefined,
  claims: Record<string, unknown>,
  claim: string,
  state: UserPoolState,
): Promise<string[] | undefined> {
  const refuse = (reason: string) => {
    state.log({ level: "warn", message: "ambiguous cognito:groups claim read without admin", reason });
    return undefined;
  };
  if (!state.idTokens) return refuse("no user pool issuer to verify the token with");
  // The authorizer's identity source is the Authorization header: the raw token (a "Bearer " prefix tolerated).
  const token = header?.replace(/^Bearer /, "");
  if (!token) return refuse("no Authorization header");
  // Checked before any key is fetched, so a token that could never match costs no fetch.
  const payload = unverifiedPayload(token);
  if (!payload) return refuse("the Authorization header is not a JWT");
  const listed = payload["cognito:groups"];
  if (!Array.isArray(listed) || !listed.every((g) => typeof g === "string") || listed.join(",") !== claim)
    return refuse("the token's groups differ from the claim");
  if (payload.sub !== claims.sub || typeof payload.jti !== "string" || payload.jti !== claims.jti)
    return refuse("the token is not the one the authorizer verified (sub or jti differ)");
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= Date.now()) return refuse("the token has expired");
  let verified: Awaited<ReturnType<TokenVerifier>>;
  try {
    verified = await state.idTokens(token);
  } catch (err) {
    return refuse(`the token did not verify with the pool's keys: ${err instanceof Error ? err.name : "error"}`);
  }
  // The signature covers the payload read above; the verifier's own reading must agree with it.
  if (verified.sub !== claims.sub) return refuse("the verified token is another user's");
  if (verified.groups.join(",") !== claim || verified.groups.length !== listed.length)
    return refuse("the verified token's groups differ from the claim");
  return verified.groups;
}

function unverifiedPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const value = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
