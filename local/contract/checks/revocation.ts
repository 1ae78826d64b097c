import * as assert from "assert";
import { performance } from "perf_hooks";
import { doorToken, signIn } from "../../clients/doorClient";
import { TokenSet, decodeJwt } from "../../clients/oauth";
import { Check, notAbout } from "../check";
import { ContractContext, Reply, expectStatus } from "../context";
import { presents } from "../facts";

/**
 * Sign-out that stops access (`revocation`, issue 24): `POST /me/sign-out` ends the caller's sign-in session (its
 * `origin_jti`, which Cognito puts in every ID and access token of one sign-in), and the door then refuses that
 * session's tokens, within the per-container cache's seconds; without `revocation`, a signed-out token is
 * accepted until its exp. Each check measures the window it saw and records it (ctx.measure), so
 * `npm run compare -- --measure-revocation` can write it down (tools/compare/revocation.ts).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html
 */

/** Revocation as the door publishes it: on, with the seconds a container may trust its cached answer. */
export interface RevocationFacts {
  cacheSeconds: number;
}

/** The check ids, for a runner that runs only these (tools/compare's measurement). */
export const REVOCATION_CHECK_IDS = ["revocation-sign-out", "revocation-off", "revocation-cached-authorizer"] as const;

/** What a revocation check measured at a door, as ctx.measure records it. */
export type RevocationMeasurement =
  | {
      /** With revocation: the signed-out session was refused. */
      outcome: "refused";
      /** ms from the sign-out's answer to the first 401 (the answer's arrival). */
      refusedAfterMs: number;
      /** Calls the door still accepted in between. */
      acceptedCalls: number;
      /** The bound the check held the door to: revocationCacheSeconds + 2 s. */
      boundMs: number;
      cacheSeconds: number;
      /** The refresh token handed to the sign-out no longer refreshes. */
      refreshRefused: boolean;
      /** A token of another sign-in of the same user is still accepted. */
      otherSessionAccepted: boolean;
    }
  | {
      /** With revocation at a Lambda authorizer's door: refused while the gateway's cached Allow still held. */
      outcome: "refused-despite-cached-allow";
      refusedAfterMs: number;
      /** How long the gateway caches the authorizer's answer (client.authorizerCacheSeconds). */
      authorizerCacheSeconds: number;
      /** ms from the first call (the answer API Gateway cached) to the refusal. */
      sinceAllowCachedMs: number;
    }
  | {
      /** Without revocation: the signed-out token was still accepted for as long as the check watched. */
      outcome: "accepted";
      /** How long the check watched after the sign-out (and the client's own RevokeToken). */
      watchedMs: number;
      acceptedCalls: number;
      /** Seconds from the last accepted call to the token's exp: until then the door accepts it. */
      expInSeconds: number;
    };

/** Every how many ms a check asks again whether a signed-out token is refused. */
const POLL_MS = 100;
/** How long the window may exceed the per-container cache (a call's time, the clock). */
const SLACK_MS = 2000;
/** How long the checks watch a signed-out token the door still accepts, unless the options say. */
export const DEFAULT_WATCH_SECONDS = 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the door honours sign-out, and its cache, as the outputs say (the door's `client.revocation`, deployed
 * or local); undefined: off.
 */
export function revocationOf(ctx: ContractContext): RevocationFacts | undefined {
  return ctx.outputs.client?.revocation;
}

/** Why a revocation check cannot run: the door takes no token (listed at every door, as the token checks are). */
const tokenDoor = (ctx: ContractContext) =>
  ctx.takesTokens
    ? undefined
    : `the ${ctx.mode} door takes no token (clients present ${presents(ctx.facts.credential)})`;

const revocationOn = (ctx: ContractContext) =>
  revocationOf(ctx) ? undefined : "revocation is off at this door (see revocation-off)";
const revocationOff = (ctx: ContractContext) =>
  revocationOf(ctx) ? "revocation is on at this door (see revocation-sign-out)" : undefined;

/** A sign-in of its own (not ctx.signIn's, which other checks share): its tokens and how the door takes them. */
async function freshSession(ctx: ContractContext) {
  const party = ctx.parties.a;
  const tokens = (await signIn(ctx.outputs, party.user!, {
    cognitoDomain: ctx.options.cognitoDomain,
    callbackUrl: ctx.options.callbackUrl,
  })) as TokenSet & { refresh_token?: string };
  const token = doorToken(ctx.outputs, tokens);
  const claims = decodeJwt(token);
  assert.ok(claims.origin_jti, "the pool's token carries its sign-in session (origin_jti)");
  return { tokens, token, claims, auth: ctx.withToken(token, party), refreshToken: tokens.refresh_token };
}

/** The user pool's token endpoint the door's users sign in at. */
function tokenEndpoint(ctx: ContractContext): string {
  const domain = ctx.options.cognitoDomain?.replace(/\/$/, "");
  const endpoint =
    ctx.outputs.local?.idp?.tokenEndpoint ?? ctx.outputs.client.tokenEndpoint ?? (domain && `${domain}/oauth2/token`);
  if (!endpoint) throw new Error("the outputs name no token endpoint: pass --cognito-domain");
  return String(endpoint);
}

/**
 * Whether a refresh token still refreshes at the pool's token endpoint (grant_type refresh_token): true, or the
 * endpoint's OAuth error (`invalid_grant` for a revoked one).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
async function refreshes(ctx: ContractContext, refreshToken: string): Promise<true | string> {
  const res = await fetch(tokenEndpoint(ctx), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: String(ctx.outputs.client.userPoolClientId),
      refresh_token: refreshToken,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return res.ok || `${res.status} ${body.error ?? ""}`.trim();
}

/** Fails unless a refresh token refreshes now (so that its refusal later is the revocation's). */
async function expectRefreshes(ctx: ContractContext, refreshToken: string): Promise<void> {
  const r = await refreshes(ctx, refreshToken);
  assert.equal(r, true, `the session's refresh token refreshes before the sign-out: ${r}`);
}

/** Whether a refresh token is refused as revoked (400 invalid_grant). */
const refusedAsRevoked = async (ctx: ContractContext, refreshToken: string) =>
  (await refreshes(ctx, refreshToken)) === "400 invalid_grant";

/** POST /me/sign-out with the session's token, handing its refresh token. */
function signOut(ctx: ContractContext, s: Awaited<ReturnType<typeof freshSession>>): Promise<Reply> {
  return ctx.call("/me/sign-out", {
    method: "POST",
    auth: s.auth,
    body: s.refreshToken ? { refreshToken: s.refreshToken } : {},
  });
}

/** Calls /me until the door refuses (401); fails once `boundMs` pass without a refusal. */
async function untilRefused(
  ctx: ContractContext,
  auth: Awaited<ReturnType<typeof freshSession>>["auth"],
  boundMs: number,
) {
  const start = performance.now();
  for (let accepted = 0; ; accepted++) {
    const r = await ctx.call("/me", { auth });
    const afterMs = performance.now() - start;
    if (r.status === 401) return { afterMs, accepted, reply: r };
    expectStatus(r, 200, `/me ${Math.round(afterMs)} ms after the sign-out`);
    if (afterMs > boundMs)
      assert.fail(
        `the signed-out session is still accepted ${Math.round(afterMs)} ms after the sign-out answered ` +
          `(bound: ${boundMs} ms, revocationCacheSeconds + ${SLACK_MS / 1000} s)`,
      );
    await sleep(POLL_MS);
  }
}

const ms = (v: number) => Math.round(v * 10) / 10;

export const REVOCATION_CHECKS: readonly Check[] = [
  {
    id: "revocation-sign-out",
    title:
      "given revocation on and a fresh sign-in, when the user signs out handing the refresh token, then the door " +
      "refuses the session's token within revocationCacheSeconds + 2 s, the refresh token no longer refreshes, " +
      "and a token of another sign-in of the same user still works",
    skip: (ctx) => tokenDoor(ctx) ?? revocationOn(ctx),
    async run(ctx) {
      const { cacheSeconds } = revocationOf(ctx)!;
      const other = ctx.withToken(doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!)), ctx.parties.a);
      const s = await freshSession(ctx);
      expectStatus(await ctx.call("/me", { auth: s.auth }), 200, "/me before the sign-out");
      if (s.refreshToken) await expectRefreshes(ctx, s.refreshToken);
      const out = await signOut(ctx, s);
      expectStatus(out, 200, "POST /me/sign-out");
      assert.equal(out.json?.signedOut, true, `the sign-out's answer: ${out.text}`);
      assert.equal(out.json?.session, s.claims.origin_jti, "the session it ended is the token's origin_jti");
      assert.equal(out.json?.refreshTokenRevoked, !!s.refreshToken, "the refresh token handed is revoked");
      const boundMs = (cacheSeconds * 1000 || 0) + SLACK_MS;
      const refused = await untilRefused(ctx, s.auth, boundMs);
      const refreshRefused = s.refreshToken ? await refusedAsRevoked(ctx, s.refreshToken) : false;
      if (s.refreshToken) assert.ok(refreshRefused, "the signed-out session's refresh token still refreshes");
      expectStatus(await ctx.call("/me", { auth: other }), 200, "another sign-in of the same user, after the sign-out");
      ctx.measure("revocation-sign-out", {
        outcome: "refused",
        refusedAfterMs: ms(refused.afterMs),
        acceptedCalls: refused.accepted,
        boundMs,
        cacheSeconds,
        refreshRefused,
        otherSessionAccepted: true,
      } satisfies RevocationMeasurement);
    },
  },
  {
    id: "revocation-cached-authorizer",
    title:
      "given revocation on at a Lambda authorizer's door, when a user signs out while API Gateway still caches " +
      "the authorizer's Allow for their token, then the handler refuses the session (401) all the same",
    whyNotAbout: (facts) =>
      facts.authorizer === "lambda"
        ? undefined
        : notAbout(
            facts,
            "a Lambda authorizer's cached answer (client.authorizerCacheSeconds)",
            "no Lambda authorizer",
          ),
    skip: revocationOn,
    async run(ctx) {
      const authorizerCacheSeconds = Number(ctx.outputs.client.authorizerCacheSeconds);
      assert.ok(authorizerCacheSeconds > 0, "the authorizer's answer is cached (client.authorizerCacheSeconds)");
      const s = await freshSession(ctx);
      // The first call: API Gateway calls the authorizer and caches its Allow for this token.
      const first = performance.now();
      expectStatus(await ctx.call("/me", { auth: s.auth }), 200, "/me before the sign-out");
      const out = await signOut(ctx, s);
      expectStatus(out, 200, "POST /me/sign-out");
      const { cacheSeconds } = revocationOf(ctx)!;
      const refused = await untilRefused(ctx, s.auth, cacheSeconds * 1000 + SLACK_MS);
      const sinceAllowCachedMs = performance.now() - first;
      // The cached Allow has not expired: API Gateway answered from its cache, so the function refused the session.
      assert.ok(
        sinceAllowCachedMs < authorizerCacheSeconds * 1000,
        `refused ${Math.round(sinceAllowCachedMs)} ms after the Allow was cached: past its ${authorizerCacheSeconds} s`,
      );
      assert.notDeepEqual(
        refused.reply.json,
        { message: "Unauthorized" },
        "the refusal is the handler's, not the gateway's answer to an authorizer's Unauthorized",
      );
      ctx.measure("revocation-cached-authorizer", {
        outcome: "refused-despite-cached-allow",
        refusedAfterMs: ms(refused.afterMs),
        authorizerCacheSeconds,
        sinceAllowCachedMs: ms(sinceAllowCachedMs),
      } satisfies RevocationMeasurement);
    },
  },
  {
    id: "revocation-off",
    title:
      "given revocation off, when a user signs out, then POST /me/sign-out is 404 naming the revocation key, and " +
      "after the client's own RevokeToken of its refresh token the door still accepts the token (until its exp)",
    skip: (ctx) => tokenDoor(ctx) ?? revocationOff(ctx),
    async run(ctx) {
      const s = await freshSession(ctx);
      expectStatus(await ctx.call("/me", { auth: s.auth }), 200, "/me before the sign-out");
      const out = await signOut(ctx, s);
      expectStatus(out, 404, "POST /me/sign-out without revocation");
      assert.match(out.text, /\brevocation\b/, "the 404 names the revocation key");
      // What a client can do by itself: revoke its refresh token at the pool (RevokeToken).
      // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
      if (s.refreshToken) {
        await expectRefreshes(ctx, s.refreshToken);
        const idp = await import("@aws-sdk/client-cognito-identity-provider");
        const client = new idp.CognitoIdentityProviderClient({
          region: ctx.region,
          ...(ctx.options.awsEndpoint ? { endpoint: ctx.options.awsEndpoint } : {}),
        });
        try {
          await client.send(
            new idp.RevokeTokenCommand({
              Token: s.refreshToken,
              ClientId: String(ctx.outputs.client.userPoolClientId),
            }),
          );
        } finally {
          client.destroy();
        }
        assert.ok(await refusedAsRevoked(ctx, s.refreshToken), "the revoked refresh token no longer refreshes");
      }
      const watchMs = (ctx.options.revocationWatchSeconds ?? DEFAULT_WATCH_SECONDS) * 1000;
      const start = performance.now();
      let accepted = 0;
      let watchedMs = 0;
      do {
        expectStatus(
          await ctx.call("/me", { auth: s.auth }),
          200,
          `/me ${Math.round(performance.now() - start)} ms after the sign-out (no revocation: accepted until exp)`,
        );
        accepted++;
        watchedMs = performance.now() - start;
        if (watchedMs < watchMs) await sleep(POLL_MS);
      } while (watchedMs < watchMs);
      const expInSeconds = Math.round(s.claims.exp - Date.now() / 1000);
      assert.ok(expInSeconds > 0, "the token had not expired");
      ctx.measure("revocation-off", {
        outcome: "accepted",
        watchedMs: ms(watchedMs),
        acceptedCalls: accepted,
        expInSeconds,
      } satisfies RevocationMeasurement);
    },
  },
];
