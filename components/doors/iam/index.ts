import { ConfigError, PRINCIPAL_ARN } from "../../configReader";
import { restOptions } from "../../rest/restApi";
import { DoorModule } from "../door";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, REST_MINIMAL_CONFIG, WAF_VARIANT, restCapabilities } from "../restFacts";
import { IAM_DOOR_TYPE, IamCitation, IamFrontDoor, IamFrontDoorArgs } from "./component";
import { checkMachinePrincipals } from "./machines";

/** `iam`: API Gateway REST + AWS_IAM; users through a Cognito identity pool, each machine through its own role. */
export const iamDoor: DoorModule<"iam", IamFrontDoorArgs, IamCitation> = {
  mode: "iam",
  componentType: IAM_DOOR_TYPE,
  facts: {
    title: "API Gateway REST + AWS_IAM (Cognito identity pool)",
    front: "API Gateway REST API",
    clientPresents: "a SigV4 signature made with temporary AWS credentials",
    howToGetIt:
      "sign in to the user pool, exchange the ID token at the Cognito identity pool for role credentials (or, for machines, assume the machine's own role with STS)",
    verifiedBy: "API Gateway checks the signature and the role's execute-api:Invoke permission on the exact route",
    backendReceives:
      "requestContext.identity: cognitoAuthenticationProvider (…:CognitoSignIn:<sub>) or the caller's userArn",
    principalId:
      "<user pool sub> for users; iam:<role ARN> for machines (each listed principal's own role, never the session)",
    whenToChoose:
      "AWS-native callers (other services, roles in other accounts) alongside users, and per-route IAM policy: `iam`. Clients must sign with SigV4.",
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
  minimalConfig: REST_MINIMAL_CONFIG,
  variants: {
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
  argsFrom(config, stack) {
    const machineRolePrincipals = config.list("machineRolePrincipals", PRINCIPAL_ARN);
    const externalId = config.str("machineRoleExternalId");
    const orgId = config.str("machineRoleOrgId");
    if (externalId !== undefined && !/^[\w+=,.@:\/-]{2,1224}$/.test(externalId)) {
      throw new ConfigError(
        "machineRoleExternalId",
        "must be 2-1224 letters, digits or +=,.@:/- (the sts:ExternalId a machine passes to AssumeRole)",
      );
    }
    if (orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(orgId))
      throw new ConfigError(
        "machineRoleOrgId",
        `is "${orgId}": it must be an AWS Organizations id such as o-a1b2c3d4e5`,
      );
    if (machineRolePrincipals.length > 0 && externalId === undefined && orgId === undefined) {
      throw new ConfigError(
        "machineRoleExternalId",
        "or notes-auth:machineRoleOrgId is required with notes-auth:machineRolePrincipals: a listed principal must also present an external id (sts:ExternalId) or belong to your organization (aws:PrincipalOrgID) to assume the machine role",
      );
    }
    const machineRoleCondition = externalId || orgId ? { externalId, orgId } : undefined;
    checkMachinePrincipals(machineRolePrincipals, machineRoleCondition);
    return { rest: restOptions(stack), machineRolePrincipals, machineRoleCondition };
  },
  usesUserPool: () => true,
  create: (name, args, deps, opts) => new IamFrontDoor(name, args, deps, opts),
};
