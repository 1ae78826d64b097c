import type { AuthMode } from "../authModes";
import { SettingsCodec, SettingsOf, optional, prefixed, settings } from "../settings";
import { albOidcSettings } from "./alb-oidc";
import { apiKeySettings } from "./api-key";
import { cognitoSettings } from "./cognito";
import { httpJwtSettings } from "./http-jwt";
import { iamSettings } from "./iam";
import { lambdaAuthorizerSettings } from "./lambda-authorizer";

/**
 * Each door's settings, by authMode: the door's component encodes them into the notes function's
 * environment (components/stack.ts), the handler's door decodes them (handlers/doors/<mode>.ts).
 */
export const DOOR_SETTINGS = {
  iam: iamSettings,
  cognito: cognitoSettings,
  "http-jwt": httpJwtSettings,
  "api-key": apiKeySettings,
  "alb-oidc": albOidcSettings,
  "lambda-authorizer": lambdaAuthorizerSettings,
} satisfies { [M in AuthMode]: SettingsCodec<any> };

/** The settings a door's component hands the handler. */
export type DoorSettings<M extends AuthMode> = SettingsOf<(typeof DOOR_SETTINGS)[M]>;

/**
 * Where a door's settings live in the notes function's environment when the stack runs several
 * doors: the primary door's (AUTH_MODE) under the names its codec gives, so a one-door stack's
 * variables keep their names (DOORS and EVENT_SOURCE join them); every other door's under
 * `DOOR_<MODE>_` (`DOOR_HTTP_JWT_`),
 * so no two doors share a name (GROUPS_CLAIM, ADMIN_SCOPE and ALLOWED_CLIENT_IDS are several
 * doors' names). Lambda caps the whole environment at 4 KB (components/stack.ts checks it).
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export function doorEnvPrefix(mode: AuthMode, primary: AuthMode): string {
  return mode === primary ? "" : `DOOR_${mode.toUpperCase().replace(/-/g, "_")}_`;
}

/** A door's settings codec in an environment whose primary door is `primary`. */
export function doorCodec<M extends AuthMode>(mode: M, primary: AuthMode): SettingsCodec<DoorSettings<M>> {
  return prefixed(DOOR_SETTINGS[mode] as unknown as SettingsCodec<DoorSettings<M>>, doorEnvPrefix(mode, primary));
}

/**
 * What a door's events carry that no other door's do (components/doors/door.ts, `eventSource`):
 * the API id of a REST API or HTTP API, the target group ARN of a load balancer. The handler
 * serves an event only through the door whose source it carries.
 */
export function eventSourceCodec(mode: AuthMode, primary: AuthMode) {
  return settings({ eventSource: optional(`${doorEnvPrefix(mode, primary)}EVENT_SOURCE`) });
}
