import type { IncomingRequest } from "../events";
import type { GatewayDeps } from "../gateway";
import type { GatewayReply } from "../http";
import type { Step } from "../steps";
import type { AlbAction, AlbListener } from "./listener";
import type { AlbSession } from "./session";

/** One request on its way through a listener's steps (steps/), which fill it in. */
export interface AlbRequest {
  readonly deps: GatewayDeps;
  readonly listener: AlbListener;
  readonly req: IncomingRequest;
  /** The actions the request gets: set by `rules`. */
  actions?: AlbAction[];
  /** The user's session, when the actions authenticate: set by `session`. */
  session?: AlbSession;
}

export type AlbStep = Step<AlbRequest, GatewayReply>;

/** Whether the request's actions authenticate users (an `authenticate-cognito` action). */
export function authenticates(ctx: AlbRequest): boolean {
  if (!ctx.actions) throw new Error(`${ctx.req.method} ${ctx.req.path}: no actions (the rules step runs first)`);
  return ctx.actions.some((a) => a.type === "authenticate-cognito");
}
