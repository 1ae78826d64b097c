import type { IamCitation } from "./component";
import { DoorReport, FEDERATED_VARIANT, federatedProviders } from "../report";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, WAF_VARIANT, restCapabilities } from "../restReport";

/**
 * The report's facts of `iam`: API Gateway REST + AWS_IAM; users through a Cognito identity pool, each machine through
 * its own role.
 */
export const iamReport: DoorReport<"iam", IamCitation> = {
  mode: "iam",
  facts: {
    title: "API Gateway REST + AWS_IAM (Cognito identity pool)",
    front: "API Gateway REST API",
    clientPresents: "a SigV4 signature made with temporary AWS credentials",
    howToGetIt:
      "sign in to the user pool, exchange the ID token at the Cognito identity pool for role credentials (or, " +
      "for machines, assume the machine's own role with STS)",
    verifiedBy: "API Gateway checks the signature and the role's execute-api:Invoke permission on the exact route",
    backendReceives:
      "requestContext.identity: cognitoAuthenticationProvider (…:CognitoSignIn:<sub>) or the caller's userArn",
    principalId:
      "<user pool sub> for users; iam:<role ARN> for machines (each listed principal's own role, never the session)",
    whenToChoose:
      "AWS-native callers (other services, roles in other accounts) alongside users, and per-route IAM policy: " +
      "`iam`. Clients must sign with SigV4.",
  },
  diagram: `sequenceDiagram
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
  variants: {
    ...FEDERATED_VARIANT,
    ...WAF_VARIANT,
    ...DOMAIN_VARIANTS,
    ...ALARMS_VARIANT,
    machines: {
      machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting", "arn:aws:iam::210987654321:role/billing"],
      machineRoleExternalId: "notes-reporting-7f3a",
    },
  },
  capabilities: {
    ...restCapabilities(),
    "Users and machines": {
      cite: "machineRole",
      variant: "machines",
      text: "users (identity pool) and machines (one IAM role per listed principal)",
    },
    "Per-route authorization": { cite: "adminAccess", text: "IAM policy per route; admin role adds /admin/*" },
    "Identity provider": { cite: "identityPool", text: "Cognito user pool via identity pool (other IdPs: not built)" },
    "Federated users": {
      cite: "users:spaClient",
      variant: "federated",
      text: (c) =>
        `yes: ${federatedProviders(c)} into the pool; their pool ID token gets identity-pool credentials, one ` +
        "identity per pool sub",
    },
    "Revocation and token lifetime": {
      evidence: "AWS behaviour",
      text: "credentials live up to 1 h after the identity pool issues them; disabling the user stops new ones",
    },
    "Browser or API": { evidence: "AWS behaviour", text: "API-friendly (SDK signs); browsers need the SDK" },
  },
  pricing: {
    gateway: "api-gateway-rest",
    billsMau: true,
    billsMachineTokens: false,
    notes: ["iam: the Cognito identity pool is free; users are billed as user pool MAUs."],
  },
};
