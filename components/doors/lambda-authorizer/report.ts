import type { LambdaAuthorizerCitation } from "./component";
import { DoorReport, FEDERATED_VARIANT, federatedProviders } from "../report";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, WAF_VARIANT, restCapabilities } from "../restReport";

/**
 * The report's facts of `lambda-authorizer`: API Gateway REST + a REQUEST Lambda authorizer that verifies any OIDC
 * token and tiers callers.
 */
export const lambdaAuthorizerReport: DoorReport<"lambda-authorizer", LambdaAuthorizerCitation> = {
  mode: "lambda-authorizer",
  facts: {
    title: "API Gateway REST + REQUEST Lambda authorizer (tiers by usage plan)",
    front: "API Gateway REST API",
    clientPresents: "a bearer JWT (Cognito or any OIDC issuer) in the Authorization header",
    howToGetIt: "sign in at the user pool (ID or access token, by authorizerTokenUse) or get a token from your IdP",
    verifiedBy:
      "our authorizer function (aws-jwt-verify: signature, iss, exp, token_use, client) returns a policy over " +
      "every route, cached per token, and the caller's tier key; API Gateway throttles per tier",
    backendReceives:
      "requestContext.authorizer: principalId and the context the authorizer set (sub, iss, groups, scopes, " +
      "client, the token's exp)",
    principalId:
      "<user pool sub> for users; oidc:<sub> from an external issuer; client:<client_id> for client credentials",
    whenToChoose:
      "Signed-in users need tiered throttling and quotas (free/pro) without API keys in clients, or any OIDC " +
      "issuer on a REST API with WAF: `lambda-authorizer`. You own the authorizer's code, and pay for its " +
      "invocations beyond the cache.",
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
  variants: {
    ...FEDERATED_VARIANT,
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
    "Federated users": {
      cite: "users:spaClient",
      variant: "federated",
      text: (c) =>
        `yes: ${federatedProviders(c)} into the pool; the pool's token, its sub and groups (with ` +
        "`authorizerIssuer`: that issuer's own users instead)",
    },
    "Throttling and quotas per client": {
      cite: "firstPlan",
      text: "per tier: a usage plan per group or scope, shared by the tier's callers",
    },
    // The handler refuses a request whose exp (the authorizer's context) has passed, so the cache never outlives the
    // token:
    // what remains is the JWT window every token door has (handlers/doors/lambda-authorizer.ts).
    "Revocation and token lifetime": {
      cite: "authorizer",
      text: (a) =>
        `an answer is cached ${a.authorizerResultTtlInSeconds ?? 300} s per token (\`authorizerCacheTtl\`), but ` +
        `an expired token is refused at once (the handler checks the exp the authorizer passes); a signed-out ` +
        `or revoked token that has not expired stays allowed until its exp, as at every JWT door`,
    },
    "Browser or API": { evidence: "AWS behaviour", text: "API-friendly; SPA with a token" },
  },
  pricing: {
    gateway: "api-gateway-rest",
    billsMau: true,
    billsMachineTokens: false,
    authorizer: { cacheHitRatio: 0.8, ms: 10, memoryMb: 256 },
    notes: [
      "lambda-authorizer: the authorizer runs on cache misses only, assumed here for 20% of requests (80% cache " +
        "hits at the default TTL) at 10 ms and 256 MB.",
    ],
  },
};
