import type { AuthMode } from "./authModes";

/** The caller as the backend sees it, whatever the door. */
export interface Principal {
  /** The partition key of the caller's notes: a user pool sub, or a prefixed machine id. */
  id: string;
  kind: "user" | "machine";
  door: AuthMode;
  groups: string[];
  scopes: string[];
  isAdmin: boolean;
}

/**
 * Groups from a `cognito:groups` claim as the gateways deliver it: an array, "admins",
 * "admins,other" or "[admins other]" (API Gateway stringifies lists).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value !== "string") return [];
  const inner = value.trim().replace(/^\[/, "").replace(/\]$/, "");
  return inner.split(/[\s,]+/).map((g) => g.trim()).filter(Boolean);
}

/** Scopes from a `scope` claim ("a b c") or an array. */
export function parseScopes(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  return typeof value === "string" ? value.split(/\s+/).filter(Boolean) : [];
}
