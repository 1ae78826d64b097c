import { AUTH_MODES, AuthMode } from "./contract/authModes";
import { EnvironmentError, SettingsOf, flag, list, optional, positive, settings, text } from "./contract/settings";
import { HANDLER_DOORS, DoorSettings } from "./doors";
import type { HandlerDoor } from "./doors/door";

export { EnvironmentError };

/** The largest attachment a presigned upload may carry, in bytes (10 MiB). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** What the backend component tells the handler: where the data lives, and the upload cap. */
export const backendSettings = settings({
  table: text("NOTES_TABLE"),
  bucket: text("ATTACHMENTS_BUCKET"),
  /** Largest attachment a presigned upload may carry, in bytes. */
  maxAttachmentBytes: positive("MAX_ATTACHMENT_BYTES", MAX_ATTACHMENT_BYTES),
});

/** What the stack tells the handler whatever the door (components/stack.ts writes it). */
export const stackSettings = settings({
  authMode: text("AUTH_MODE"),
  adminGroup: text("ADMIN_GROUP"),
  corsOrigins: list("CORS_ALLOWED_ORIGINS"),
  /** The stack's own user pool, when it has one: its tokens' `iss`, and its id. */
  cognitoIssuer: optional("COGNITO_ISSUER"),
  userPoolId: optional("USER_POOL_ID"),
  /** Refuse machine principals that present no client certificate (`mtlsRequiredForMachines`). */
  mtlsRequiredForMachines: flag("MTLS_REQUIRED_FOR_MACHINES"),
});

export type StackEnv = Omit<SettingsOf<typeof stackSettings>, "authMode"> & { authMode: AuthMode };

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
