/**
 * What the program writes into the notes function's environment whatever the door: the stack's
 * settings (components/stack.ts) and the backend's (components/backend/notesBackend.ts). The
 * handler decodes them (handlers/env.ts).
 */
import type { AuthMode } from "./authModes";
import { SettingsOf, flag, list, optional, positive, settings, text, whole } from "./settings";

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
  /** The primary door: its settings are under their own names (handlers/contract/doors/index.ts). */
  authMode: text("AUTH_MODE"),
  adminGroup: text("ADMIN_GROUP"),
  corsOrigins: list("CORS_ALLOWED_ORIGINS"),
  /** The stack's own user pool, when it has one: its tokens' `iss`, and its id. */
  cognitoIssuer: optional("COGNITO_ISSUER"),
  userPoolId: optional("USER_POOL_ID"),
  /** Refuse machine principals that present no client certificate (`mtlsRequiredForMachines`). */
  mtlsRequiredForMachines: flag("MTLS_REQUIRED_FOR_MACHINES"),
});

/**
 * Every door the function serves, the primary among them; unset: the primary alone (an
 * environment written for one door).
 */
export const doorsSettings = settings({ doors: list("DOORS") });

/** The stack's settings as the handler holds them once decoded (authMode checked to be a door). */
export type StackEnv = Omit<SettingsOf<typeof stackSettings>, "authMode"> & { authMode: AuthMode };

/** How long a container trusts a "not revoked" answer when `revocationCacheSeconds` is unset. */
export const DEFAULT_REVOCATION_CACHE_SECONDS = 5;

/**
 * Revocation (`revocation: true`), as both the notes function and the Lambda authorizer read it: the revoked sessions
 * table (unset: revocation is off) and how long a "not revoked" answer is trusted in a container
 * (`revocationCacheSeconds`). The backend component writes it (components/backend/notesBackend.ts).
 */
export const revocationSettings = settings({
  table: optional("REVOKED_SESSIONS_TABLE"),
  cacheSeconds: whole("REVOCATION_CACHE_SECONDS", DEFAULT_REVOCATION_CACHE_SECONDS),
});

/**
 * What only the notes function needs to record a sign-out: how long a signed-out session's tokens can still turn up,
 * in seconds: the refresh token's lifetime (a refresh mints tokens of the same session until then), for which every
 * sign-out record lives (it is never shortened: handlers/sessions/signOut.ts).
 */
export const signOutSettings = settings({
  refreshSeconds: whole("SESSION_REFRESH_SECONDS", 0),
});
