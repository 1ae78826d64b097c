import * as crypto from "crypto";
import { IAM_QUOTAS, policyChars } from "../../../awsRules/iamQuotas";
import { ConfigError } from "../../configReader";
import type { Statement } from "../../iamPolicy";

/**
 * The `iam` door's machines: one IAM role per principal listed in `machineRolePrincipals`, so
 * each machine is its own principal (`iam:<its role ARN>`) and reaches only its own notes. A
 * shared role would make every machine the same principal: the handler keys a role session on
 * its role, never on the session name the caller picks (handlers/doors/iam.ts).
 *
 * Pure rules here, used by the component, its config check and the policy pack.
 */

/** What a principal must also show to assume its machine role (at least one, with principals). */
export interface MachineRoleCondition {
  externalId?: string;
  orgId?: string;
}

/**
 * The key of a principal's machine role: the first 10 hex digits of the SHA-256 of the principal
 * as listed. It names the Pulumi resource (`<door>-machine-<key>`, so the role's URN and its IAM
 * name, autonamed from it, stay the same when other principals are added, removed or reordered)
 * and fits IAM's 64-character role names with Pulumi's random suffix.
 */
export function machineRoleKey(principal: string): string {
  return crypto.createHash("sha256").update(principal).digest("hex").slice(0, 10);
}

/** The one trust statement of a machine's role: that principal, `sts:AssumeRole`, with the condition. */
export function machineTrustStatement(principal: string, condition: MachineRoleCondition | undefined): Statement {
  return {
    Effect: "Allow",
    Principal: { AWS: principal },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: {
        ...(condition?.externalId ? { "sts:ExternalId": condition.externalId } : {}),
        ...(condition?.orgId ? { "aws:PrincipalOrgID": condition.orgId } : {}),
      },
    },
  };
}

/** A trust policy's size as IAM counts it (IAM quotas: no white space). */
export function trustPolicyChars(statements: Statement[]): number {
  return policyChars({ Version: "2012-10-17", Statement: statements });
}

/**
 * Refuses, before any resource, principals whose roles AWS would refuse: more roles than an
 * account holds by default, a role or user name or path longer than IAM allows, or a trust policy
 * (one principal and the condition) longer than the default trust policy quota. Each entry's form
 * (an IAM role, user or account-root ARN) is checked when the list is read (PRINCIPAL_ARN).
 */
export function checkMachinePrincipals(principals: string[], condition: MachineRoleCondition | undefined): void {
  const q = IAM_QUOTAS;
  if (principals.length > q.rolesPerAccount) {
    throw new ConfigError(
      "machineRolePrincipals",
      `lists ${principals.length} principals: each gets its own role, and an account holds ${q.rolesPerAccount} ` +
        `roles by default (IAM quotas; the account's other roles count too)`,
    );
  }
  // One machine, one principal: IAM names are unique without regard to case, so two entries
  // that differ only in case are one role or user; and a role trusting an account's root may be
  // assumed by every principal of that account that its own policies allow, so a root beside
  // another entry of its account would let that machine act as both.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (names), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
  const seen = new Map<string, string>();
  for (const p of principals) {
    const earlier = seen.get(p.toLowerCase());
    if (earlier !== undefined)
      throw new ConfigError(
        "machineRolePrincipals",
        `has "${earlier}" and "${p}": IAM names are case-insensitive, so they are one principal`,
      );
    seen.set(p.toLowerCase(), p);
  }
  for (const root of principals.filter((p) => p.endsWith(":root"))) {
    const account = root.split(":")[4];
    const other = principals.find((p) => p !== root && p.split(":")[4] === account);
    if (other !== undefined) {
      throw new ConfigError(
        "machineRolePrincipals",
        `has "${root}" and "${other}": a role that trusts an account's root may be assumed by any principal of ` +
          `that account its own policies allow, so "${other}" could act as both machines; list either the root or ` +
          `that account's roles and users`,
      );
    }
  }
  for (const p of principals) {
    const m = /:(?:role|user)(\/.*\/|\/)([^/]+)$/.exec(p);
    if (m && m[2].length > q.nameChars)
      throw new ConfigError(
        "machineRolePrincipals",
        `has "${p}": IAM role and user names are at most ${q.nameChars} characters`,
      );
    if (m && m[1].length > q.pathChars)
      throw new ConfigError("machineRolePrincipals", `has "${p}": IAM paths are at most ${q.pathChars} characters`);
    const size = trustPolicyChars([machineTrustStatement(p, condition)]);
    if (size > q.trustPolicyChars) {
      throw new ConfigError(
        "machineRolePrincipals",
        `has "${p.slice(0, 80)}…": its role's trust policy (the principal and machineRoleExternalId / ` +
          `machineRoleOrgId) would be ${size} characters, above IAM's default quota of ${q.trustPolicyChars}`,
      );
    }
  }
}
