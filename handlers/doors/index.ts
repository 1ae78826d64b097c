import type { AuthMode } from "../contract/authModes";
import { ApiRequest, ApiResponse, isWrite } from "../http/request";
import { CorsGrant, PREFLIGHT_METHODS, corsGrant, preflightHeaders } from "../http/cors";
import { Forbidden, Unauthorized, errorResponse } from "../http/errors";
import { clientCertOf } from "../clientCert";
import type { Principal } from "../principal";
import type { DoorSettings } from "../contract/doors";
import type { StackEnv } from "../contract/stack";
import type { HandlerDoor, ServedDoor } from "./door";
import { albOidcDoor } from "./alb-oidc";
import { albLogout, isAlbLogout } from "./albLogout";
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

/** What a door reads of the handler's environment (HandlerEnv, handlers/env.ts): the stack's settings and its doors. */
export type DoorEnv = StackEnv & { doors: ServedDoor[] };

/** What HANDLER_DOORS[mode].init builds (undefined for doors that need nothing). */
export type DoorState = unknown;
/** Each served door's state, by mode (doorStates). */
export type DoorStates = Partial<Record<AuthMode, DoorState>>;

/**
 * The door that sent an event, from what the event carries: its shape, then the API id (REST
 * and HTTP API `requestContext.apiId`) or the target group ARN (ALB
 * `requestContext.elb.targetGroupArn`) that only that door's events carry. An event of no served
 * door (another API, another target group, another shape) is refused (401): no door's rule
 * applies to it.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#receive-event-from-load-balancer
 */
export function servingDoor(req: ApiRequest, env: DoorEnv): ServedDoor {
  const door = servedDoorOf(req, env);
  if (!door) throw new Unauthorized();
  return door;
}

/** servingDoor, or undefined for an event of no served door. */
function servedDoorOf(req: ApiRequest, env: DoorEnv): ServedDoor | undefined {
  const candidates = env.doors.filter((d) => HANDLER_DOORS[d.mode].shape === req.shape);
  const carried = sourceOf(req);
  return candidates.length === 1 && candidates[0].source === undefined
    ? candidates[0]
    : candidates.find((d) => d.source !== undefined && d.source === carried);
}

/**
 * What the answer grants the request's Origin (handlers/http/cors.ts): a listed origin (`corsOrigins`)
 * only, with credentials at a door whose credential the browser sends itself (ambientCredentials: a
 * page's `fetch(..., { credentials: "include" })` reads the answer only with Allow-Credentials).
 */
export function corsGrantOf(req: ApiRequest, env: DoorEnv): CorsGrant | undefined {
  const served = servedDoorOf(req, env);
  const credentials = served !== undefined && HANDLER_DOORS[served.mode].ambientCredentials === true;
  return corsGrant(req.headers.origin, env.corsOrigins, credentials);
}

/**
 * The answer to a CORS preflight at a door that answersPreflight (the ALB: its listener forwards
 * OPTIONS without the login, so there is no principal), with what it grants: for a listed origin
 * asking for a method the API serves, a 204 with the preflight's headers and corsGrantOf's; anything
 * else a 403 that grants nothing. Never a route: an OPTIONS gets no data. Undefined: not a preflight here.
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export function preflightAnswer(
  req: ApiRequest,
  env: DoorEnv,
): { response: ApiResponse; cors?: CorsGrant } | undefined {
  if (req.method !== "OPTIONS") return undefined;
  const served = servedDoorOf(req, env);
  if (!served || !HANDLER_DOORS[served.mode].answersPreflight) return undefined;
  const method = req.headers["access-control-request-method"];
  const cors = corsGrantOf(req, env);
  if (!cors || method === undefined || !PREFLIGHT_METHODS.includes(method))
    return {
      response: errorResponse(
        new Forbidden("CORS preflights are answered for the stack's corsOrigins and the API's methods only"),
      ),
    };
  return { response: { status: 204, headers: preflightHeaders() }, cors };
}

/**
 * The answer to the `alb-oidc` door's logout route (ALB_LOGOUT_ROUTE, albLogout): at that door only, and before any
 * principal (expiring the caller's own cookies needs no identity; the load balancer's login ran before it anyway).
 * Undefined: not that route at that door (at every other door the path is no route, 404).
 */
export function logoutAnswer(req: ApiRequest, env: DoorEnv): ApiResponse | undefined {
  const served = servedDoorOf(req, env);
  if (served?.mode !== "alb-oidc" || !isAlbLogout(req)) return undefined;
  return albLogout(req, served.settings as DoorSettings<"alb-oidc">);
}

/** The event's API id or target group ARN. */
function sourceOf(req: ApiRequest): string | undefined {
  const ctx = (req.event as { requestContext?: { apiId?: unknown; elb?: { targetGroupArn?: unknown } } })
    .requestContext;
  const source = req.shape === "alb" ? ctx?.elb?.targetGroupArn : ctx?.apiId;
  return typeof source === "string" ? source : undefined;
}

/**
 * The caller, derived ONLY from what the door that sent the event verified, by that door's rule
 * alone (servingDoor). `state` overrides what the door's init would build (tests); `states` are
 * each door's, built once per container (doorStates).
 */
export async function principalOf(
  req: ApiRequest,
  env: DoorEnv,
  state?: DoorState,
  states?: DoorStates,
): Promise<Principal> {
  const served = servingDoor(req, env);
  const door = HANDLER_DOORS[served.mode] as HandlerDoor<unknown, unknown>;
  // The door's rule sees the stack's settings with itself as the door (a principal's `door`).
  const stack: StackEnv = { ...env, authMode: served.mode };
  refuseCrossSiteWrite(req, door, env);
  const principal = await door.principal(
    req,
    served.settings,
    stack,
    state ?? states?.[served.mode] ?? door.init?.(served.settings, stack),
  );
  const clientCert = clientCertOf(req);
  if (principal.kind === "machine" && env.mtlsRequiredForMachines && !clientCert) {
    throw new Forbidden("machines must present a client certificate (mutual TLS on the API's custom domain)");
  }
  return clientCert ? { ...principal, clientCert } : principal;
}

/**
 * At a door whose credential the browser attaches itself (a cookie), a write must come from the
 * API's own origin (ownOrigin: a browser never sends another site's page with this Host and its
 * own Origin) or one of the stack's CORS origins (`corsOrigins`, CORS_ALLOWED_ORIGINS): another site's form or
 * no-cors fetch carries its own Origin, and browsers send Origin on every cross-origin request and
 * on every POST, PUT, PATCH and DELETE (https://fetch.spec.whatwg.org/#origin-header). A write
 * without Origin is not a browser's cross-site one (and also needs a JSON Content-Type, 415).
 * OWASP's CSRF cheat sheet: "Verifying Origin With Standard Headers".
 */
function refuseCrossSiteWrite(req: ApiRequest, door: HandlerDoor<unknown, unknown>, env: DoorEnv): void {
  if (!door.ambientCredentials || !isWrite(req.method)) return;
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== ownOrigin(req) && !env.corsOrigins.includes(origin))
    throw new Forbidden("writes are accepted only from this API's own origins (corsOrigins)");
}

/**
 * The API's own origin as the client addressed it: `<scheme>://<Host>`, the scheme being the one the
 * client used to reach the load balancer, which it says in X-Forwarded-Proto (`http` or `https`;
 * absent: https, the HTTPS listener's).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html#x-forwarded-proto
 * A page cannot set X-Forwarded-Proto on another origin's request without a preflight, which allows
 * only the API's own request headers (preflightHeaders).
 */
export function ownOrigin(req: ApiRequest): string | undefined {
  if (req.headers.host === undefined) return undefined;
  const proto = req.headers["x-forwarded-proto"];
  return `${proto === "http" ? "http" : "https"}://${req.headers.host}`;
}

/** Builds each served door's per-container state once (the ALB verifier and its key cache). */
export function doorStates(env: DoorEnv): DoorStates {
  const states: DoorStates = {};
  for (const served of env.doors) {
    const door = HANDLER_DOORS[served.mode] as HandlerDoor<unknown, unknown>;
    states[served.mode] = door.init?.(served.settings, { ...env, authMode: served.mode });
  }
  return states;
}
