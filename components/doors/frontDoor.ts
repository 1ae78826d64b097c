import * as pulumi from "@pulumi/pulumi";
import { AuthMode, StackConfig } from "../config";
import { NotesBackend } from "../backend/notesBackend";
import { UserDirectory } from "../userDirectory";

/** What every front door gives the stack. */
export interface FrontDoor {
  readonly mode: AuthMode;
  /** Where clients send requests. */
  readonly url: pulumi.Output<string>;
  /** Environment the handler needs to derive the principal for this door (no secrets). */
  readonly handlerEnvironment: pulumi.Output<Record<string, string>>;
  /** Everything a client needs to sign in and call the API (plain: no secrets). */
  readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  /** Secret values (API keys, client secrets), exported only as Pulumi secrets. */
  readonly secrets?: pulumi.Output<Record<string, unknown>>;
}

/** The arguments every door receives from the stack. */
export interface FrontDoorArgs {
  /** The one backend; the door routes to its function. */
  backend: NotesBackend;
  /** The stack's user directory; undefined when the door uses an external IdP. */
  users?: UserDirectory;
  /** The validated stack config. */
  config: StackConfig;
}

/** Handler variables that every door sets the same way. */
export function baseHandlerEnvironment(mode: AuthMode, cfg: StackConfig, users?: UserDirectory): pulumi.Output<Record<string, string>> {
  return pulumi.all([users?.issuer, users?.userPoolId]).apply(([issuer, poolId]): Record<string, string> => ({
    AUTH_MODE: mode,
    ADMIN_GROUP: cfg.adminGroup,
    CORS_ALLOWED_ORIGINS: cfg.corsOrigins.join(","),
    ...(issuer ? { COGNITO_ISSUER: issuer } : {}),
    ...(poolId ? { USER_POOL_ID: poolId } : {}),
  }));
}

/** A plain record of (possibly nested) inputs as one output, typed for FrontDoor fields. */
export function record(value: pulumi.Input<Record<string, unknown>>): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(value).apply((v): Record<string, unknown> => v as Record<string, unknown>);
}

/** Merges extra door-specific handler variables over the base ones. */
export function withHandlerEnvironment(
  base: pulumi.Output<Record<string, string>>,
  extra: pulumi.Input<Record<string, pulumi.Input<string>>>,
): pulumi.Output<Record<string, string>> {
  return pulumi.all([base, pulumi.output(extra)]).apply(([b, e]) => ({ ...b, ...(e as Record<string, string>) }));
}

/** The user directory a door cannot work without; a programming error if the stack forgot it. */
export function requireUsers(args: FrontDoorArgs, door: string): UserDirectory {
  if (!args.users) throw new Error(`${door} needs the stack's UserDirectory`);
  return args.users;
}
