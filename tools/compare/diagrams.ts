import { AuthMode } from "../../components/config";

/** Mermaid sequence diagrams of each door's request path (GitHub renders them). */
export const SEQUENCE: Record<AuthMode, string> = {
  iam: `sequenceDiagram
    participant C as Client
    participant UP as Cognito user pool
    participant IP as Cognito identity pool
    participant GW as API Gateway REST (AWS_IAM)
    participant L as notes Lambda
    participant T as DynamoDB
    C->>UP: sign in (SRP)
    UP-->>C: ID token
    C->>IP: GetId + GetCredentialsForIdentity(ID token)
    IP-->>C: temporary credentials (user or admin role)
    C->>GW: SigV4-signed request
    GW->>GW: check signature + execute-api:Invoke on the route
    GW->>L: event with identity.cognitoAuthenticationProvider
    L->>L: principal = user pool sub (or iam:<ARN>)
    L->>T: query userId = principal
    T-->>L: notes
    L-->>C: 200 JSON`,
  cognito: `sequenceDiagram
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
  "http-jwt": `sequenceDiagram
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
  "api-key": `sequenceDiagram
    participant A as Calling application
    participant GW as API Gateway REST (API key + usage plan)
    participant L as notes Lambda
    participant T as DynamoDB
    A->>GW: x-api-key
    GW->>GW: key enabled and in the usage plan? throttle + quota
    GW->>L: event with identity.apiKeyId
    L->>L: principal = apikey:<keyId>
    L->>T: query userId = apikey:<keyId>
    T-->>L: notes
    L-->>A: 200 JSON`,
  "alb-oidc": `sequenceDiagram
    participant B as Browser
    participant ALB as Application Load Balancer
    participant IdP as Cognito hosted UI or OIDC IdP
    participant L as notes Lambda
    participant T as DynamoDB
    B->>ALB: GET /notes (no session cookie)
    ALB-->>B: 302 to the IdP's login page
    B->>IdP: sign in
    IdP-->>B: 302 back with a code
    B->>ALB: /oauth2/idpresponse?code=…
    ALB->>IdP: exchange code for tokens, get user info
    ALB-->>B: session cookie, 302 to /notes
    B->>ALB: GET /notes + cookie
    ALB->>L: event + x-amzn-oidc-data (ES256, signed by this ALB)
    L->>L: verify signature, exp, signer = this ALB; principal = sub
    L->>T: query userId = sub
    T-->>L: notes
    L-->>B: 200 JSON`,
};
