import type * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";

/**
 * How a REST API is protected, as an object that binds itself to the API (after the CDK's
 * aws-apigatewayv2-authorizers: `bind()` returns what the routes need; the API never asks which
 * kind it is). Implementations live outside components/rest/ (components/restAuthorizers/), so a
 * new kind of authorizer changes nothing here.
 */
export interface RestAuthorizer {
  /** The API's own settings that follow from its authorizer: read before the API exists. */
  readonly apiSettings: RestApiAuthSettings;
  /**
   * Called once, right after the API exists and before any method: creates the authorizer's own
   * resources (an aws.apigateway.Authorizer through `scope.part`, and whatever it needs besides)
   * and returns what every method but OPTIONS takes.
   */
  bind(scope: RestAuthorizerScope): RestMethodAuthorization;
}

/** What the API takes from its authorizer when it is created. */
export interface RestApiAuthSettings {
  /** The authorizer's name in the API's description, `notes-auth (<label>)`. */
  label: string;
  /**
   * Where API Gateway reads a method's usage-plan key: a request header (HEADER), or the
   * authorizer's answer, its usageIdentifierKey (AUTHORIZER).
   */
  apiKeySource: "HEADER" | "AUTHORIZER";
}

/** The API an authorizer binds to. */
export interface RestAuthorizerScope {
  /** The API component's name: children the authorizer adds to the API are named from it. */
  readonly name: string;
  /** The API component, parent of the children `part` creates. */
  readonly parent: pulumi.ComponentResource;
  readonly api: aws.apigateway.RestApi;
  /** Creates a child of the API that its deployment snapshots (a change to it redeploys the API). */
  readonly part: RestApiPart;
}

/** Creates a child of the API (parented to it) whose inputs the deployment snapshots. */
export type RestApiPart = <A extends object, R extends pulumi.CustomResource>(
  Ctor: new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R,
  name: string,
  args: A,
) => R;

/** What every method but OPTIONS takes from the bound authorizer (aws.apigateway.Method's auth fields). */
export interface RestMethodAuthorization {
  /** aws.apigateway.Method's `authorization` (its authorization type). */
  authorization: pulumi.Input<string>;
  authorizerId?: pulumi.Input<string>;
  apiKeyRequired: boolean;
  /** The API's authorizer resource, if there is one: the deployment waits for it, and reports cite it. */
  authorizer?: pulumi.CustomResource;
}
