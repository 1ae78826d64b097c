import { ConfigError, ConfigReader, cognitoGroupNameProblem } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { REST_MINIMAL_CONFIG, restOptions } from "../restDoor";
import { DoorModule } from "../door";
import {
  LAMBDA_AUTHORIZER_DOOR_TYPE,
  LambdaAuthorizerCitation,
  LambdaAuthorizerFrontDoor,
  LambdaAuthorizerFrontDoorArgs,
  PlanSpec,
  QUOTA_PERIODS,
} from "./component";

/** The tiers when `authorizerPlans` is unset: a default tier, and a `pro` group with higher limits. */
export const DEFAULT_PLANS = [
  "name=free,rate=5,burst=10,quota=1000,period=DAY",
  "name=pro,group=pro,rate=50,burst=100,quota=100000,period=MONTH",
];

const PLAN_FIELDS = ["name", "group", "scope", "rate", "burst", "quota", "period"] as const;

/** `name=pro,group=pro,rate=50,burst=100,quota=100000,period=MONTH` -> a PlanSpec, or a ConfigError naming the key. */
function parsePlan(text: string): PlanSpec {
  const bad = (why: string) =>
    new ConfigError(
      "authorizerPlans",
      `has "${text}": ${why} (e.g. "name=pro,group=pro,rate=50,burst=100,quota=100000,period=MONTH")`,
    );
  const f: Record<string, string> = {};
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const k = part.slice(0, eq).trim();
    if (eq <= 0 || !(PLAN_FIELDS as readonly string[]).includes(k))
      throw bad(`each part must be one of ${PLAN_FIELDS.join(", ")}=value`);
    f[k] = part.slice(eq + 1).trim();
  }
  const int = (k: string, min: number, max: number) => {
    const n = Number(f[k]);
    if (!Number.isInteger(n) || n < min || n > max) throw bad(`${k} must be a whole number from ${min} to ${max}`);
    return n;
  };
  if (!/^[a-z0-9-]{1,32}$/.test(f.name ?? "")) throw bad("name must be 1-32 lower-case letters, digits or -");
  if (f.group !== undefined && f.scope !== undefined) throw bad("match a group or a scope, not both");
  // A tier's group is a Cognito group of the pool (CreateGroup's GroupName rule).
  const groupProblem = f.group ? cognitoGroupNameProblem(f.group) : undefined;
  if (groupProblem) throw bad(`group "${f.group}": ${groupProblem}`);
  if (!(QUOTA_PERIODS as readonly string[]).includes(f.period ?? ""))
    throw bad(`period must be one of ${QUOTA_PERIODS.join(", ")}`);
  const plan: PlanSpec = {
    name: f.name,
    group: f.group || undefined,
    scope: f.scope || undefined,
    rateLimit: int("rate", 1, 10000),
    burstLimit: int("burst", 1, 5000),
    quotaLimit: int("quota", 1, 1_000_000_000),
    quotaPeriod: f.period as PlanSpec["quotaPeriod"],
  };
  if (plan.burstLimit < plan.rateLimit) throw bad("burst must be at least rate");
  return plan;
}

/**
 * `authorizerPlans` (DEFAULT_PLANS when unset), read and checked whatever the doors: the tiers'
 * groups are the stack's (components/identities.ts), so a user keeps their tier across a switch.
 */
export function readPlans(config: ConfigReader, adminGroup: string): PlanSpec[] {
  const texts = config.list("authorizerPlans");
  const plans = (texts.length > 0 ? texts : DEFAULT_PLANS).map(parsePlan);
  const dup = (values: (string | undefined)[]) =>
    values.filter((v): v is string => v !== undefined).find((v, i, all) => all.indexOf(v) !== i);
  const name = dup(plans.map((p) => p.name));
  if (name) throw new ConfigError("authorizerPlans", `names the plan "${name}" twice`);
  const group = dup(plans.map((p) => p.group));
  if (group) throw new ConfigError("authorizerPlans", `gives the group "${group}" two plans`);
  if (plans.some((p) => p.group === adminGroup))
    throw new ConfigError("authorizerPlans", `uses the admin group "${adminGroup}" as a tier`);
  if (plans.filter((p) => !p.group && !p.scope).length !== 1)
    throw new ConfigError(
      "authorizerPlans",
      "needs exactly one default plan (without group and scope), for callers in no listed group",
    );
  return plans;
}

/**
 * `lambda-authorizer`: API Gateway REST + a REQUEST Lambda authorizer that verifies any OIDC token and tiers callers.
 */
export const lambdaAuthorizerDoor: DoorModule<
  "lambda-authorizer",
  LambdaAuthorizerFrontDoorArgs,
  LambdaAuthorizerCitation
> = {
  mode: "lambda-authorizer",
  componentType: LAMBDA_AUTHORIZER_DOOR_TYPE,
  minimalConfig: REST_MINIMAL_CONFIG,
  argsFrom(config, stack) {
    const issuer = config.url("authorizerIssuer");
    const audiences = config.list("authorizerAudiences");
    if ((issuer === undefined) !== (audiences.length === 0)) {
      throw new ConfigError(
        issuer ? "authorizerAudiences" : "authorizerIssuer",
        "must be set together with the other: an external issuer needs its audiences " +
          "(notes-auth:authorizerIssuer and notes-auth:authorizerAudiences)",
      );
    }
    const jwksUri = config.url("authorizerJwksUri");
    if (jwksUri && !issuer)
      throw new ConfigError(
        "authorizerJwksUri",
        "is where an external issuer's keys are: set notes-auth:authorizerIssuer too (the stack's pool keys are " +
          "found where Cognito documents them)",
      );
    const groupsClaim = config.str("groupsClaim");
    const badClaim = groupsClaim === undefined ? undefined : groupsClaimProblem(groupsClaim);
    if (badClaim) throw new ConfigError("groupsClaim", badClaim);
    if (groupsClaim && !issuer)
      throw new ConfigError(
        "groupsClaim",
        "names an external issuer's groups claim: set notes-auth:authorizerIssuer too (the stack's pool always " +
          "uses cognito:groups)",
      );
    return {
      externalIssuer: issuer ? { issuer, audiences, jwksUri, groupsClaim } : undefined,
      tokenUse: config.oneOf("authorizerTokenUse", ["id", "access"] as const, "access"),
      cacheTtlSeconds: config.int("authorizerCacheTtl", 300, 0, 3600),
      plans: readPlans(config, stack.adminGroup),
      adminGroup: stack.adminGroup,
      logRetentionDays: stack.logRetentionDays,
      tracing: stack.tracing,
      rest: restOptions(stack),
    };
  },
  usesUserPool: (args) => args.externalIssuer === undefined,
  create: (name, args, deps, opts) => new LambdaAuthorizerFrontDoor(name, args, deps, opts),
};
