import type { AuthMode } from "../authModes";
import type { SettingsCodec, SettingsOf } from "../settings";
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
