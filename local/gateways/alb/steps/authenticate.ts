import { ALB_IDP_RESPONSE_PATH } from "../../../../awsRules/alb";
import { IncomingRequest, headerValue } from "../../events";
import { verifySignedToken } from "../../jwt";
import { AlbStep, authenticates } from "../context";
import { errorPage } from "../listener";
import { AlbSession, cookiesOf, shardCookies } from "../session";

/** "A client must initiate and complete the authentication process within 15 minutes." */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/**
 * The code flow's second half, as the load balancer runs it at `/oauth2/idpresponse`: the
 * `state` of a login it started (the session step), within 15 minutes, from the browser that
 * started it; the code exchanged at the token endpoint with the recorded login client (and the
 * secret the user pool keeps for it); the ID token checked (signature, issuer, `aud`, `nonce`);
 * the user-info endpoint asked for the claims; then the session cookie set (the recorded
 * `sessionCookieName`, sharded as `<name>-0`, `-1`, …, valid for the recorded `sessionTimeout`)
 * and the browser sent back where it was going. Anything else is a 401 page.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const authenticate: AlbStep = {
  name: "authenticate",
  async run(ctx) {
    if (!authenticates(ctx) || ctx.req.path !== ALB_IDP_RESPONSE_PATH) return undefined;
    const { deps, listener: l, req } = ctx;
    const q = new URLSearchParams(req.rawQuery ?? "");
    const login = l.pending.get(q.get("state") ?? "");
    l.pending.delete(q.get("state") ?? "");
    if (
      !login ||
      l.now() - login.at > LOGIN_WINDOW_MS ||
      cookiesOf(req).get(`${l.cookieName}-login`) !== login.binding ||
      q.get("error") ||
      !q.get("code")
    ) {
      deps.log(
        `${ALB_IDP_RESPONSE_PATH}: 401 ` +
          `(${!login ? "unknown state" : (q.get("error") ?? "the login took too long or another browser started it")})`,
      );
      return errorPage(401, "Authorization Required");
    }
    const p = l.pool();
    const client = p.clients.find((c) => c.clientId === l.clientId);
    const res = await fetch(`${deps.localize(l.awsDomain)}/oauth2/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${l.clientId}:${client?.secret ?? ""}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: q.get("code")!,
        redirect_uri: redirectUri(req),
        client_id: l.clientId,
      }).toString(),
    });
    const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; access_token?: string };
    if (!res.ok || !tokens.id_token || !tokens.access_token) {
      deps.log(`${ALB_IDP_RESPONSE_PATH}: 401, the token endpoint answered ${res.status}`);
      return errorPage(401, "Authorization Required");
    }
    const id = await verifySignedToken(
      tokens.id_token,
      await deps.keys.byUrl(`${p.issuer}/.well-known/jwks.json`),
      [p.issuer],
      deps.now,
    );
    if (!id.ok || id.payload.aud !== l.clientId || id.payload.nonce !== login.nonce) {
      deps.log(
        `${ALB_IDP_RESPONSE_PATH}: 401, the ID token is not for this login (${id.ok ? "aud or nonce" : id.reason})`,
      );
      return errorPage(401, "Authorization Required");
    }
    const info = await fetch(`${p.issuer}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    if (!info.ok) {
      deps.log(`${ALB_IDP_RESPONSE_PATH}: 401, the user-info endpoint answered ${info.status}`);
      return errorPage(401, "Authorization Required");
    }
    const session: AlbSession = {
      claims: (await info.json()) as Record<string, unknown>,
      accessToken: tokens.access_token,
      exp: Math.floor(l.now() / 1000) + l.sessionSeconds,
    };
    return {
      status: 302,
      headers: {
        location: login.returnTo,
        "set-cookie": [
          ...shardCookies(l.cookieName, l.codec.seal(session)),
          `${l.cookieName}-login=; Path=${ALB_IDP_RESPONSE_PATH}; Max-Age=0`,
        ],
      },
      body: Buffer.alloc(0),
    };
  },
};

/** Locally the listener speaks HTTP, so the redirect URI the client's host gets does too. */
/** The load balancer's own origin, as the client addressed it. */
const originOf = (req: IncomingRequest) => `http://${headerValue(req.headers, "host") ?? "localhost"}`;

export const redirectUri = (req: IncomingRequest) => `${originOf(req)}${ALB_IDP_RESPONSE_PATH}`;

/**
 * Where the browser goes back after the login: the URL it first asked for, absolute on the load balancer's
 * own origin, as the ALB redirects "to the original request URI". A path such as `//evil.example/x` stays a
 * path of this origin (a relative `Location` would be read as another host, an open redirect).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#authentication-flow
 */
export const returnUrl = (req: IncomingRequest) =>
  `${originOf(req)}${req.rawPath ?? req.path}${req.rawQuery ? `?${req.rawQuery}` : ""}`;
