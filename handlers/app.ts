import { HandlerEnv } from "./env";
import { AnyEvent, AnyResult, normalize, repeatedCredentialEntry, requireJsonBody, respond } from "./http/request";
import { AmbiguousCredentials, errorResponse } from "./http/errors";
import { consoleLog } from "./log";
import { DoorState, DoorStates, corsGrantOf, logoutAnswer, preflightAnswer, principalOf } from "./doors";
import type { CorsGrant } from "./http/cors";
import { RouteDeps, match } from "./routes";
import { refuseSignedOut } from "./sessions/signOut";

export interface HandlerDeps extends RouteDeps {
  env: HandlerEnv;
  /** What each door's rule needs besides settings, built once per container (doors/index.ts). */
  doorStates?: DoorStates;
  /** In place of the serving door's state (a caller's stubbed verifier). */
  doorState?: DoorState;
}

/**
 * The handler, with its dependencies injected: normalize the event, answer a CORS preflight at a
 * door whose gateway does not (the ALB: CORS headers only, no principal, no route), answer the alb-oidc
 * door's logout (its session cookies expired, a redirect to the IdP's logout), derive the principal from
 * verified context (401, before any storage call), find the route (404/405), refuse a signed-out sign-in session
 * (401, `revocation: true`: handlers/sessions/signOut.ts), require a JSON
 * body on writes (415), run it,
 * and answer in the event's own shape. Errors map to their status; anything else is a bare 500. Every 5xx is logged.
 */
export function createHandler(deps: HandlerDeps | (() => HandlerDeps)) {
  const resolve = typeof deps === "function" ? deps : () => deps;
  return async (event: AnyEvent): Promise<AnyResult> => {
    let cors: CorsGrant | undefined;
    let d: HandlerDeps | undefined;
    try {
      d = resolve();
      const req = normalize(event);
      cors = corsGrantOf(req, d.env);
      const preflight = preflightAnswer(req, d.env);
      if (preflight) return respond(event, preflight.response, preflight.cors);
      const logout = logoutAnswer(req, d.env);
      if (logout) return respond(event, logout, cors);
      const principal = await principalOf(req, d.env, d.doorState, d.doorStates);
      const route = match(req.method, req.path);
      // A signed-out session runs no route (revocation: true), but may sign out again: to retry RevokeToken only (its
      // record is never written again, handlers/sessions/signOut.ts).
      if (route.name !== "signOut") await refuseSignedOut(principal, d.revocation, d.now().getTime());
      requireJsonBody(req);
      return respond(event, await route.fn(req, principal, d, route.params), cors);
    } catch (err) {
      const res = errorResponse(err);
      if (err instanceof AmbiguousCredentials) {
        (d?.log ?? consoleLog)(repeatedCredentialEntry(err));
      }
      if (res.status >= 500) {
        // No request data, headers or tokens in the log: the error's name and message only (and its cause's: why
        // storage was unavailable).
        (d?.log ?? consoleLog)({
          level: "error",
          status: res.status,
          error: describe(err),
          ...(err instanceof Error && err.cause !== undefined ? { cause: describe(err.cause) } : {}),
        });
      }
      return respond(event, res, cors);
    }
  };
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : "unknown");
