import { AUTH_MODES, AuthMode } from "./contract/authModes";
import { EnvironmentError, SettingsOf } from "./contract/settings";
import type { DoorSettings } from "./contract/doors";
import { HANDLER_DOORS } from "./doors";
import type { HandlerDoor } from "./doors/door";
import { StackEnv, backendSettings, stackSettings } from "./contract/stack";

/** Everything the handler reads from its environment, validated. */
export interface HandlerEnv extends SettingsOf<typeof backendSettings>, StackEnv {
  region: string;
  /** The door's own settings (HANDLER_DOORS[authMode].settings). */
  door: DoorSettings<AuthMode>;
}

/** Validates the environment once per container; a missing or bad variable is named in the error. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): HandlerEnv {
  const stack = stackSettings.decode(env);
  if (!(AUTH_MODES as readonly string[]).includes(stack.authMode)) {
    throw new EnvironmentError(`AUTH_MODE "${stack.authMode}" is not one of ${AUTH_MODES.join(", ")}`);
  }
  const common = {
    ...backendSettings.decode(env),
    ...stack,
    authMode: stack.authMode as AuthMode,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
  };
  const door = HANDLER_DOORS[common.authMode] as HandlerDoor<DoorSettings<AuthMode>, unknown>;
  const settingsOfDoor = door.settings.decode(env);
  door.validate?.(settingsOfDoor, common);
  return { ...common, door: settingsOfDoor };
}
