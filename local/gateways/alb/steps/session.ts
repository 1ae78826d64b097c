import * as crypto from "crypto";
import { ALB_IDP_RESPONSE_PATH } from "../../../../awsRules/alb";
import { AlbStep, AlbRequest, authenticates } from "../context";
import { joinShards, cookiesOf } from "../session";
import type { GatewayReply } from "../../http";
import { LOGIN_WINDOW_MS, redirectUri, returnUrl } from "./authenticate";
import { cookieNameOf, errorPage, unauthenticated } from "../listener";

/**
 * The user's session, when the actions authenticate: the session cookie (its shards joined),
 * opened with the load balancer's key; a tampered or expired cookie is no session. Without one
 * the request is redirected (302) to the user pool's authorization endpoint with `client_id`,
 * `redirect_uri=<scheme>://<the host the client used>/oauth2/idpresponse`, `response_type=code`,
 * the recorded `scope`, `state` and `nonce` (`onUnauthenticatedRequest: authenticate`), and a
 * cookie binding the login to this browser; the authenticate step finishes it. An action with
 * `onUnauthenticatedRequest: deny` answers such a request with the load balancer's 401 instead ("Return an HTTP 401
 * Unauthorized error"), and never starts a login.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 */
export const session: AlbStep = {
  name: "session",
  run(ctx) {
    if (!authenticates(ctx)) return undefined;
    const { listener: l, req } = ctx;
    // The cookie the request's own authenticate action names (a rule's may differ from the default rule's).
    const value = joinShards(cookiesOf(req), cookieNameOf(loginOf(ctx)));
    const open = value ? l.codec.open(value) : undefined;
    if (!open) return toLogin(ctx, value ? "the session cookie is not valid" : "no session");
    if (open.exp <= Math.floor(l.now() / 1000)) return toLogin(ctx, "the session has expired");
    ctx.session = open;
    return undefined;
  },
};

/** The request's authenticate-cognito action settings. */
const loginOf = (ctx: AlbRequest) => ctx.actions?.find((a) => a.type === "authenticate-cognito")?.authenticateCognito;

function toLogin(ctx: AlbRequest, why: string): GatewayReply {
  const { deps, listener: l, req } = ctx;
  if (unauthenticated(loginOf(ctx)) === "deny") {
    deps.log(`${req.method} ${req.path}: 401 (${why}; the rule denies unauthenticated requests)`);
    return errorPage(401, "Authorization Required");
  }
  const state = crypto.randomBytes(24).toString("base64url");
  const nonce = crypto.randomBytes(24).toString("base64url");
  const binding = crypto.randomBytes(18).toString("base64url");
  for (const [k, v] of l.pending) if (l.now() - v.at > LOGIN_WINDOW_MS) l.pending.delete(k);
  l.pending.set(state, {
    nonce,
    returnTo: returnUrl(req),
    binding,
    at: l.now(),
  });
  const query = new URLSearchParams({
    client_id: l.clientId,
    redirect_uri: redirectUri(req),
    response_type: "code",
    scope: l.scope,
    state,
    nonce,
  });
  deps.log(`${req.method} ${req.path}: 302 to the login (${why})`);
  return {
    status: 302,
    headers: {
      location: `${deps.localize(l.awsDomain)}/oauth2/authorize?${query}`,
      "set-cookie": [`${l.cookieName}-login=${binding}; Path=${ALB_IDP_RESPONSE_PATH}; Secure; HttpOnly`],
    },
    body: Buffer.alloc(0),
  };
}
