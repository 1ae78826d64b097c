import type { HttpJwtCitation } from "./component";
import { DoorReport, FEDERATED_VARIANT, federatedProviders, minutes } from "../report";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, gatewayDomainCapabilities } from "../restReport";

/**
 * The report's facts of `http-jwt`: API Gateway HTTP API + JWT authorizer (Cognito or any OIDC issuer), scopes per
 * route.
 */
export const httpJwtReport: DoorReport<"http-jwt", HttpJwtCitation> = {
  mode: "http-jwt",
  facts: {
    title: "API Gateway HTTP API + JWT authorizer",
    front: "API Gateway HTTP API",
    clientPresents: "an OAuth 2.0 access token (Bearer) with the route's scope",
    howToGetIt:
      "authorization-code flow with PKCE at the Cognito domain (or the external IdP); machines use client credentials",
    verifiedBy:
      "API Gateway checks signature, iss, aud/client_id, exp, nbf and the route's scopes; the handler checks " +
      "token_use and the audience again",
    backendReceives: "requestContext.authorizer.jwt.claims and scopes",
    principalId:
      "<user pool sub> for users; client:<client_id> for client-credentials tokens; oidc:<sub> from an external issuer",
    whenToChoose:
      "A SPA or mobile app with users, any IdP, and machines with client credentials: `http-jwt`. Cheapest per " +
      "request, scopes per route at the gateway; no WAF.",
  },
  diagram: `sequenceDiagram
    participant C as Client
    participant IdP as Cognito domain or OIDC IdP
    participant GW as API Gateway HTTP API (JWT authorizer)
    participant L as notes Lambda
    participant T as DynamoDB
    C->>IdP: code + PKCE (users) or client credentials (machines)
    IdP-->>C: access token with notes/* scopes
    C->>GW: Authorization: Bearer access token
    GW->>GW: verify signature (JWKS), iss, aud/client_id, exp, route scope
    GW->>L: event with authorizer.jwt.claims and scopes
    L->>L: token_use = access? audience ours? principal = sub or client:<id>
    L->>T: query userId = principal
    T-->>L: notes
    L-->>C: 200 JSON`,
  variants: {
    ...FEDERATED_VARIANT,
    ...DOMAIN_VARIANTS,
    ...ALARMS_VARIANT,
    machines: { m2mClient: true },
    external: { jwtIssuer: "https://login.example.com/", jwtAudiences: ["notes-api"] },
  },
  capabilities: {
    "Users and machines": {
      cite: "machineClient",
      variant: "machines",
      text: "users and machines (client credentials)",
    },
    "Per-route authorization": {
      cite: "adminRoute",
      text: "scopes per route at the gateway; admin group in the handler",
    },
    "Identity provider": { cite: "authorizer", variant: "external", text: "any OIDC issuer (`jwtIssuer`) or Cognito" },
    "Federated users": {
      cite: "users:spaClient",
      variant: "federated",
      text: (c) =>
        `yes: ${federatedProviders(c)} into the pool; the pool's access token and sub (with \`jwtIssuer\`: that ` +
        "issuer's own users instead)",
    },
    "Throttling and quotas per client": { cite: "stage", text: "route throttling for all callers; no quotas" },
    "Revocation and token lifetime": {
      cite: "users:spaClient",
      text: (c) =>
        `access token valid until exp (${minutes(c.accessTokenValidity)}); the JWT authorizer does not check ` +
        `revocation`,
    },
    "Browser or API": { evidence: "AWS behaviour", text: "API-friendly; SPA with a token" },
    CORS: { cite: "api", text: "API's CORS config, listed origins, no credentials" },
    WAF: { evidence: "not built", text: "not supported by HTTP APIs" },
    ...gatewayDomainCapabilities(),
  },
  pricing: {
    gateway: "api-gateway-http",
    billsMau: true,
    billsMachineTokens: true,
    notes: [
      "http-jwt: machines pay Cognito per client-credentials token request (first-tier rate); other doors' " +
        "machines use IAM or keys at no token cost.",
    ],
  },
};
