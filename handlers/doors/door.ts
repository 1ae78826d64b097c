import type { EventShape, ApiRequest } from "../http/request";
import type { Principal } from "../principal";
import type { SettingsCodec } from "../contract/settings";
import type { StackEnv } from "../contract/stack";
import type { AuthMode } from "../contract/authModes";
import type { DoorSettings } from "../contract/doors";

/**
 * One front door as the handler sees it: the event shape it produces, the settings the
 * infrastructure hands over for it, and its principal rule. Everything the handler knows about
 * a door is here; components/doors/<mode>/ holds the rest (and encodes these settings).
 */
export interface HandlerDoor<S, State = undefined> {
  /** The only event shape this door sends; any other shape has no verified identity here. */
  shape: EventShape;
  /**
   * The browser sends this door's credential by itself (the ALB's session cookie), so a page of
   * any site can make it write: writes whose `Origin` is not one of the stack's CORS origins are
   * refused (403). Doors whose clients attach a token or a signature need no such check.
   */
  ambientCredentials?: boolean;
  /**
   * The gateway has no CORS of its own (a load balancer), so the function answers preflights: an
   * OPTIONS reaches it unauthenticated (a listener rule forwards it without the login) and gets
   * the CORS headers for a listed origin, never data (doors/index.ts preflight).
   */
  answersPreflight?: boolean;
  /** The door's settings (handlers/contract/doors/): the component encodes them, handlers/env.ts decodes them. */
  settings: SettingsCodec<S>;
  /** Checks across settings that the codec cannot express (named in the error). */
  validate?(settings: S, stack: StackEnv): void;
  /** Builds, once per container, what the rule needs besides settings (the ALB key cache, say). */
  init?(settings: S, stack: StackEnv): State;
  /**
   * The caller, from what this door verified ONLY (authorizer claims, the IAM identity API
   * Gateway checked, the ALB-signed header): never from the body, the path or client headers.
   * Throws Unauthorized when there is no verified principal.
   */
  principal(req: ApiRequest, settings: S, stack: StackEnv, state: State): Principal | Promise<Principal>;
}

/** One door the function serves (handlers/env.ts): its mode, what its events carry, and its own settings. */
export interface ServedDoor {
  mode: AuthMode;
  /** The API id or target group ARN its events carry; unset only in a one-door environment written without it. */
  source?: string;
  settings: DoorSettings<AuthMode>;
}
