/**
 * The routes the doors expose: the handler's own table (handlers/contract/routeTable.ts), so the
 * gateway and the handler can never disagree about a path or a method.
 */
import { API_ROUTES, ApiRoute, HttpVerb } from "../handlers/contract/routeTable";

export { API_ROUTES };
export type { ApiRoute, HttpVerb };

/** Every (method, path) pair with its route. */
export function routeKeys(
  routes: readonly ApiRoute[] = API_ROUTES,
): { method: HttpVerb; path: string; route: ApiRoute }[] {
  return routes.map((route) => ({ method: route.method, path: route.path, route }));
}
