import type { AuthMode } from "../authModes";
import type { HandlerEnv } from "../env";
import type { ApiRequest } from "../http/request";
import { Forbidden, Unauthorized } from "../http/errors";
import { clientCertOf } from "../clientCert";
import type { Principal } from "../principal";
import type { SettingsOf } from "../settings";
import type { HandlerDoor } from "./door";
import { albOidcDoor } from "./albOidc";
import { apiKeyDoor } from "./apiKey";
import { cognitoDoor } from "./cognito";
import { httpJwtDoor } from "./httpJwt";
import { iamDoor } from "./iam";
import { lambdaAuthorizerDoor } from "./lambdaAuthorizer";

export type { HandlerDoor } from "./door";

/** Every door the handler serves, by authMode: the compiler checks each mode has one. */
export const HANDLER_DOORS = {
  iam: iamDoor,
  cognito: cognitoDoor,
  "http-jwt": httpJwtDoor,
  "api-key": apiKeyDoor,
  "alb-oidc": albOidcDoor,
  "lambda-authorizer": lambdaAuthorizerDoor,
} satisfies { [M in AuthMode]: HandlerDoor<any, any> };

/** The settings a door's component hands the handler. */
export type DoorSettings<M extends AuthMode> = SettingsOf<(typeof HANDLER_DOORS)[M]["settings"]>;

/** What HANDLER_DOORS[mode].init builds (undefined for doors that need nothing). */
export type DoorState = unknown;

/**
 * The caller, derived ONLY from what this stack's door verified. An event of another door's
 * shape has no principal here. `state` overrides what the door's init would build (tests).
 */
export async function principalOf(req: ApiRequest, env: HandlerEnv, state?: DoorState): Promise<Principal> {
  const door = HANDLER_DOORS[env.authMode] as HandlerDoor<unknown, unknown>;
  if (req.shape !== door.shape) throw new Unauthorized();
  const principal = await door.principal(req, env.door, env, state ?? door.init?.(env.door, env));
  const clientCert = clientCertOf(req);
  if (principal.kind === "machine" && env.mtlsRequiredForMachines && !clientCert) {
    throw new Forbidden("machines must present a client certificate (mutual TLS on the API's custom domain)");
  }
  return clientCert ? { ...principal, clientCert } : principal;
}

/** Builds a door's per-container state once (the ALB verifier and its key cache). */
export function doorState(env: HandlerEnv): DoorState {
  const door = HANDLER_DOORS[env.authMode] as HandlerDoor<unknown, unknown>;
  return door.init?.(env.door, env);
}
