import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { ConfigError, RETIRED_KEYS } from "./config";
import { ResolvedConfig, parseStackConfig } from "./resolvedConfig";

/**
 * The stack's config as the Pulumi CLI and this program see it, in one module:
 *
 * 1. The CLI's own project-config rules, which it applies to Pulumi.yaml and Pulumi.<stack>.yaml
 *    before the program runs (`pulumi preview` and `pulumi up` stop with its message). Followed
 *    from the CLI source, pulumi/pulumi:
 *    - sdk/go/common/workspace/project.go, `(*Project).Validate` and `ValidateConfigValue`: the
 *      declarations themselves (an array declares its `items`, a default has the declared type,
 *      not both `default` and `value`) and what a value of each type may be;
 *    - sdk/go/common/workspace/config.go, `mergeConfig`, `missingStackConfigurationKeysError`,
 *      `validateStackConfigValues` and `validateStackConfigValue`: a project key without a default
 *      or value must be set by the stack; the project's defaults are merged into the stack as
 *      plain values; then every typed key is checked: a key declared `secret: true` must hold an
 *      encrypted value (a merged default is plain, so a secret key with a default is refused in
 *      every stack that does not set it), and the value must have the declared type.
 *    `npm run plan` and `npm start` apply them (projectConfigRefusal), and the specs apply them to
 *    every shipped stack file and every config the tests and reports run.
 * 2. The program's own rules, which the CLI does not have: a `notes-auth:` key that Pulumi.yaml
 *    does not declare (a misspelling would otherwise be ignored), and a key the program reads as
 *    a secret given in plain text. Both stop the program before any resource (readStackConfig).
 */

/** The project's name: the namespace of its own config keys. */
export const PROJECT_NAME = "notes-auth";

/** Keys read as Pulumi secrets (`pulumi config set --secret`): the program refuses a plain-text value. */
export const SECRET_KEYS = ["oidcClientSecret", "identityProviderSecrets"] as const;

export type ConfigTypeName = "string" | "integer" | "boolean" | "array";

export interface ProjectConfigItems {
  type: ConfigTypeName;
  items?: ProjectConfigItems;
}

/** One key of Pulumi.yaml's `config` block (ProjectConfigType in project.go). */
export interface ProjectConfigType {
  type?: ConfigTypeName;
  items?: ProjectConfigItems;
  description?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export interface ProjectFile {
  name: string;
  config: Record<string, ProjectConfigType>;
}

/**
 * A stack's config: `values` as Pulumi.<stack>.yaml holds them (a key without a namespace is the project's), and which
 * keys are encrypted.
 */
export interface StackValues {
  values: Record<string, unknown>;
  /** Keys whose stack value is encrypted (`secure:` in the stack file, `pulumi config set --secret`). */
  secure?: readonly string[];
}

const ROOT = path.join(__dirname, "..");

/** Pulumi.yaml, parsed (the project's declared config keys). */
export function readProject(file = path.join(ROOT, "Pulumi.yaml")): ProjectFile {
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Partial<ProjectFile>;
  return { name: String(doc.name ?? ""), config: (doc.config ?? {}) as Record<string, ProjectConfigType> };
}

/**
 * A value as the CLI's config.Value holds it: scalars as their text, lists and maps as JSON (createConfigValue,
 * config.Value.Object).
 */
function asConfigContent(value: unknown): unknown {
  return value !== null && typeof value === "object" ? value : String(value);
}

/** Go's strconv.Atoi: an optional sign, decimal digits, within int64. */
function goAtoi(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** project.go `ValidateConfigValue`: whether a value (as config content) has the declared type. */
export function configValueHasType(type: string, items: ProjectConfigItems | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && goAtoi(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    default:
      if (!Array.isArray(value) || items === undefined) return false;
      return value.every((item) => configValueHasType(items.type, items.items, item));
  }
}

/** project.go `InferFullTypeName`: `array<string>` and the like. */
function fullTypeName(type: string, items?: ProjectConfigItems): string {
  return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** A project key's namespace and name (config.go `parseConfigKey`). */
function splitKey(project: ProjectFile, key: string): { namespace: string; name: string } {
  const colon = key.indexOf(":");
  return colon < 0
    ? { namespace: project.name, name: key }
    : { namespace: key.slice(0, colon), name: key.slice(colon + 1) };
}

/** project.go `(*Project).Validate`: what the CLI refuses in Pulumi.yaml's own declarations, with its message. */
export function projectRefusal(project: ProjectFile): string | undefined {
  if (!project.name) return "project is missing a 'name' attribute";
  for (const [key, decl] of Object.entries(project.config)) {
    if (decl.default !== undefined && decl.value !== undefined)
      return `project config '${key}' cannot have both a 'default' and 'value' attribute`;
    const own = splitKey(project, key).namespace === project.name;
    if (own) {
      if (decl.type === "array" && decl.items === undefined)
        return (
          `The configuration key '${key}' declares an array but does not specify the underlying type via the ` +
          `'items' attribute`
        );
      if (
        decl.type !== undefined &&
        decl.default !== undefined &&
        !configValueHasType(decl.type, decl.items, decl.default)
      ) {
        return (
          `The default value specified for configuration key '${key}' is not of the expected type ` +
          `'${fullTypeName(decl.type, decl.items)}'`
        );
      }
    } else {
      if (decl.type !== undefined)
        return `Configuration key '${key}' is not namespaced by the project and should not define a type`;
      if (decl.default !== undefined)
        return (
          `Configuration key '${key}' is not namespaced by the project and should not define a default value. ` +
          `Did you mean to use the 'value' attribute instead of 'default'?`
        );
      if (decl.value === undefined)
        return `Configuration key '${key}' is namespaced and must provide an attribute 'value'`;
    }
  }
  return undefined;
}

/** config.go `formatMissingKeys` and `missingStackConfigurationKeysError`. */
function missingKeysMessage(stackName: string, missing: string[]): string {
  const sorted = [...missing].sort();
  const list =
    sorted.length === 1
      ? `'${sorted[0]}'`
      : sorted
          .map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `))
          .join("");
  return `Stack '${stackName}' is missing configuration ${sorted.length > 1 ? "values" : "value"} ${list}`;
}

/**
 * config.go `mergeConfig` then `validateStackConfigValues`: what the CLI refuses in a stack's config
 * before the program runs, with the CLI's own message; undefined when the CLI accepts it. An
 * encrypted value's type is not checked here (the CLI decrypts it first; offline there is no key).
 */
export function stackConfigRefusal(stackName: string, project: ProjectFile, stack: StackValues): string | undefined {
  const refused = projectRefusal(project);
  if (refused) return refused;
  const secure = new Set(stack.secure ?? []);
  const lookup = (key: string): { found: boolean; value?: unknown; secure: boolean } => {
    const { namespace, name } = splitKey(project, key);
    for (const k of namespace === project.name ? [name, `${namespace}:${name}`] : [`${namespace}:${name}`]) {
      if (k in stack.values && stack.values[k] !== undefined && stack.values[k] !== null)
        return { found: true, value: stack.values[k], secure: secure.has(k) || stack.values[k] === "<secure>" };
    }
    return { found: false, secure: false };
  };
  const keys = Object.keys(project.config).sort();
  const missing: string[] = [];
  const merged = new Map<string, { value: unknown; secure: boolean }>();
  for (const key of keys) {
    const decl = project.config[key];
    const onStack = lookup(key);
    const hasDefault = decl.default !== undefined;
    const hasValue = decl.value !== undefined;
    if (onStack.found) merged.set(key, { value: onStack.value, secure: onStack.secure });
    else if (hasValue || hasDefault) merged.set(key, { value: hasDefault ? decl.default : decl.value, secure: false });
    else if (splitKey(project, key).namespace === project.name) missing.push(key);
  }
  if (missing.length > 0) return missingKeysMessage(stackName, missing);
  for (const key of keys) {
    const decl = project.config[key];
    const value = merged.get(key);
    if (decl.type === undefined || value === undefined) continue;
    if (decl.secret && !value.secure)
      return `Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`;
    if (value.secure) continue;
    if (!configValueHasType(decl.type, decl.items, asConfigContent(value.value))) {
      return (
        `Stack '${stackName}' with configuration key '${key}' must be of type ` +
        `'${fullTypeName(decl.type, decl.items)}'`
      );
    }
  }
  return undefined;
}

/** Levenshtein distance, case-insensitive (as the CLI's findClosestKey compares attribute names). */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[t.length];
}

/** The declared key nearest to `key` (smallest edit distance; the first alphabetically on a tie). */
export function nearestDeclaredKey(project: ProjectFile, key: string): string {
  const own = Object.keys(project.config)
    .filter((k) => splitKey(project, k).namespace === project.name)
    .sort();
  return own.reduce((best, k) => (distance(key, k) < distance(key, best) ? k : best), own[0]);
}

/**
 * The program's rule: every `notes-auth:` key the stack sets is declared in Pulumi.yaml (a retired
 * key gets its own message from the parser). `setKeys` are full keys (`notes-auth:authMode`) or
 * bare project keys. The error names the key and the nearest declared one.
 */
export function undeclaredKeyError(project: ProjectFile, setKeys: readonly string[]): ConfigError | undefined {
  for (const full of [...setKeys].sort()) {
    const { namespace, name } = splitKey(project, full);
    if (namespace !== project.name || name in project.config || name in RETIRED_KEYS) continue;
    const near = nearestDeclaredKey(project, name);
    const close = distance(name, near) <= Math.max(2, Math.floor(name.length / 4));
    return new ConfigError(
      name,
      `is not a key of this program (Pulumi.yaml declares no such key), so it would be ignored: ` +
        `${close ? `did you mean notes-auth:${near}?` : `the nearest declared key is notes-auth:${near}`} ` +
        `(docs/config.md)`,
    );
  }
  return undefined;
}

/**
 * What `npm run plan` and `npm start` refuse before running the program: the CLI's rules, with the
 * CLI's message (as `pulumi preview` would print it, prefixed so the source is clear).
 */
export function projectConfigRefusal(
  stackName: string,
  stack: StackValues,
  project: ProjectFile = readProject(),
): string | undefined {
  const refused = stackConfigRefusal(stackName, project, stack);
  return refused === undefined
    ? undefined
    : `the Pulumi CLI would refuse this stack before the program runs: ${refused}`;
}

/** The Pulumi SDK's own test of whether a config key's value was given encrypted (what Config.get uses to warn). */
function isConfigSecret(fullKey: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sdk = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (typeof sdk.isConfigSecret !== "function")
    throw new Error(
      "@pulumi/pulumi no longer exports runtime/config isConfigSecret: update components/pulumiConfig.ts",
    );
  return sdk.isConfigSecret(fullKey);
}

/**
 * Reads `notes-auth:*` from the stack and validates it, the door's own keys included. A bad key
 * stops the program with a message that names it; nothing has been created yet at that point.
 */
export function readStackConfig(config: pulumi.Config, project: ProjectFile = readProject()): ResolvedConfig {
  const secret = new Set<string>(SECRET_KEYS);
  try {
    const undeclared = undeclaredKeyError(project, Object.keys(pulumi.runtime.allConfig()));
    if (undeclared) throw undeclared;
    for (const key of SECRET_KEYS) {
      const full = `${config.name}:${key}`;
      const v = pulumi.runtime.getConfig(full);
      if (v !== undefined && v.trim() !== "" && !isConfigSecret(full)) {
        throw new ConfigError(
          key,
          `is set in plain text: it is a secret, so set it encrypted (pulumi config set --secret ${full} ` +
            `<value>); the stack file must never hold it readable`,
        );
      }
    }
    // Secret keys are only checked for presence here (no plaintext read), then read as secrets.
    return parseStackConfig(
      (key) => (secret.has(key) ? pulumi.runtime.getConfig(`${config.name}:${key}`) : config.get(key)),
      (key) => config.requireSecret(key),
      pulumi.getStack(),
      // The AWS provider's region: aws:region, else the environment it falls back to.
      new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    );
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
