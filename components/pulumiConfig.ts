import * as pulumi from "@pulumi/pulumi";
import { ConfigError, ResolvedConfig, parseStackConfig } from "./config";

/** Keys read as Pulumi secrets (`pulumi config set --secret`). */
export const SECRET_KEYS = ["oidcClientSecret"] as const;

/**
 * Reads `notes-auth:*` from the stack and validates it, the door's own keys included. A bad key
 * stops the program with a message that names it; nothing has been created yet at that point.
 */
export function readStackConfig(config: pulumi.Config): ResolvedConfig {
  const secret = new Set<string>(SECRET_KEYS);
  try {
    // Secret keys are only checked for presence here (no plaintext read), then read as secrets.
    return parseStackConfig(
      (key) => (secret.has(key) ? pulumi.runtime.getConfig(`${config.name}:${key}`) : config.get(key)),
      (key) => config.requireSecret(key),
      pulumi.getStack(),
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
