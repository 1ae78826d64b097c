import { AUTH_MODES, AuthMode } from "./contract/authModes";
import { EnvironmentError, SettingsOf } from "./contract/settings";
import { DoorSettings, doorCodec, eventSourceCodec } from "./contract/doors";
import { HANDLER_DOORS } from "./doors";
import type { HandlerDoor, ServedDoor } from "./doors/door";

export type { ServedDoor };
import {
  StackEnv,
  backendSettings,
  doorsSettings,
  revocationSettings,
  signOutSettings,
  stackSettings,
} from "./contract/stack";

/** Revocation as the handler holds it (`revocation: true`): the table, the cache, and a sign-out's refusal times. */
export interface RevocationEnv {
  table: string;
  cacheSeconds: number;
  refreshSeconds: number;
}

/** Everything the handler reads from its environment, validated. */
export interface HandlerEnv extends SettingsOf<typeof backendSettings>, StackEnv {
  region: string;
  /** The primary door's own settings (HANDLER_DOORS[authMode].settings). */
  door: DoorSettings<AuthMode>;
  /** Every door served, the primary among them, each with its settings (handlers/contract/doors/index.ts). */
  doors: ServedDoor[];
  /** Set when `revocation` is on (REVOKED_SESSIONS_TABLE is set). */
  revocation?: RevocationEnv;
}

const isMode = (m: string): m is AuthMode => (AUTH_MODES as readonly string[]).includes(m);

/** Validates the environment once per container; a missing or bad variable is named in the error. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): HandlerEnv {
  const stack = stackSettings.decode(env);
  if (!isMode(stack.authMode)) {
    throw new EnvironmentError(`AUTH_MODE "${stack.authMode}" is not one of ${AUTH_MODES.join(", ")}`);
  }
  const primary = stack.authMode;
  const listed = doorsSettings.decode(env).doors;
  for (const m of listed)
    if (!isMode(m)) throw new EnvironmentError(`DOORS has "${m}", which is not one of ${AUTH_MODES.join(", ")}`);
  const modes = (listed.length > 0 ? listed : [primary]) as AuthMode[];
  if (!modes.includes(primary)) throw new EnvironmentError(`DOORS does not list AUTH_MODE (${primary})`);
  const common = {
    ...backendSettings.decode(env),
    ...stack,
    authMode: primary,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
  };
  const doors = modes.map((mode): ServedDoor => {
    const door = HANDLER_DOORS[mode] as HandlerDoor<DoorSettings<AuthMode>, unknown>;
    const settings = doorCodec(mode, primary).decode(env) as DoorSettings<AuthMode>;
    door.validate?.(settings, { ...common, authMode: mode });
    const source = eventSourceCodec(mode, primary).decode(env).eventSource;
    // Several doors: the function tells them apart by what each event carries, so each must be known.
    if (modes.length > 1 && !source)
      throw new EnvironmentError(
        `${eventSourceCodec(mode, primary).fields.eventSource.env} is not set (DOORS lists several)`,
      );
    return { mode, source, settings };
  });
  const shared = doors.find((d, i) => d.source && doors.findIndex((o) => o.source === d.source) !== i);
  if (shared) throw new EnvironmentError(`two doors name the event source ${shared.source}`);
  return { ...common, door: doors.find((d) => d.mode === primary)!.settings, doors, ...revocationOf(env) };
}

/** Revocation's settings, when its table is named; then the sign-out's refusal times must be set too. */
function revocationOf(env: NodeJS.ProcessEnv): { revocation?: RevocationEnv } {
  const { table, cacheSeconds } = revocationSettings.decode(env);
  if (table === undefined) return {};
  const times = signOutSettings.decode(env);
  for (const [name, field] of Object.entries(signOutSettings.fields))
    if (times[name as keyof typeof times] <= 0)
      throw new EnvironmentError(`${field.env} must be set (a positive number of seconds) with REVOKED_SESSIONS_TABLE`);
  return { revocation: { table, cacheSeconds, ...times } };
}
