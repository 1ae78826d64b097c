/**
 * Why `name` cannot be a groups claim (`groupsClaim`), or undefined when it can: a claim name or a
 * dotted path, printable, without spaces or empty segments (the program refuses it before any resource).
 */
export function groupsClaimProblem(name: string): string | undefined {
  if (!/^[\x21-\x7e]{1,200}$/.test(name) || name.split(".").some((part) => part === ""))
    return (
      `is "${name}": it must be a claim name or a dotted path such as groups, roles or realm_access.roles ` +
      `(printable, no spaces, no empty segment)`
    );
  return undefined;
}
