import type { CognitoCitation } from "./component";
import { DoorReport, FEDERATED_VARIANT, federatedProviders, minutes } from "../report";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, WAF_VARIANT, restCapabilities } from "../restReport";

/** The report's facts of `cognito`: API Gateway REST + the Cognito user pools authorizer (ID tokens). */
export const cognitoReport: DoorReport<"cognito", CognitoCitation> = {
  mode: "cognito",
  facts: {
    title: "API Gateway REST + Cognito user pools authorizer",
    front: "API Gateway REST API",
    clientPresents: "a Cognito ID token in the Authorization header",
    howToGetIt: "sign in to the user pool with SRP (Amplify, or InitiateAuth) using the SPA client",
    verifiedBy:
      "API Gateway checks signature, issuer and expiry; the handler pins aud to the SPA client and token_use to id",
    backendReceives: "requestContext.authorizer.claims (sub, aud, token_use, cognito:groups)",
    principalId: "<user pool sub>",
    whenToChoose:
      "You need WAF or REST features (usage plans, request validation) and your users are in Cognito: " +
      "`cognito`, with the audience pinned in the handler.",
  },
  diagram: `sequenceDiagram
    participant C as Client
    participant UP as Cognito user pool
    participant GW as API Gateway REST (user pools authorizer)
    participant L as notes Lambda
    participant T as DynamoDB
    C->>UP: sign in (SRP)
    UP-->>C: ID token
    C->>GW: Authorization: ID token
    GW->>GW: verify signature, iss, exp
    GW->>L: event with authorizer.claims
    L->>L: aud = SPA client? token_use = id? principal = sub
    L->>T: query userId = sub
    T-->>L: notes
    L-->>C: 200 JSON`,
  variants: {
    ...FEDERATED_VARIANT,
    ...WAF_VARIANT,
    ...DOMAIN_VARIANTS,
    ...ALARMS_VARIANT,
  },
  capabilities: {
    ...restCapabilities(),
    "Users and machines": { cite: "authorizer", text: "users only (ID tokens come from sign-in)" },
    "Per-route authorization": {
      evidence: "handler",
      text: "gateway: any valid token; handler: admin group for /admin",
    },
    "Identity provider": { cite: "users:pool", text: "Cognito user pool only" },
    "Federated users": {
      cite: "users:spaClient",
      variant: "federated",
      text: (c) => `yes: ${federatedProviders(c)} into the pool (\`identityProviders\`); the pool's ID token and sub`,
    },
    "Revocation and token lifetime": {
      cite: "users:spaClient",
      text: (c) =>
        `ID token valid until exp (${minutes(c.idTokenValidity)}); global sign-out does not stop it at the gateway`,
    },
    "Browser or API": { evidence: "AWS behaviour", text: "API-friendly; SPA with a token" },
  },
  pricing: { gateway: "api-gateway-rest", billsMau: true, billsMachineTokens: false, notes: [] },
};
