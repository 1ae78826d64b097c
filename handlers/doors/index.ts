import type { AuthMode } from "../contract/authModes";
import { ApiRequest, isWrite } from "../http/request";
import { Forbidden, Unauthorized } from "../http/errors";
import { clientCertOf } from "../clientCert";
import type { Principal } from "../principal";
import type { DoorSettings } from "../contract/doors";
import type { StackEnv } from "../contract/stack";
import type { HandlerDoor } from "./door";
import { albOidcDoor } from "./alb-oidc";
import { apiKeyDoor } from "./api-key";
import { cognitoDoor } from "./cognito";
import { httpJwtDoor } from "./http-jwt";
import { iamDoor } from "./iam";
import { lambdaAuthorizerDoor } from "./lambda-authorizer";

export type { HandlerDoor } from "./door";

/** Every door the handler serves, by authMode: the compiler checks each mode has one. */
export const HANDLER_DOORS = {
  iam: iamDoor,
  cognito: cognitoDoor,
  "http-jwt": httpJwtDoor,
  "api-key": apiKeyDoor,
  "alb-oidc": albOidcDoor,
  "lambda-authorizer": lambdaAuthorizerDoor,
} satisfies { [M in AuthMode]: HandlerDoor<DoorSettings<M>, any> };

/** What a door reads of the handler's environment (HandlerEnv, handlers/env.ts): the stack's settings and its own. */
export type DoorEnv = StackEnv & { door: DoorSettings<AuthMode> };

/** What HANDLER_DOORS[mode].init builds (undefined for doors that need nothing). */
export type DoorState = unknown;

/**
 * The caller, derived ONLY from what this stack's door verified. An event of another door's
 * shape has no principal here. `state` overrides what the door's init would build (tests).
 */
export async function principalOf(req: ApiRequest, env: DoorEnv, state?: DoorState): Promise<Principal> {
  const door = HANDLER_DOORS[env.authMode] as HandlerDoor<unknown, unknown>;
  if (req.shape !== door.shape) throw new Unauthorized();
  refuseCrossSiteWrite(req, door, env);
  const principal = await door.principal(req, env.door, env, state ?? door.init?.(env.door, env));
  const clientCert = clientCertOf(req);
  if (principal.kind === "machine" && env.mtlsRequiredForMachines && !clientCert) {
    throw new Forbidden("machines must present a client certificate (mutual TLS on the API's custom domain)");
  }
  return clientCert ? { ...principal, clientCert } : principal;
}

/**
 * At a door whose credential the browser attaches itself (a cookie), a write must come from the
 * API's own origin (https://<Host>: a browser never sends another site's page with this Host and
 * its own Origin) or one of the stack's CORS origins (`corsOrigins`, CORS_ALLOWED_ORIGINS): another site's form or
 * no-cors fetch carries its own Origin, and browsers send Origin on every cross-origin request and
 * on every POST, PUT, PATCH and DELETE (https://fetch.spec.whatwg.org/#origin-header). A write
 * without Origin is not a browser's cross-site one (and also needs a JSON Content-Type, 415).
 * OWASP's CSRF cheat sheet: "Verifying Origin With Standard Headers".
 */
function refuseCrossSiteWrite(req: ApiRequest, door: HandlerDoor<unknown, unknown>, env: DoorEnv): void {
  if (!door.ambientCredentials || !isWrite(req.method)) return;
  const origin = req.headers.origin;
  const sameOrigin = req.headers.host !== undefined && origin === `https://${req.headers.host}`;
  if (origin !== undefined && !sameOrigin && !env.corsOrigins.includes(origin))
    throw new Forbidden("writes are accepted only from this API's own origins (corsOrigins)");
}

/** Builds a door's per-container state once (the ALB verifier and its key cache). */
export function doorState(env: DoorEnv): DoorState {
  const door = HANDLER_DOORS[env.authMode] as HandlerDoor<unknown, unknown>;
  return door.init?.(env.door, env);
}
