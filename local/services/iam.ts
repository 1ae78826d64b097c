import * as crypto from "crypto";
import type { KnownCredentials } from "./sigv4";
import { NotEmulatedYet, RecordedProgram } from "../recorded";

/**
 * IAM, locally: the credentials the local services issue (STS, the identity pool, the printed
 * operator and machine principals), whom they belong to, and policy evaluation of the RECORDED
 * policies with @cloud-copilot/iam-simulate (identity policies, trust policies, an authorizer's
 * policy). Nothing here knows a door: a role's permissions are its recorded `RolePolicy`
 * documents, a role's trust is its recorded `assumeRolePolicy`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

type Policy = { Version?: string; Statement: unknown };

/** Who a set of credentials belongs to. */
export interface LocalPrincipal {
  /**
   * What IAM evaluates and API Gateway reports as `userArn`: a role session
   * (`arn:aws:sts::<account>:assumed-role/<role name>/<session>`), a user, or an account root.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
   */
  arn: string;
  account: string;
  /** A role session's role (`arn:aws:iam::<account>:role/<name>`). */
  roleArn?: string;
  /**
   * `$context.identity.user` / `caller`: the role's unique id and the session (`AROA…:<session>`), or the user's id.
   */
  userId: string;
  /** Identity policies when the principal is not one of the program's roles (its own account's grants). */
  policies?: Policy[];
  /** `aws:PrincipalOrgID`, when the principal is in an organization. */
  orgId?: string;
  /** Set on credentials a Cognito identity pool issued: what API Gateway puts in `requestContext.identity`. */
  cognito?: {
    identityPoolId: string;
    identityId: string;
    authenticationType: "authenticated" | "unauthenticated";
    authenticationProvider: string;
  };
}

export interface IssuedCredentials extends KnownCredentials {
  principal: LocalPrincipal;
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** Unique ids in AWS's shape: a 4-letter prefix (AKIA, ASIA, AROA, AIDA) and 16 upper-case letters or digits. */
function awsId(prefix: string, seed?: string): string {
  const bytes = seed ? crypto.createHash("sha256").update(seed).digest() : crypto.randomBytes(16);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + Array.from(bytes.subarray(0, 16), (b) => alphabet[b % 32]).join("");
}

const accountOfArn = (arn: string) => arn.split(":")[4];
const parsePolicy = (doc: unknown): Policy => (typeof doc === "string" ? JSON.parse(doc) : doc) as Policy;
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export class LocalIam {
  /** The program's account (from its recorded ARNs). */
  readonly account: string;
  private readonly issued = new Map<string, IssuedCredentials>();
  private readonly decisions = new Map<string, Promise<Decision>>();

  constructor(
    private readonly program: RecordedProgram,
    private readonly now: () => number = Date.now,
  ) {
    const someArn = program.run.resources
      .map((r) => r.state?.arn)
      .find((a) => typeof a === "string" && /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:/.test(a));
    this.account = someArn ? accountOfArn(someArn) : "123456789012";
    const unread = this.assumableRolesWithManagedPolicies();
    if (unread.length > 0)
      throw new NotEmulatedYet(
        `managed policies on ${unread.join(", ")}: local mode decides execute-api calls from inline role ` +
          `policies (RolePolicy) only`,
      );
  }

  /**
   * Roles a client can assume (an identity pool's, or one that trusts another account) that also
   * have managed policies attached: their permissions would be decided without those policies.
   */
  private assumableRolesWithManagedPolicies(): string[] {
    const attached = new Set(
      this.program.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => String(a.inputs.role)),
    );
    return this.program
      .ofType("aws:iam/role:Role")
      .filter((role) => {
        const trust = role.inputs.assumeRolePolicy ? parsePolicy(role.inputs.assumeRolePolicy) : undefined;
        const assumable = asList(trust?.Statement as { Principal?: { Federated?: unknown; AWS?: unknown } }[]).some(
          (st) =>
            asList(st?.Principal?.Federated as string[]).includes("cognito-identity.amazonaws.com") ||
            st?.Principal?.AWS !== undefined,
        );
        const managed =
          asList(role.inputs.managedPolicyArns as string[]).length > 0 ||
          [this.program.idOf(role), String(this.program.stateOf(role).name)].some((id) => attached.has(id));
        return assumable && managed;
      })
      .map((role) => role.name);
  }

  /** Issues credentials for a principal: temporary ones (ASIA…, with a session token) unless `longTerm`. */
  issue(principal: LocalPrincipal, opts: { ttlSeconds?: number; longTerm?: boolean } = {}): IssuedCredentials {
    const creds: IssuedCredentials = {
      accessKeyId: awsId(opts.longTerm ? "AKIA" : "ASIA"),
      secretAccessKey: crypto.randomBytes(30).toString("base64"),
      ...(opts.longTerm
        ? {}
        : {
            sessionToken: crypto.randomBytes(96).toString("base64"),
            expiration: this.now() + (opts.ttlSeconds ?? 3600) * 1000,
          }),
      principal,
    };
    this.issued.set(creds.accessKeyId, creds);
    return creds;
  }

  lookup(accessKeyId: string): IssuedCredentials | undefined {
    return this.issued.get(accessKeyId);
  }

  /** The recorded role with this ARN. */
  role(roleArn: string) {
    return this.program.ofType("aws:iam/role:Role").find((r) => this.program.stateOf(r).arn === roleArn);
  }

  /**
   * A session of a role: `arn:aws:sts::<account>:assumed-role/<role name>/<session>` (the role's
   * name, not its path), with the role's unique id.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
   */
  roleSession(roleArn: string, sessionName: string, extra: Partial<LocalPrincipal> = {}): LocalPrincipal {
    const m = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!m) throw new Error(`not a role ARN: ${roleArn}`);
    const [, partition, account, path] = m;
    const name = path.split("/").pop()!;
    return {
      arn: `arn:${partition}:sts::${account}:assumed-role/${name}/${sessionName}`,
      account,
      roleArn,
      userId: `${awsId("AROA", roleArn)}:${sessionName}`,
      ...extra,
    };
  }

  /**
   * The identity policies of a principal: a program role's recorded `RolePolicy` documents (inline policies), else its
   * own.
   */
  identityPolicies(principal: LocalPrincipal): Policy[] {
    if (principal.policies) return principal.policies;
    const role = principal.roleArn ? this.role(principal.roleArn) : undefined;
    if (!role) return [];
    const ids = new Set([this.program.idOf(role), String(this.program.stateOf(role).name), principal.roleArn]);
    return this.program
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .filter((p) => ids.has(String(p.inputs.role)))
      .map((p) => parsePolicy(p.inputs.policy));
  }

  /** The recorded trust policy of a role. */
  trustPolicy(roleArn: string): Policy | undefined {
    const role = this.role(roleArn);
    return role?.inputs.assumeRolePolicy ? parsePolicy(role.inputs.assumeRolePolicy) : undefined;
  }

  /** May the principal do `action` on `resource` by its identity policies (and, when given, a resource policy)? */
  evaluate(req: {
    principal: string;
    identityPolicies: Policy[];
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    resourcePolicy?: Policy;
    /** The resource's account, when its ARN names none (an S3 bucket's). */
    resourceAccount?: string;
  }): Promise<Decision> {
    const key = JSON.stringify(req);
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = simulate(req);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** A principal's identity policies on a resource of this account. */
  allows(
    principal: LocalPrincipal,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ): Promise<Decision> {
    return this.evaluate({
      principal: principal.arn,
      identityPolicies: this.identityPolicies(principal),
      action,
      resource,
      context,
      // A resource of the program (a bucket's ARN names no account) is in the program's account.
      resourceAccount: this.account,
    });
  }

  /**
   * Whether a role's recorded trust policy lets a principal (an ARN, or a federated or service
   * principal) assume it. Callers from another account are also subject to their own account's
   * policies, which local mode does not have: such a principal carries a grant of its own
   * (`policies`) saying its account lets it try.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
   */
  async trusts(
    roleArn: string,
    caller: { principal: string; policies: Policy[] },
    action: string,
    context: Record<string, string | string[]>,
  ): Promise<Decision> {
    const trust = this.trustPolicy(roleArn);
    if (!trust) return "ImplicitlyDenied";
    return this.evaluate({
      principal: caller.principal,
      identityPolicies: caller.policies,
      action,
      resource: roleArn,
      context,
      resourcePolicy: trust,
    });
  }

  /**
   * The AWS principals of other accounts that the recorded trust policies name (`Principal.AWS`):
   * local mode issues credentials for them, so a machine the stack trusts can be played locally.
   */
  trustedOutsiders(): { principal: string; roleArn: string; externalId?: string; orgId?: string }[] {
    const out: { principal: string; roleArn: string; externalId?: string; orgId?: string }[] = [];
    for (const role of this.program.ofType("aws:iam/role:Role")) {
      const trust = role.inputs.assumeRolePolicy ? parsePolicy(role.inputs.assumeRolePolicy) : undefined;
      for (const s of asList(trust?.Statement as any[])) {
        if (s?.Effect !== "Allow" || !asList(s.Action).includes("sts:AssumeRole")) continue;
        for (const p of asList<string>(s.Principal?.AWS)) {
          const arn = /^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p;
          if (accountOfArn(arn) === this.account) continue;
          const cond = s.Condition?.StringEquals ?? {};
          out.push({
            principal: arn,
            roleArn: String(this.program.stateOf(role).arn),
            externalId: cond["sts:ExternalId"],
            orgId: cond["aws:PrincipalOrgID"],
          });
        }
      }
    }
    return out;
  }

  /** The principal an outsider's ARN stands for: a session of its role, a user, or its account's root. */
  outsider(arn: string): LocalPrincipal {
    // Its own account lets it assume roles (local mode cannot see that account's policies).
    const policies: Policy[] = [
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] },
    ];
    if (/:role\//.test(arn)) return { ...this.roleSession(arn, "local"), policies };
    return { arn, account: accountOfArn(arn), userId: awsId("AIDA", arn), policies };
  }

  /**
   * The account's administrator, whose credentials local mode prints for the operator's tools (npm run smoke
   * --create-users).
   */
  operator(): LocalPrincipal {
    const arn = `arn:aws:iam::${this.account}:user/local-admin`;
    return {
      arn,
      account: this.account,
      userId: awsId("AIDA", arn),
      policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }],
    };
  }
}

type Simulate = typeof import("@cloud-copilot/iam-simulate").runSimulation;
let runSimulation: Simulate | undefined;

async function simulate(req: {
  principal: string;
  identityPolicies: Policy[];
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  resourcePolicy?: Policy;
  resourceAccount?: string;
}): Promise<Decision> {
  // Loaded on first use: it carries AWS's whole action catalogue.
  runSimulation ??= (await import("@cloud-copilot/iam-simulate")).runSimulation;
  const result = await runSimulation(
    {
      request: {
        principal: req.principal,
        action: req.action,
        resource: { resource: req.resource, accountId: accountOfArn(req.resource) || req.resourceAccount || "" },
        contextVariables: req.context ?? {},
      },
      identityPolicies: req.identityPolicies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`IAM evaluation failed: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== "single") throw new Error(`IAM evaluation of ${req.resource} matched several resources`);
  return result.overallResult as Decision;
}
