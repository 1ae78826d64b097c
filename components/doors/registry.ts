import type { AuthMode } from "../../handlers/contract/authModes";
import type { DoorModule } from "./door";
import { albOidcDoor } from "./alb-oidc/door";
import { apiKeyDoor } from "./api-key/door";
import { cognitoDoor } from "./cognito/door";
import { httpJwtDoor } from "./http-jwt/door";
import { iamDoor } from "./iam/door";
import { lambdaAuthorizerDoor } from "./lambda-authorizer/door";

/**
 * Every front door, by authMode: the one place the program learns them (`<mode>/door.ts`, the
 * build half of each door folder). The stack, config parsing and local mode iterate it; what
 * reports say of each door is the report half's registry (reportRegistry.ts). A mode without a
 * module is a compile error here.
 */
export const DOORS = {
  iam: iamDoor,
  cognito: cognitoDoor,
  "http-jwt": httpJwtDoor,
  "api-key": apiKeyDoor,
  "alb-oidc": albOidcDoor,
  "lambda-authorizer": lambdaAuthorizerDoor,
} satisfies { [M in AuthMode]: DoorModule<M, any, any> };

/** A door's own arguments, as its module's argsFrom returns them. */
export type ArgsOf<M extends AuthMode> = ReturnType<(typeof DOORS)[M]["argsFrom"]>;
/** The chosen door's arguments, whichever door it is. */
export type DoorArgs = ArgsOf<AuthMode>;

/** The module of a mode, typed loosely for code that treats every door alike. */
export function doorModule(mode: AuthMode): DoorModule<AuthMode, unknown, string> {
  return DOORS[mode] as unknown as DoorModule<AuthMode, unknown, string>;
}

/**
 * The least config a door needs, with one CORS origin and a region: what reports and tests run.
 * `apiGatewayAccountRole` has no default, so the Pulumi CLI demands it of every stack: false
 * unless the door's own minimal config sets it (REST doors, true).
 */
export function doorConfig(mode: AuthMode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "aws:region": "us-east-1",
    authMode: mode,
    apiGatewayAccountRole: false,
    corsOrigins: ["https://app.example.com"],
    ...DOORS[mode].minimalConfig,
    ...extra,
  };
}
