import { ConfigError, ConfigReader, cognitoGroupNameProblem } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { restOptions } from "../../rest/restApi";
import { DoorModule } from "../door";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, REST_MINIMAL_CONFIG, WAF_VARIANT, restCapabilities } from "../restFacts";
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

function readPlans(config: ConfigReader, adminGroup: string): PlanSpec[] {
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

/** `lambda-authorizer`: API Gateway REST + a REQUEST Lambda authorizer that verifies any OIDC token and tiers callers. */
export const lambdaAuthorizerDoor: DoorModule<
  "lambda-authorizer",
  LambdaAuthorizerFrontDoorArgs,
  LambdaAuthorizerCitation
> = {
  mode: "lambda-authorizer",
  componentType: LAMBDA_AUTHORIZER_DOOR_TYPE,
  facts: {
    title: "API Gateway REST + REQUEST Lambda authorizer (tiers by usage plan)",
    front: "API Gateway REST API",
    clientPresents: "a bearer JWT (Cognito or any OIDC issuer) in the Authorization header",
    howToGetIt: "sign in at the user pool (ID or access token, by authorizerTokenUse) or get a token from your IdP",
    verifiedBy:
      "our authorizer function (aws-jwt-verify: signature, iss, exp, token_use, client) returns a policy over every route, cached per token, and the caller's tier key; API Gateway throttles per tier",
    backendReceives:
      "requestContext.authorizer: principalId and the context the authorizer set (sub, iss, groups, scopes, client, the token's exp)",
    principalId:
      "<user pool sub> for users; oidc:<sub> from an external issuer; client:<client_id> for client credentials",
    whenToChoose:
      "Signed-in users need tiered throttling and quotas (free/pro) without API keys in clients, or any OIDC issuer on a REST API with WAF: `lambda-authorizer`. You own the authorizer's code, and pay for its invocations beyond the cache.",
  },
  diagram: `sequenceDiagram
    participant C as Client
    participant IdP as Cognito or OIDC IdP
    participant GW as API Gateway REST (Lambda authorizer)
    participant A as authorizer Lambda
    participant L as notes Lambda
    participant T as DynamoDB
    C->>IdP: sign in
    IdP-->>C: JWT
    C->>GW: Authorization: Bearer JWT
    GW->>A: REQUEST event (unless the answer is cached for this token)
    A->>A: verify signature, iss, exp, client; pick the tier
    A-->>GW: policy over every route + tier key + context
    GW->>GW: allow the route? throttle + quota of the tier
    GW->>L: event with authorizer.principalId and context
    L->>L: exp passed? 401; principal = sub (or oidc:, client:)
    L->>T: query userId = principal
    T-->>L: notes
    L-->>C: 200 JSON`,
  minimalConfig: REST_MINIMAL_CONFIG,
  variants: {
    ...WAF_VARIANT,
    ...DOMAIN_VARIANTS,
    ...ALARMS_VARIANT,
    external: { authorizerIssuer: "https://login.example.com/", authorizerAudiences: ["notes-api"] },
  },
  capabilities: {
    ...restCapabilities(),
    "Users and machines": {
      cite: "authorizerFunction",
      text: "users; machines with client-credentials tokens of your issuer",
    },
    "Per-route authorization": {
      cite: "authorizer",
      text: "the authorizer's policy over every route (admin routes denied unless admin), cached per token",
    },
    "Identity provider": {
      cite: "authorizer",
      variant: "external",
      text: "any OIDC issuer (`authorizerIssuer`) or Cognito",
    },
    "Throttling and quotas per client": {
      cite: "firstPlan",
      text: "per tier: a usage plan per group or scope, shared by the tier's callers",
    },
    // The handler refuses a request whose exp (the authorizer's context) has passed, so the cache never outlives the token:
    // what remains is the JWT window every token door has (handlers/doors/lambda-authorizer.ts).
    "Revocation and token lifetime": {
      cite: "authorizer",
      text: (a) =>
        `an answer is cached ${a.authorizerResultTtlInSeconds ?? 300} s per token (\`authorizerCacheTtl\`), but an expired token is refused at once (the handler checks the exp the authorizer passes); a signed-out or revoked token that has not expired stays allowed until its exp, as at every JWT door`,
    },
    "Browser or API": { evidence: "AWS behaviour", text: "API-friendly; SPA with a token" },
  },
  pricing: {
    gateway: "api-gateway-rest",
    billsMau: true,
    billsMachineTokens: false,
    authorizer: { cacheHitRatio: 0.8, ms: 10, memoryMb: 256 },
    notes: [
      "lambda-authorizer: the authorizer runs on cache misses only, assumed here for 20% of requests (80% cache hits at the default TTL) at 10 ms and 256 MB.",
    ],
  },
  argsFrom(config, stack) {
    const issuer = config.url("authorizerIssuer");
    const audiences = config.list("authorizerAudiences");
    if ((issuer === undefined) !== (audiences.length === 0)) {
      throw new ConfigError(
        issuer ? "authorizerAudiences" : "authorizerIssuer",
        "must be set together with the other: an external issuer needs its audiences (notes-auth:authorizerIssuer and notes-auth:authorizerAudiences)",
      );
    }
    const jwksUri = config.url("authorizerJwksUri");
    if (jwksUri && !issuer)
      throw new ConfigError(
        "authorizerJwksUri",
        "is where an external issuer's keys are: set notes-auth:authorizerIssuer too (the stack's pool keys are found where Cognito documents them)",
      );
    const groupsClaim = config.str("groupsClaim");
    const badClaim = groupsClaim === undefined ? undefined : groupsClaimProblem(groupsClaim);
    if (badClaim) throw new ConfigError("groupsClaim", badClaim);
    if (groupsClaim && !issuer)
      throw new ConfigError(
        "groupsClaim",
        "names an external issuer's groups claim: set notes-auth:authorizerIssuer too (the stack's pool always uses cognito:groups)",
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
