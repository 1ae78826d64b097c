/**
 * The API's routes as the front doors expose them. The handler routes the same paths; the
 * doors make one gateway method (or route) per entry, and `/admin/*` carries the admin rule.
 */
export type HttpVerb = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiRoute {
  /** Path with `{param}` placeholders, e.g. `/notes/{id}`. */
  path: string;
  methods: HttpVerb[];
  /** Only admins may call it (admin group, admin role, admin scope or admin API key). */
  admin?: boolean;
  /** The OAuth scope a bearer token needs (http-jwt). */
  scope: "read" | "write" | "admin";
}

export const API_ROUTES: ApiRoute[] = [
  { path: "/notes", methods: ["GET"], scope: "read" },
  { path: "/notes", methods: ["POST"], scope: "write" },
  { path: "/notes/{id}", methods: ["GET"], scope: "read" },
  { path: "/notes/{id}", methods: ["PUT", "DELETE"], scope: "write" },
  { path: "/notes/{id}/attachment", methods: ["POST"], scope: "write" },
  { path: "/me", methods: ["GET"], scope: "read" },
  { path: "/admin/stats", methods: ["GET"], scope: "admin", admin: true },
];

/** Every (method, path) pair, flattened. */
export function routeKeys(routes: ApiRoute[] = API_ROUTES): { method: HttpVerb; path: string; route: ApiRoute }[] {
  return routes.flatMap((route) => route.methods.map((method) => ({ method, path: route.path, route })));
}
