import { CLIENT_NAME, ConfigError } from "../../configReader";
import { restOptions } from "../../rest/restApi";
import { DoorModule } from "../door";
import { ALARMS_VARIANT, DOMAIN_VARIANTS, REST_MINIMAL_CONFIG, WAF_VARIANT, restCapabilities } from "../restFacts";
import { API_KEY_DOOR_TYPE, ApiKeyCitation, ApiKeyFrontDoor, ApiKeyFrontDoorArgs, QUOTA_PERIODS } from "./component";

/** `api-key`: API Gateway REST + API keys and a usage plan (applications, not users). */
export const apiKeyDoor: DoorModule<"api-key", ApiKeyFrontDoorArgs, ApiKeyCitation> = {
  mode: "api-key",
  componentType: API_KEY_DOOR_TYPE,
  facts: {
    title: "API Gateway REST + API keys and a usage plan",
    front: "API Gateway REST API",
    clientPresents: "an x-api-key header (identifies an application, not a user)",
    howToGetIt: "the key value from the stack's secret outputs, handed to the calling application",
    verifiedBy:
      "API Gateway matches the key to the usage plan and throttles it; with apiKeyWithCognito a user pool authorizer also checks an ID token",
    backendReceives: "requestContext.identity.apiKeyId (and authorizer claims with apiKeyWithCognito)",
    principalId: "apikey:<apiKeyId> (or the user pool sub with apiKeyWithCognito)",
    whenToChoose:
      "Known partner applications that need per-client throttling and quotas, not user identity: `api-key` (add `apiKeyWithCognito` for users). Never ship a key to a browser.",
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
  minimalConfig: { ...REST_MINIMAL_CONFIG, apiKeyClients: ["reporting", "ops"] },
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
  argsFrom(config, stack) {
    const args: ApiKeyFrontDoorArgs = {
      rest: restOptions(stack),
      clients: config.list("apiKeyClients", CLIENT_NAME),
      adminClients: config.list("apiKeyAdminClients", CLIENT_NAME),
      plan: {
        rateLimit: config.int("apiKeyRateLimit", 10, 1, 10000),
        burstLimit: config.int("apiKeyBurstLimit", 20, 1, 5000),
        quotaLimit: config.int("apiKeyQuotaLimit", 10000, 1, 1_000_000_000),
        quotaPeriod: config.oneOf("apiKeyQuotaPeriod", QUOTA_PERIODS, "DAY"),
      },
      withCognito: config.bool("apiKeyWithCognito", false),
    };
    if (args.plan.burstLimit < args.plan.rateLimit) {
      throw new ConfigError(
        "apiKeyBurstLimit",
        `(${args.plan.burstLimit}) must be at least notes-auth:apiKeyRateLimit (${args.plan.rateLimit})`,
      );
    }
    const unknownAdmin = args.adminClients.find((c) => !args.clients.includes(c));
    if (unknownAdmin)
      throw new ConfigError("apiKeyAdminClients", `names "${unknownAdmin}", which is not in notes-auth:apiKeyClients`);
    if (args.clients.length === 0) {
      throw new ConfigError(
        "apiKeyClients",
        'is required when notes-auth:authMode is api-key: name at least one calling application, e.g. ["reporting"]',
      );
    }
    return args;
  },
  usesUserPool: () => true,
  create: (name, args, deps, opts) => new ApiKeyFrontDoor(name, args, deps, opts),
};
