import type { ApiKeyCitation } from "./component";
import { DoorReport } from "../report";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, WAF_VARIANT, restCapabilities } from "../restReport";

/** The report's facts of `api-key`: API Gateway REST + API keys and a usage plan (applications, not users). */
export const apiKeyReport: DoorReport<"api-key", ApiKeyCitation> = {
  mode: "api-key",
  facts: {
    title: "API Gateway REST + API keys and a usage plan",
    front: "API Gateway REST API",
    clientPresents: "an x-api-key header (identifies an application, not a user)",
    howToGetIt: "the key value from the stack's secret outputs, handed to the calling application",
    verifiedBy:
      "API Gateway matches the key to the usage plan and throttles it; with apiKeyWithCognito a user pool " +
      "authorizer also checks an ID token",
    backendReceives: "requestContext.identity.apiKeyId (and authorizer claims with apiKeyWithCognito)",
    principalId: "apikey:<apiKeyId> (or the user pool sub with apiKeyWithCognito)",
    whenToChoose:
      "Known partner applications that need per-client throttling and quotas, not user identity: `api-key` (add " +
      "`apiKeyWithCognito` for users). Never ship a key to a browser.",
  },
  diagram: `sequenceDiagram
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
  variants: { ...WAF_VARIANT, ...DOMAIN_VARIANTS, ...ALARMS_VARIANT, users: { apiKeyWithCognito: true } },
  capabilities: {
    ...restCapabilities(),
    "Users and machines": {
      cite: "authorizer",
      variant: "users",
      text: "applications; users too with `apiKeyWithCognito`",
    },
    "Per-route authorization": { evidence: "handler", text: "handler: admin keys (`apiKeyAdminClients`)" },
    "Identity provider": { evidence: "not built", text: "none: keys are not identities" },
    "Federated users": {
      cite: "authorizer",
      variant: "users",
      text: "keys: no (they name apps); with `apiKeyWithCognito`, the pool's users, federated ones too",
    },
    "Throttling and quotas per client": { cite: "usagePlan", text: "per key: throttle and quota (usage plan)" },
    "Revocation and token lifetime": { cite: "firstKey", text: "disable or delete the key: refused from then on" },
    "Browser or API": { evidence: "AWS behaviour", text: "server-to-server (a key in a browser is public)" },
  },
  pricing: {
    gateway: "api-gateway-rest",
    billsMau: false,
    billsMachineTokens: false,
    notes: ["api-key: keys identify applications, so no user MAUs are billed."],
  },
};
