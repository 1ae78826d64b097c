import type { RestAuthorizer, RestMethodAuthorization } from "../rest/authorizer";

/**
 * AWS_IAM: SigV4 with IAM credentials (identity pool users, IAM roles). API Gateway itself checks
 * them: no resource.
 */
export class IamAuthorizer implements RestAuthorizer {
  public readonly apiSettings = { label: "iam", apiKeySource: "HEADER" } as const;

  bind(): RestMethodAuthorization {
    return { authorization: "AWS_IAM", apiKeyRequired: false };
  }
}
