/**
 * Sign-out that every token door honours (`revocation: true`): `POST /me/sign-out` records the caller's sign-in
 * session in the revoked sessions table (handlers/sessions/revocations.ts) and, when the body hands the session's
 * refresh token, revokes it at Cognito (RevokeToken); from then on every request of that session is refused
 * (refuseSignedOut), at every door whose principal carries a session (handlers/principal.ts `Session`).
 */
import * as v from "valibot";
import type { ApiRequest, ApiResponse } from "../http/request";
import { BadRequest, HttpError, NotFound, ServiceUnavailable, Unauthorized } from "../http/errors";
import type { Principal } from "../principal";
import { parseBody } from "../notes/schema";
import { AwsServiceError } from "../notes/aws";
import { ALB_LOGOUT_ROUTE } from "../contract/routeTable";
import { SessionRevocations } from "./revocations";
import { REFRESH_TOKEN_PATTERN, RevokeToken } from "./revokeToken";

/** What the handler needs for revocation (built from RevocationEnv, handlers/env.ts); absent: revocation is off. */
export interface RevocationDeps {
  store: SessionRevocations;
  revokeToken: RevokeToken;
  /** The refresh token lifetime, in seconds. */
  refreshSeconds: number;
}

/** The one answer to a request of a signed-out session. */
export const SIGNED_OUT_MESSAGE = "this sign-in session was signed out";

/**
 * Refuses (401) a principal whose sign-in session was signed out; a principal without a session (machines, API keys,
 * SigV4 callers, another issuer's users, the ALB's) is never looked up. At most one keyed read: none when this
 * container knows the session is signed out, nor when our Lambda authorizer read it for this request
 * (`checkedThisRequest`, whatever `revocationCacheSeconds`) or less than `revocationCacheSeconds` ago (`checkedAt`; a
 * cached authorizer answer carries its old time and is read again).
 * A read that fails is a 503 (RevocationUnavailable), never an admission.
 */
export async function refuseSignedOut(who: Principal, deps: RevocationDeps | undefined, nowMs: number): Promise<void> {
  const session = who.session;
  if (!deps || !session) return;
  if (deps.store.knownRevoked(session.id)) throw new Unauthorized(SIGNED_OUT_MESSAGE);
  // The authorizer read the record for this very request: reading it again tells nothing newer (and with
  // revocationCacheSeconds 0 would be a second read per request).
  if (session.checkedThisRequest) return;
  const age = session.checkedAt === undefined ? undefined : nowMs - session.checkedAt;
  if (age !== undefined && age >= 0 && age < deps.store.cacheSeconds * 1000) return;
  if (await deps.store.isRevoked(session.id)) throw new Unauthorized(SIGNED_OUT_MESSAGE);
}

/** POST /me/sign-out: an empty body, or the session's refresh token (RevokeToken's Token pattern). */
export const SignOutRequest = v.strictObject({
  refreshToken: v.optional(
    v.pipe(v.string(), v.regex(REFRESH_TOKEN_PATTERN, "must be a refresh token (letters, digits, - _ = .)")),
  ),
});

/** How a credential without a sign-in session is ended, in its door's own way. */
export function noSessionAdvice(who: Principal): string {
  const base = "this credential has no sign-in session to revoke";
  if (who.door === "alb-oidc") return `${base}: sign out of the load balancer's session at ${ALB_LOGOUT_ROUTE.path}`;
  if (who.door === "iam")
    return (
      `${base}: SigV4 credentials end when they expire (at most an hour); the identity pool stops issuing ` +
      "new ones only after a global sign-out (GlobalSignOut) or once the ID token expires"
    );
  if (who.door === "api-key" && who.kind === "machine")
    return `${base}: an API key ends when it is disabled or removed (apiKeyClients)`;
  if (who.kind === "machine")
    return `${base}: a client-credentials token ends at its exp; rotate the client's secret to get no new ones`;
  if (who.id.startsWith("oidc:")) return `${base}: sign out at the identity provider that issued the token`;
  return `${base}: the token carries no origin_jti (its app client has token revocation off)`;
}

/**
 * Records the caller's session as signed out, then revokes the refresh token the body hands (if any) at Cognito with
 * the verified token's app client. Tokens of one session share its `origin_jti`, and a refresh mints new ones of the
 * same session with a later `exp`; so the session is refused for the refresh token's lifetime (never shorter than the
 * presented token's `exp`, where the door read one), whether or not RevokeToken succeeds: nothing ties the body's
 * refresh token to the caller's session (RevokeToken takes any refresh token of the app client, and revoking one does
 * not touch the client's other sessions), so a success proves nothing about this session, and the record is never
 * shortened for it. The record is written before RevokeToken is called, so a Cognito refusal (400, Cognito's message)
 * or fault (503) leaves the session signed out. A session already signed out (app.ts lets it reach this route) writes
 * nothing: it may only retry RevokeToken, and is answered with its record's time.
 */
export async function signOut(
  req: ApiRequest,
  who: Principal,
  deps: { revocation?: RevocationDeps; now: () => Date },
): Promise<ApiResponse> {
  const r = deps.revocation;
  if (!r) throw new NotFound("POST /me/sign-out needs revocation: this stack runs with notes-auth:revocation false");
  const session = who.session;
  if (!session) throw new BadRequest(noSessionAdvice(who));
  const input =
    req.body === undefined || req.body === "" ? {} : parseBody(SignOutRequest, req.body, req.headers["content-type"]);
  if (input.refreshToken !== undefined && !session.clientId)
    throw new BadRequest("refreshToken: the token names no app client to revoke it with");
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const until =
    (await r.store.revokedUntil(session.id)) ??
    (await r.store.revoke(session.id, Math.max(nowSeconds + r.refreshSeconds, session.exp ?? 0)));
  const answer = (refreshTokenRevoked: boolean): ApiResponse => ({
    status: 200,
    body: {
      signedOut: true,
      session: session.id,
      refusedUntil: new Date(until * 1000).toISOString(),
      refreshTokenRevoked,
    },
  });
  if (input.refreshToken === undefined) return answer(false);
  const signedOut = `the session is signed out until ${new Date(until * 1000).toISOString()}, but its refresh token`;
  try {
    await r.revokeToken(input.refreshToken, session.clientId!);
  } catch (err) {
    if (err instanceof AwsServiceError && err.status >= 400 && err.status < 500)
      throw new HttpError(400, `refreshToken: ${signedOut} was not revoked: ${err.message}`);
    throw new ServiceUnavailable(`${signedOut} could not be revoked (Cognito is not answering); sign out again`, 1, {
      cause: err,
    });
  }
  return answer(true);
}
