/**
 * IAM and STS quotas: "Role trust policy length: 2,048 characters" (the default; it can be raised
 * to 4,096), counted without white space, and 1,000 roles in an account by default. Role and user
 * names are at most 64 characters, paths at most 512.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const IAM_QUOTAS = { trustPolicyChars: 2048, rolesPerAccount: 1000, nameChars: 64, pathChars: 512 } as const;

/** A policy document's size as IAM counts it against its quota: characters other than white space. */
export function policyChars(doc: unknown): number {
  return (typeof doc === "string" ? doc : JSON.stringify(doc)).replace(/\s/g, "").length;
}

/** The AWS principals (`Principal.AWS`) the Allow statements of a trust policy name. */
export function trustedAwsPrincipals(doc: unknown): string[] {
  const parsed = (typeof doc === "string" ? JSON.parse(doc) : doc) as { Statement?: unknown } | undefined;
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return list(parsed?.Statement as { Effect?: string; Principal?: { AWS?: string | string[] } }[])
    .filter((s) => s?.Effect === "Allow")
    .flatMap((s) => list(s.Principal?.AWS));
}
