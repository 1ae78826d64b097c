import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { RestAuthorizer, RestAuthorizerScope, RestMethodAuthorization } from "../rest/authorizer";

export interface RequestLambdaAuthorizerArgs {
  /** The authorizer function. */
  function: aws.lambda.Function;
  /** Seconds API Gateway caches an answer per Authorization header; 0 turns caching off. */
  resultTtlSeconds: number;
}

/**
 * A REQUEST Lambda authorizer on the Authorization header. It returns the caller's usage-plan key
 * (apiKeySource AUTHORIZER), so every method requires a key no client ever sends.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
 *
 * Bound, it creates the API's aws.apigateway.Authorizer (`<api>-lambda`, a child of the API) and
 * the permission for API Gateway to invoke the function from that authorizer (`<name>-invoke`,
 * a child of `opts.parent`, the door).
 */
export class RequestLambdaAuthorizer implements RestAuthorizer {
  public readonly apiSettings = { label: "lambda", apiKeySource: "AUTHORIZER" } as const;
  private bound?: aws.lambda.Permission;

  constructor(
    private readonly name: string,
    private readonly args: RequestLambdaAuthorizerArgs,
    private readonly opts: { parent: pulumi.Resource },
  ) {}

  /** The permission API Gateway invokes the function with (once bound to an API). */
  public get permission(): aws.lambda.Permission {
    if (!this.bound) throw new Error(`${this.name}: bind it to a REST API first`);
    return this.bound;
  }

  bind({ name, api, part }: RestAuthorizerScope): RestMethodAuthorization {
    // The identity source is the cache key; a request without it gets 401 without a call.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html
    const authorizer = part(aws.apigateway.Authorizer, `${name}-lambda`, {
      restApi: api.id,
      type: "REQUEST",
      authorizerUri: this.args.function.invokeArn,
      identitySource: "method.request.header.Authorization",
      authorizerResultTtlInSeconds: this.args.resultTtlSeconds,
    });
    this.bound = new aws.lambda.Permission(
      `${this.name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.args.function.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
      },
      { parent: this.opts.parent },
    );
    return { authorization: "CUSTOM", authorizerId: authorizer.id, apiKeyRequired: true, authorizer };
  }
}
