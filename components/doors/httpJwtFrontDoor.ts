import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { API_ROUTES, routeKeys } from "../routes";
import { NOTES_SCOPES, NotesScope, scopeName } from "../userDirectory";
import { FrontDoor, FrontDoorArgs, baseHandlerEnvironment, record, withHandlerEnvironment } from "./frontDoor";

/** Access-log fields of the HTTP API: who, which route, what came back. No tokens. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  sub: "$context.authorizer.claims.sub",
  clientId: "$context.authorizer.claims.client_id",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLength: "$context.responseLength",
  authorizerError: "$context.authorizer.error",
  integrationError: "$context.integrationErrorMessage",
});

/**
 * `http-jwt`: API Gateway HTTP API with a JWT authorizer on every route, each with explicit
 * scopes (`notes/read`, `notes/write`, `notes/admin`). By default the issuer is this stack's
 * user pool and the audience its SPA client (plus the optional machine client); with
 * `jwtIssuer` + `jwtAudiences` any OIDC issuer works and the stack has no user pool.
 *
 * The authorizer cannot tell ID from access tokens, so scopes are required on every route (ID
 * tokens carry none) and the handler checks `token_use` and the audience again.
 */
export class HttpJwtFrontDoor extends pulumi.ComponentResource implements FrontDoor {
  public readonly mode = "http-jwt" as const;
  public readonly api: aws.apigatewayv2.Api;
  public readonly authorizer: aws.apigatewayv2.Authorizer;
  public readonly stage: aws.apigatewayv2.Stage;
  public readonly machineClient?: aws.cognito.UserPoolClient;
  public readonly url: pulumi.Output<string>;
  public readonly issuer: pulumi.Output<string>;
  public readonly audiences: pulumi.Output<string[]>;
  public readonly handlerEnvironment: pulumi.Output<Record<string, string>>;
  public readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  public readonly secrets: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:door:HttpJwtFrontDoor", name, {}, opts);
    const cfg = args.config;
    const users = args.users;
    const child = { parent: this };

    if (users && cfg.m2mClient) {
      this.machineClient = new aws.cognito.UserPoolClient(`${name}-machine-client`, {
        userPoolId: users.userPoolId,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthScopes: pulumi.output(users.resourceServer.scopeIdentifiers)
          .apply((ids) => ids.filter((id) => cfg.m2mAdmin || id !== scopeName("admin"))),
        supportedIdentityProviders: ["COGNITO"],
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        accessTokenValidity: 60,
        tokenValidityUnits: { accessToken: "minutes" },
        enableTokenRevocation: true,
      }, child);
    }

    if (users) {
      this.issuer = users.issuer;
      this.audiences = pulumi.all([users.clientId, ...(this.machineClient ? [this.machineClient.id] : [])]);
    } else if (cfg.jwtIssuer) {
      this.issuer = pulumi.output(cfg.jwtIssuer);
      this.audiences = pulumi.output(cfg.jwtAudiences);
    } else {
      throw new Error("HttpJwtFrontDoor needs the stack's UserDirectory or notes-auth:jwtIssuer");
    }

    const origins = cfg.corsOrigins;
    this.api = new aws.apigatewayv2.Api(`${name}-api`, {
      protocolType: "HTTP",
      description: "notes-auth (http-jwt)",
      corsConfiguration: origins.length > 0 ? {
        allowOrigins: origins,
        allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allowHeaders: ["authorization", "content-type"],
        allowCredentials: false,
        maxAge: 600,
      } : undefined,
    }, child);

    this.authorizer = new aws.apigatewayv2.Authorizer(`${name}-jwt`, {
      apiId: this.api.id,
      authorizerType: "JWT",
      identitySources: ["$request.header.Authorization"],
      jwtConfiguration: { issuer: this.issuer, audiences: this.audiences },
    }, child);

    const integration = new aws.apigatewayv2.Integration(`${name}-lambda`, {
      apiId: this.api.id,
      integrationType: "AWS_PROXY",
      integrationUri: args.backend.function.arn,
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
    }, child);

    for (const { method, path, route } of routeKeys(API_ROUTES)) {
      new aws.apigatewayv2.Route(`${name}-${method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/\//g, "-")}`, {
        apiId: this.api.id,
        routeKey: `${method} ${path}`,
        target: pulumi.interpolate`integrations/${integration.id}`,
        authorizationType: "JWT",
        authorizerId: this.authorizer.id,
        authorizationScopes: [scopeName(route.scope)],
      }, child);
    }

    const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { retentionInDays: cfg.logRetentionDays }, child);
    this.stage = new aws.apigatewayv2.Stage(`${name}-stage`, {
      apiId: this.api.id,
      name: "$default",
      autoDeploy: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      defaultRouteSettings: {
        throttlingRateLimit: cfg.throttleRateLimit,
        throttlingBurstLimit: cfg.throttleBurstLimit,
        detailedMetricsEnabled: true,
      },
    }, child);

    new aws.lambda.Permission(`${name}-invoke`, {
      action: "lambda:InvokeFunction",
      function: args.backend.function.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
    }, child);

    this.url = this.stage.invokeUrl;
    this.handlerEnvironment = withHandlerEnvironment(baseHandlerEnvironment(this.mode, cfg, users), {
      ALLOWED_CLIENT_IDS: this.audiences.apply((a) => a.join(",")),
      ADMIN_SCOPE: scopeName("admin"),
    });
    const scopes = Object.fromEntries(NOTES_SCOPES.map((s: NotesScope) => [s, scopeName(s)]));
    this.clientConfig = record({
      signIn: users
        ? "authorization-code flow with PKCE at the Cognito domain (scopes notes/read notes/write), then Authorization: Bearer <access token>"
        : "get an access token from your IdP with the notes/* scopes, then Authorization: Bearer <access token>",
      issuer: this.issuer,
      audiences: this.audiences,
      scopes,
      routeScopes: Object.fromEntries(routeKeys(API_ROUTES).map(({ method, path, route }) => [`${method} ${path}`, scopeName(route.scope)])),
      ...(users ? {
        region: users.region,
        userPoolId: users.userPoolId,
        userPoolClientId: users.clientId,
        authorizeEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/authorize`,
        tokenEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/token`,
      } : {}),
      ...(this.machineClient ? { machineClientId: this.machineClient.id } : {}),
    });
    this.secrets = record(pulumi.secret(record(this.machineClient ? { machineClientSecret: this.machineClient.clientSecret } : {})));
    this.registerOutputs({ url: this.url, clientConfig: this.clientConfig });
  }
}
