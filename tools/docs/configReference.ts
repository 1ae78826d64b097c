/**
 * The config reference of docs/config.md: one row per key `Pulumi.yaml` declares, with its type,
 * default and description, in the file's order. The description is the one place a key is
 * described (the Pulumi CLI shows the same text); this only formats it for Markdown.
 */
import * as yaml from "js-yaml";

/** A key as `Pulumi.yaml` declares it (the Pulumi CLI's project config schema). */
export interface DeclaredKey {
  /** Unset for a structured value the CLI does not type (a list of objects, e.g. identityProviders). */
  type?: "string" | "integer" | "boolean" | "array";
  items?: { type: string };
  description?: string;
  default?: unknown;
  secret?: boolean;
}

/** The `config:` block of a `Pulumi.yaml`, in the file's order. */
export function declaredKeys(pulumiYaml: string): Record<string, DeclaredKey> {
  const project = yaml.load(pulumiYaml) as { config?: Record<string, DeclaredKey> };
  return project.config ?? {};
}

function typeOf(key: DeclaredKey): string {
  if (key.type === undefined) return Array.isArray(key.default) ? "object[]" : "object";
  return key.type === "array" ? `${key.items?.type ?? "string"}[]` : key.type;
}

/** No default: the stack must set it. The empty string: unset. Anything else, as written in YAML. */
function defaultOf(key: DeclaredKey): string {
  if (key.default === undefined) return "(required)";
  if (key.default === "") return "none";
  return `\`${JSON.stringify(key.default).replace(/^"(.*)"$/, "$1")}\``;
}

/**
 * A description as a table cell: `|`, `*`, `<` and `>` escaped (no pipe ends the cell, no tag or
 * emphasis is read into free text), declared key names (camelCase) in code, and `docs/<page>.md#<anchor>`
 * references as links from docs/ itself.
 */
function cell(description: string, keys: Set<string>): string {
  return description
    .replace(/[|*]/g, (c) => `\\${c}`)
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/(^|[\s(])([A-Za-z][A-Za-z0-9]*)(?=$|[\s,.;:)'])/g, (all, before: string, word: string) =>
      keys.has(word) && /[a-z][A-Z]/.test(word) ? `${before}\`${word}\`` : all,
    )
    .replace(/(^|[\s(])docs\/([a-z-]+\.md)(#[a-z0-9-]+)?/g, "$1[docs/$2$3]($2$3)");
}

/** The Markdown table of every declared key. */
export function configTable(pulumiYaml: string): string {
  const declared = declaredKeys(pulumiYaml);
  const names = new Set(Object.keys(declared));
  const rows = Object.entries(declared).map(
    ([name, key]) => `| \`${name}\` | ${typeOf(key)} | ${defaultOf(key)} | ${cell(key.description ?? "", names)} |`,
  );
  return ["| key | type | default | description |", "|---|---|---|---|", ...rows].join("\n");
}
