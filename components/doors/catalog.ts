import { AuthMode } from "../config";

/** Plain facts about a door, for `npm run plan`, `npm run compare` and the README. */
export interface DoorFacts {
  title: string;
  /** The AWS service in front. */
  front: string;
  /** What the client sends with each request. */
  clientPresents: string;
  /** How the client gets it. */
  howToGetIt: string;
  /** Who checks it before the Lambda runs, and what the handler checks on top. */
  verifiedBy: string;
  /** What the handler receives as identity. */
  backendReceives: string;
  /** The principal id the handler derives. */
  principalId: string;
}

export const DOOR_FACTS: Record<AuthMode, DoorFacts> = {
  iam: {
    title: "API Gateway REST + AWS_IAM (Cognito identity pool)",
    front: "API Gateway REST API",
    clientPresents: "a SigV4 signature made with temporary AWS credentials",
    howToGetIt: "sign in to the user pool, exchange the ID token at the Cognito identity pool for role credentials (or, for machines, assume the machine role with STS)",
    verifiedBy: "API Gateway checks the signature and the role's execute-api:Invoke permission on the exact route",
    backendReceives: "requestContext.identity: cognitoAuthenticationProvider (…:CognitoSignIn:<sub>) or the caller's userArn",
    principalId: "<user pool sub> for users; iam:<caller ARN> for roles",
  },
  cognito: {
    title: "API Gateway REST + Cognito user pools authorizer",
    front: "API Gateway REST API",
    clientPresents: "a Cognito ID token in the Authorization header",
    howToGetIt: "sign in to the user pool with SRP (Amplify, or InitiateAuth) using the SPA client",
    verifiedBy: "API Gateway checks signature, issuer and expiry; the handler pins aud to the SPA client and token_use to id",
    backendReceives: "requestContext.authorizer.claims (sub, aud, token_use, cognito:groups)",
    principalId: "<user pool sub>",
  },
  "http-jwt": {
    title: "API Gateway HTTP API + JWT authorizer",
    front: "API Gateway HTTP API",
    clientPresents: "an OAuth 2.0 access token (Bearer) with the route's scope",
    howToGetIt: "authorization-code flow with PKCE at the Cognito domain (or the external IdP); machines use client credentials",
    verifiedBy: "API Gateway checks signature, iss, aud/client_id, exp, nbf and the route's scopes; the handler checks token_use and the audience again",
    backendReceives: "requestContext.authorizer.jwt.claims and scopes",
    principalId: "<user pool sub> for users; client:<client_id> for client-credentials tokens; oidc:<sub> from an external issuer",
  },
  "api-key": {
    title: "API Gateway REST + API keys and a usage plan",
    front: "API Gateway REST API",
    clientPresents: "an x-api-key header (identifies an application, not a user)",
    howToGetIt: "the key value from the stack's secret outputs, handed to the calling application",
    verifiedBy: "API Gateway matches the key to the usage plan and throttles it; with apiKeyWithCognito a user pool authorizer also checks an ID token",
    backendReceives: "requestContext.identity.apiKeyId (and authorizer claims with apiKeyWithCognito)",
    principalId: "apikey:<apiKeyId> (or the user pool sub with apiKeyWithCognito)",
  },
  "alb-oidc": {
    title: "Application Load Balancer + authenticate-cognito / authenticate-oidc",
    front: "Application Load Balancer",
    clientPresents: "a browser session cookie (AWSELBAuthSessionCookie)",
    howToGetIt: "the browser follows the ALB's redirect to the IdP's login page; the ALB sets the cookie",
    verifiedBy: "the ALB runs the OIDC login and signs x-amzn-oidc-data (ES256); the handler verifies that signature, exp and that the signer is this ALB",
    backendReceives: "the x-amzn-oidc-data header on an ALB target event",
    principalId: "<user pool sub> (oidc:<sub> with an external IdP)",
  },
};
