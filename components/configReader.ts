import type { Input } from "@pulumi/pulumi";

/**
 * Reading `notes-auth:*` keys: typed, validated, and every error names the key and what is
 * allowed. Pure (no Pulumi runtime), so the stack config and every door's own keys are parsed
 * and tested the same way. Each key is declared in Pulumi.yaml and documented in docs/config.md (generated from
 * Pulumi.yaml).
 */

/** A config value is wrong: the message names the key (`notes-auth:<key>`) and what is allowed. */
export class ConfigError extends Error {
  constructor(
    public readonly key: string,
    message: string,
  ) {
    super(`notes-auth:${key} ${message}`);
    this.name = "ConfigError";
  }
}

/** Looks a key up (without the `notes-auth:` prefix); undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/** What a list entry must look like, for the error message. */
export interface ItemRule {
  pattern: RegExp;
  what: string;
}

export const HTTPS_URL: ItemRule = { pattern: /^https:\/\/[^\s*]+$/, what: "an https:// URL" };
export const REDIRECT_URL: ItemRule = {
  pattern: /^(https:\/\/[^\s*]+|http:\/\/localhost(:\d+)?(\/[^\s*]*)?)$/,
  what: "an https:// URL (or http://localhost for development)",
};
export const ORIGIN: ItemRule = {
  pattern: /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/,
  what: "an origin such as https://app.example.com (never *)",
};
export const CLIENT_NAME: ItemRule = { pattern: /^[A-Za-z0-9_-]{1,64}$/, what: "1-64 letters, digits, _ or -" };
export const PRINCIPAL_ARN: ItemRule = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@\/-]+|user\/[\w+=,.@\/-]+)$/,
  what: "an IAM role, user or account-root ARN",
};

/**
 * Why Cognito would refuse a group name, or undefined: CreateGroup's GroupName is 1-128 characters
 * matching [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (letters, marks, symbols, numbers, punctuation: no spaces
 * or control characters). https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
 */
export function cognitoGroupNameProblem(name: string): string | undefined {
  if ([...name].length > 128)
    return `Cognito group names are at most 128 characters (this one has ${[...name].length})`;
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(name))
    return (
      "Cognito group names are letters, marks, symbols, digits and punctuation only (pattern " +
      "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+: no spaces or control characters)"
    );
  return undefined;
}

/** Typed access to the keys; one instance per program run. */
export class ConfigReader {
  /**
   * @param get plain lookup of a key
   * @param getSecret how a secret key is read (`config.requireSecret` in a program); by default the plain value
   */
  constructor(
    private readonly get: ConfigLookup,
    private readonly getSecret: (key: string) => Input<string> = (k) => get(k) ?? "",
  ) {}

  /** A trimmed string, or undefined when unset or blank. */
  str(key: string): string | undefined {
    const v = this.get(key);
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.str(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(key, `is required: set it to one of ${allowed.join(", ")}`);
    }
    if (!(allowed as readonly string[]).includes(v))
      throw new ConfigError(key, `is "${v}": it must be one of ${allowed.join(", ")}`);
    return v as T;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.str(key);
    if (v === undefined) return fallback;
    if (v === "true") return true;
    if (v === "false") return false;
    throw new ConfigError(key, `is "${v}": it must be true or false`);
  }

  /** A boolean with no default: undefined when unset, so a caller can require an explicit choice. */
  choice(key: string): boolean | undefined {
    return this.str(key) === undefined ? undefined : this.bool(key, false);
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const v = this.str(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError(key, `is "${v}": it must be a whole number from ${min} to ${max}`);
    return n;
  }

  list(key: string, item?: ItemRule): string[] {
    const v = this.str(key);
    if (v === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new ConfigError(
        key,
        `must be a list of strings (pulumi config set --path '${key}[0]' VALUE), not ${JSON.stringify(v)}`,
      );
    }
    if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string" || x.trim() === ""))
      throw new ConfigError(key, `must be a list of non-empty strings`);
    const items = parsed.map((x: string) => x.trim());
    if (new Set(items).size !== items.length) throw new ConfigError(key, `has a duplicate entry`);
    if (item) {
      const bad = items.find((x) => !item.pattern.test(x));
      if (bad !== undefined) throw new ConfigError(key, `has "${bad}": each entry must be ${item.what}`);
    }
    return items;
  }

  /**
   * A list of objects (`pulumi config set --path '<key>[0].name' VALUE`, which reaches the program as JSON): each
   * entry's fields are checked by the caller, who names them as `<key>[<i>].<field>`.
   */
  objects(key: string): Record<string, unknown>[] {
    const v = this.str(key);
    if (v === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((x) => x === null || typeof x !== "object" || Array.isArray(x)))
      throw new ConfigError(key, `must be a list of objects (pulumi config set --path '${key}[0].name' VALUE)`);
    return parsed as Record<string, unknown>[];
  }

  url(key: string): string | undefined {
    const v = this.str(key);
    if (v !== undefined && !HTTPS_URL.pattern.test(v))
      throw new ConfigError(key, `is "${v}": it must be an https:// URL`);
    return v;
  }

  arn(key: string, service: string): string | undefined {
    const v = this.str(key);
    if (v !== undefined && !new RegExp(`^arn:aws[a-z-]*:${service}:`).test(v))
      throw new ConfigError(key, `is "${v}": it must be an arn:aws:${service}:… ARN`);
    return v;
  }

  /** A secret key (`pulumi config set --secret`): present or not is checked here, the value stays secret. */
  secret(key: string): Input<string> | undefined {
    return this.str(key) === undefined ? undefined : this.getSecret(key);
  }

  /** Keys that must be set together: all or none. Throws naming the first missing one. */
  together(keys: readonly string[], why: string): boolean {
    const set = keys.filter((k) => this.str(k) !== undefined);
    if (set.length === 0) return false;
    const missing = keys.filter((k) => !set.includes(k));
    if (missing.length > 0)
      throw new ConfigError(missing[0], `is required when ${why} (missing: ${missing.join(", ")})`);
    return true;
  }
}
