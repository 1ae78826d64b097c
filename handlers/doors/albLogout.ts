import { ALB_LOGOUT_ROUTE } from "../contract/routeTable";
import { ALB_SESSION_COOKIE, AlbOidcSettings } from "../contract/doors/alb-oidc";
import type { ApiRequest, ApiResponse } from "../http/request";
import { Forbidden } from "../http/errors";

/**
 * The load balancer shards a session cookie over 4 KB and refuses one over 16 KB: at most four shards, `-0`…`-3`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_COOKIE_SHARDS = 4;

/** Whether a path is the `alb-oidc` door's logout route's (ALB_LOGOUT_ROUTE), trailing slashes and all. */
export const isAlbLogoutPath = (path: string) => path.replace(/\/+$/, "") === ALB_LOGOUT_ROUTE.path;

/** Whether a request is the `alb-oidc` door's logout route (ALB_LOGOUT_ROUTE). */
export const isAlbLogout = (req: ApiRequest) => req.method === ALB_LOGOUT_ROUTE.method && isAlbLogoutPath(req.path);

/**
 * The logout AWS documents for an application behind the load balancer: expire the session cookie (every shard
 * `<sessionCookieName>-N`, Path=/, Secure and HttpOnly as the load balancer sets them, Max-Age=0 and an Expires in the
 * past) and redirect to the IdP's logout endpoint (settings.logoutUrl: the user pool's `/logout` with `client_id`
 * and `logout_uri`, an external IdP's end_session endpoint, or the door's root), so the pool's session ends too
 * and the next request signs in again (a federated OIDC or social IdP's own session stays, and an external IdP may
 * ask the user to confirm, having no id_token_hint). Shards beyond the four the request may carry are expired as well.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
 */
export function albLogout(req: ApiRequest, s: AlbOidcSettings): ApiResponse {
  const why = crossSiteLogout(req);
  if (why) throw new Forbidden(`another page's ${why} may not sign you out: open /logout, or link to it`);
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

/**
 * Why this logout is another page signing the user out unseen, or undefined. A page on any site can make the
 * browser GET /logout (an image, a script, a frame, a no-cors fetch, a prefetch), and the answer's Set-Cookie expires
 * the session: a nuisance sign-out the user never sees. Browsers say where a request comes from and what it is for in
 * Fetch Metadata headers, which no page can set (`Sec-` names are forbidden request headers):
 * - `Sec-Fetch-Site` `same-origin` (the door's own pages) or `none` (typed, bookmarked): a logout.
 * - `same-site` (a sibling such as app.example.com beside notes.example.com, which may be anyone's subdomain, and the
 *   local browser app on another loopback port) and `cross-site`: a logout only as a top-level navigation
 *   (`Sec-Fetch-Mode: navigate` and `Sec-Fetch-Dest: document`), which the user sees end at the IdP's sign-out, as
 *   following any site's "sign out" link would (the browser app signs out so: location.assign); every other request
 *   from another origin is refused (403).
 * - no `Sec-Fetch-Site` (a browser without Fetch Metadata, or not a browser): a logout, as before.
 * A prefetch or prerender (`Sec-Purpose` or the older `Purpose` containing `prefetch`) is refused from anywhere: the
 * user has not opened the page, and the browser would keep the answer's cookies.
 * That is the "resource isolation policy" of https://web.dev/articles/fetch-metadata, with nested navigations (frames)
 * refused too, since a framed logout is unseen. The route stays a GET (the logout endpoints of the user pool and of
 * OIDC IdPs are GET redirects, links and the browser app navigate to it): requiring POST with an Origin check, as the
 * door's writes do (handlers/doors/index.ts), would not stop a cross-site form's top-level POST from a listed origin
 * either, and would need the app and every link to change.
 * https://www.w3.org/TR/fetch-metadata/
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Sec-Purpose
 * https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 */
export function crossSiteLogout(req: ApiRequest): string | undefined {
  const purpose = `${req.headers["sec-purpose"] ?? ""} ${req.headers.purpose ?? ""}`.toLowerCase();
  if (purpose.includes("prefetch")) return "prefetch";
  const site = req.headers["sec-fetch-site"];
  if (site === undefined || site === "same-origin" || site === "none") return undefined;
  const mode = req.headers["sec-fetch-mode"];
  const dest = req.headers["sec-fetch-dest"];
  if (mode === "navigate" && (dest === undefined || dest === "document")) return undefined;
  return mode === "navigate" ? `${dest} navigation` : `${dest && dest !== "empty" ? dest : (mode ?? "")} request`;
}
