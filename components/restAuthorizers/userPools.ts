import type * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { RestAuthorizer, RestAuthorizerScope, RestMethodAuthorization } from "../rest/authorizer";

export interface UserPoolsAuthorizerArgs {
  /** The user pool whose ID tokens the methods accept. */
  userPoolArn: pulumi.Input<string>;
  /** Also require an API key (`x-api-key`), for a usage plan's throttle. @default false */
  apiKeyRequired?: boolean;
}

/**
 * A COGNITO_USER_POOLS authorizer on the Authorization header (ID tokens: the methods name no
 * scopes). Its aws.apigateway.Authorizer is `<api>-cognito`, a child of the API.
 */
export class UserPoolsAuthorizer implements RestAuthorizer {
  public readonly apiSettings = { label: "cognito", apiKeySource: "HEADER" } as const;

  constructor(private readonly args: UserPoolsAuthorizerArgs) {}

  bind({ name, api, part }: RestAuthorizerScope): RestMethodAuthorization {
    const authorizer = part(aws.apigateway.Authorizer, `${name}-cognito`, {
      restApi: api.id,
      type: "COGNITO_USER_POOLS",
      providerArns: [this.args.userPoolArn],
      identitySource: "method.request.header.Authorization",
    });
    return {
      authorization: "COGNITO_USER_POOLS",
      authorizerId: authorizer.id,
      apiKeyRequired: this.args.apiKeyRequired ?? false,
      authorizer,
    };
  }
}
