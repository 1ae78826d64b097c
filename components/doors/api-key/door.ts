import { CLIENT_NAME, ConfigError } from "../../configReader";
import { REST_MINIMAL_CONFIG, restOptions } from "../restDoor";
import { DoorModule } from "../door";
import { API_KEY_DOOR_TYPE, ApiKeyCitation, ApiKeyFrontDoor, ApiKeyFrontDoorArgs, QUOTA_PERIODS } from "./component";

/** `api-key`: API Gateway REST + API keys and a usage plan (applications, not users). */
export const apiKeyDoor: DoorModule<"api-key", ApiKeyFrontDoorArgs, ApiKeyCitation> = {
  mode: "api-key",
  componentType: API_KEY_DOOR_TYPE,
  minimalConfig: { ...REST_MINIMAL_CONFIG, apiKeyClients: ["reporting", "ops"] },
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
        "is required by the api-key door (notes-auth:authMode or notes-auth:doors): name at least one calling " +
          'application, e.g. ["reporting"]',
      );
    }
    return args;
  },
  usesUserPool: () => true,
  create: (name, args, deps, opts) => new ApiKeyFrontDoor(name, args, deps, opts),
};
