/**
 * The API's routes, once, for the handler's router and for the front doors (each door makes one
 * gateway method or route per entry). Import-free so the Pulumi program can read it.
 */
/** The OAuth resource server: scopes read `notes/read`, `notes/write`, `notes/admin`. */
export const NOTES_RESOURCE_SERVER = "notes";
export const NOTES_SCOPES = ["read", "write", "admin"] as const;
export type NotesScope = (typeof NOTES_SCOPES)[number];
/** `read` -> `notes/read`: the scope as tokens carry it. */
export const scopeName = (s: NotesScope) => `${NOTES_RESOURCE_SERVER}/${s}`;

/** Request headers the API itself reads (besides a door's credentials): CORS must allow them. */
export const API_REQUEST_HEADERS = ["content-type", "if-match"] as const;
/** Response headers a browser client must be able to read: CORS must expose them. */
export const API_RESPONSE_HEADERS = ["etag", "location", "retry-after"] as const;

export type HttpVerb = "GET" | "POST" | "PUT" | "DELETE";

/** The handler function that serves a route (handlers/routes.ts maps each name to one). */
export type RouteName =
  | "listNotes"
  | "createNote"
  | "getNote"
  | "updateNote"
  | "deleteNote"
  | "presignAttachment"
  | "me"
  | "signOut"
  | "adminStats";

export interface ApiRoute {
  /** Path with `{param}` placeholders, e.g. `/notes/{id}`. */
  path: string;
  method: HttpVerb;
  name: RouteName;
  /** The OAuth scope a bearer token needs at the http-jwt door. */
  scope: NotesScope;
  /** Only admins may call it (admin group, admin role, admin scope or admin API key). */
  admin?: boolean;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { path: "/notes", method: "GET", name: "listNotes", scope: "read" },
  { path: "/notes", method: "POST", name: "createNote", scope: "write" },
  { path: "/notes/{id}", method: "GET", name: "getNote", scope: "read" },
  { path: "/notes/{id}", method: "PUT", name: "updateNote", scope: "write" },
  { path: "/notes/{id}", method: "DELETE", name: "deleteNote", scope: "write" },
  { path: "/notes/{id}/attachment", method: "POST", name: "presignAttachment", scope: "write" },
  { path: "/me", method: "GET", name: "me", scope: "read" },
  // Ends the caller's sign-in session at every door (`revocation: true`; 404 without): handlers/sessions/signOut.ts.
  { path: "/me/sign-out", method: "POST", name: "signOut", scope: "read" },
  { path: "/admin/stats", method: "GET", name: "adminStats", scope: "admin", admin: true },
];

/**
 * Routes one door serves itself, before the API's (no other door makes them): `alb-oidc`'s logout, which expires
 * the load balancer's session cookies and sends the browser to the IdP's logout (handlers/doors/albLogout.ts).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_LOGOUT_ROUTE = { path: "/logout", method: "GET", door: "alb-oidc" } as const;
