import { ALB_LOGOUT_ROUTE } from "../contract/routeTable";
import { ALB_SESSION_COOKIE, AlbOidcSettings } from "../contract/doors/alb-oidc";
import type { ApiRequest, ApiResponse } from "../http/request";

/**
 * The load balancer shards a session cookie over 4 KB and refuses one over 16 KB: at most four shards, `-0`…`-3`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_COOKIE_SHARDS = 4;

/** Whether a request is the `alb-oidc` door's logout route (ALB_LOGOUT_ROUTE). */
export const isAlbLogout = (req: ApiRequest) =>
  req.method === ALB_LOGOUT_ROUTE.method && req.path.replace(/\/+$/, "") === ALB_LOGOUT_ROUTE.path;

/**
 * The logout AWS documents for an application behind the load balancer: expire the session cookie (every shard
 * `<sessionCookieName>-N`, Path=/, Secure and HttpOnly as the load balancer sets them, Max-Age=0 and an Expires in the
 * past) and redirect to the IdP's logout endpoint (settings.logoutUrl: the user pool's `/logout` with `client_id`
 * and `logout_uri`, an external IdP's end_session endpoint, or the door's root), so the IdP's own session ends too
 * and the next request signs in again. Shards beyond the four the request may carry are expired as well.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export function albLogout(req: ApiRequest, s: AlbOidcSettings): ApiResponse {
  const sent = (req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.split("=")[0].trim())
    .map((name) => new RegExp(`^${ALB_SESSION_COOKIE}-(\\d+)$`).exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const shards = Math.max(ALB_COOKIE_SHARDS, ...sent.map((n) => n + 1));
  return {
    status: 302,
    headers: { Location: s.logoutUrl ?? "/" },
    cookies: Array.from(
      { length: shards },
      (_, i) =>
        `${ALB_SESSION_COOKIE}-${i}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly`,
    ),
  };
}
