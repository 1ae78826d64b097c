import type { GatewayDeps } from "../gateway";
import type { IncomingRequest, RestContext } from "../events";
import type { GatewayReply } from "../http";
import type { Step } from "../steps";
import type { GatewayResponseType } from "./gatewayResponses";
import type { RestMethod, RestStage } from "./stage";

/** One request on its way through a REST stage's steps (steps/), which fill it in. */
export interface RestRequest {
  readonly deps: GatewayDeps;
  readonly stage: RestStage;
  /** The request, its path below the stage's base path. */
  readonly req: IncomingRequest;
  /** The method the request reached: set by `route`. */
  route?: RestRoute;
  /** A Lambda authorizer's `usageIdentifierKey` (the API key when the API's key source is AUTHORIZER). */
  usageIdentifierKey?: string;
}

export interface RestRoute {
  method: RestMethod;
  pathParams: Record<string, string>;
  /** The method ARN of the call: what authorizers and the function's Permission are asked about. */
  sourceArn: string;
  /** The event's `requestContext` so far: `authorize` and `apiKey` add the authorizer and identity. */
  context: RestContext;
}

/** What ends a request: the integration's reply, or a gateway response (rendered by `respond`). */
export type RestAnswer =
  | { reply: GatewayReply }
  | {
      gatewayResponse: GatewayResponseType;
      /** Why the gateway refused, for the log (none: the step logged its own line, or nothing is logged). */
      why?: string;
      /** The message instead of the type's default (null: none). */
      message?: string | null;
    };

export type RestStep = Step<RestRequest, RestAnswer>;

/** The route `route` set: a step after it may rely on it. */
export function routeOf(ctx: RestRequest): RestRoute {
  if (!ctx.route) throw new Error(`${ctx.req.method} ${ctx.req.path}: no route (the route step runs first)`);
  return ctx.route;
}
