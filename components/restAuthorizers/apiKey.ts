import type { RestAuthorizer, RestMethodAuthorization } from "../rest/authorizer";

/**
 * An API key (`x-api-key`) on every method and no other check: the key identifies the calling
 * application, not a user. The keys and their usage plan are the door's.
 */
export class ApiKeyAuthorizer implements RestAuthorizer {
  public readonly apiSettings = { label: "api-key", apiKeySource: "HEADER" } as const;

  bind(): RestMethodAuthorization {
    return { authorization: "NONE", apiKeyRequired: true };
  }
}
