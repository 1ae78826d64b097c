import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { accessLogFormat } from "../../accessLogs";
import { API_ROUTES, routeKeys } from "../../routes";
import { API_RESPONSE_HEADERS } from "../../../handlers/contract/routeTable";
import { corsAllowHeaders } from "../../rest/cors";
import { slug } from "../../rest/restApi";
import { NOTES_SCOPES, NotesScope, scopeName } from "../../userDirectory";
import { DoorComponent, DoorDeps, record } from "../door";
import { liveArn } from "../../backend/notesBackend";

export const HTTP_JWT_DOOR_TYPE = "notes-auth:door:HttpJwtFrontDoor";

export interface HttpJwtFrontDoorArgs {
  /** Browser origins allowed by the API's CORS configuration; none turns CORS off. */
  corsOrigins: string[];
  /** Route throttling across all callers. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Retention of the access-log group, in days. */
  logRetentionDays: number;
  /** Per-route CloudWatch metrics (billed as custom metrics). @default false */
  detailedMetrics?: boolean;
  /** Behind a custom domain: the default execute-api endpoint is off. */
  disableExecuteApiEndpoint: boolean;
  /** An external OIDC issuer and its audiences instead of the stack's user pool. */
  externalIssuer?: { issuer: string; audiences: string[]; groupsClaim?: string };
}

export type HttpJwtCitation = "authorizer" | "adminRoute" | "stage" | "api" | "machineClient";

/**
 * `http-jwt`: API Gateway HTTP API with a JWT authorizer on every route, each with explicit
 * scopes (`notes/read`, `notes/write`, `notes/admin`). By default the issuer is this stack's
 * user pool and the audience its SPA client (plus the optional machine client); with
 * `jwtIssuer` + `jwtAudiences` any OIDC issuer works and the stack has no user pool.
 *
 * The authorizer cannot tell ID from access tokens, so scopes are required on every route (ID
 * tokens carry none) and the handler checks `token_use` and the audience again.
 */
export class HttpJwtFrontDoor extends DoorComponent<"http-jwt", HttpJwtCitation> {
  public readonly mode = "http-jwt" as const;
  public readonly api: aws.apigatewayv2.Api;
  public readonly authorizer: aws.apigatewayv2.Authorizer;
  public readonly routes: aws.apigatewayv2.Route[] = [];
  public readonly stage: aws.apigatewayv2.Stage;
  public readonly machineClient?: aws.cognito.UserPoolClient;
  public readonly issuer: pulumi.Output<string>;
  public readonly audiences: pulumi.Output<string[]>;

  constructor(name: string, args: HttpJwtFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(HTTP_JWT_DOOR_TYPE, name, {}, opts);
    const users = deps.users;
    const child = { parent: this };

    // The machine client is the stack's (components/identities.ts): this door accepts its tokens.
    this.machineClient = users ? deps.identities?.machineClient : undefined;

    if (users) {
      this.issuer = users.issuer;
      this.audiences = pulumi.all([users.clientId, ...(this.machineClient ? [this.machineClient.id] : [])]);
    } else if (args.externalIssuer) {
      this.issuer = pulumi.output(args.externalIssuer.issuer);
      this.audiences = pulumi.output(args.externalIssuer.audiences);
    } else {
      throw new Error("HttpJwtFrontDoor needs the stack's UserDirectory or an external issuer");
    }

    const origins = args.corsOrigins;
    this.api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        protocolType: "HTTP",
        description: "notes-auth (http-jwt)",
        disableExecuteApiEndpoint: args.disableExecuteApiEndpoint,
        corsConfiguration:
          origins.length > 0
            ? {
                allowOrigins: origins,
                allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
                allowHeaders: corsAllowHeaders(["authorization"]),
                exposeHeaders: [...API_RESPONSE_HEADERS],
                allowCredentials: false,
                maxAge: 600,
              }
            : undefined,
      },
      child,
    );

    this.authorizer = new aws.apigatewayv2.Authorizer(
      `${name}-jwt`,
      {
        apiId: this.api.id,
        authorizerType: "JWT",
        identitySources: ["$request.header.Authorization"],
        jwtConfiguration: { issuer: this.issuer, audiences: this.audiences },
      },
      child,
    );

    const integration = new aws.apigatewayv2.Integration(
      `${name}-lambda`,
      {
        apiId: this.api.id,
        integrationType: "AWS_PROXY",
        // The function's `live` alias, which moves only once this API is deployed (NotesBackend.live).
        integrationUri: liveArn(deps.backend),
        integrationMethod: "POST",
        payloadFormatVersion: "2.0",
      },
      child,
    );

    for (const { method, path, route } of routeKeys(API_ROUTES)) {
      this.routes.push(
        new aws.apigatewayv2.Route(
          `${name}-${method.toLowerCase()}${slug(path)}`,
          {
            apiId: this.api.id,
            routeKey: `${method} ${path}`,
            target: pulumi.interpolate`integrations/${integration.id}`,
            authorizationType: "JWT",
            authorizerId: this.authorizer.id,
            authorizationScopes: [scopeName(route.scope)],
          },
          child,
        ),
      );
    }

    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { retentionInDays: args.logRetentionDays },
      child,
    );
    this.stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: this.api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat("http") },
        defaultRouteSettings: {
          throttlingRateLimit: args.throttle.rateLimit,
          throttlingBurstLimit: args.throttle.burstLimit,
          detailedMetricsEnabled: args.detailedMetrics ?? false,
        },
      },
      child,
    );

    deps.backend.allowInvoke(
      `${name}-invoke`,
      "apigateway.amazonaws.com",
      pulumi.interpolate`${this.api.executionArn}/*/*`,
      child,
      "live",
    );

    const url = this.stage.invokeUrl;
    const settings = pulumi.output({
      allowedClientIds: this.audiences,
      adminScope: scopeName("admin"),
      groupsClaim: args.externalIssuer?.groupsClaim,
    });
    const scopes = Object.fromEntries(NOTES_SCOPES.map((s: NotesScope) => [s, scopeName(s)]));
    const clientConfig = record({
      signIn: users
        ? "authorization-code flow with PKCE at the Cognito domain (scopes notes/read notes/write), then " +
          "Authorization: Bearer <access token>"
        : "get an access token from your IdP with the notes/* scopes, then Authorization: Bearer <access token>",
      issuer: this.issuer,
      audiences: this.audiences,
      scopes,
      routeScopes: Object.fromEntries(
        routeKeys(API_ROUTES).map(({ method, path, route }) => [`${method} ${path}`, scopeName(route.scope)]),
      ),
      ...(users
        ? {
            region: users.region,
            userPoolId: users.userPoolId,
            userPoolClientId: users.clientId,
            authorizeEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/authorize`,
            tokenEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/token`,
          }
        : {}),
      ...(this.machineClient ? { machineClientId: this.machineClient.id } : {}),
    });
    const secrets = record(
      pulumi.secret(record(this.machineClient ? { machineClientSecret: this.machineClient.clientSecret } : {})),
    );
    const adminRoute = this.routes.find((r, i) => routeKeys(API_ROUTES)[i].route.admin);
    const cited = {
      authorizer: this.authorizer,
      adminRoute,
      stage: this.stage,
      api: this.api,
      machineClient: this.machineClient,
    };
    this.publish({
      credential: { kind: "user-token", token: "access", scheme: "bearer", apiKey: false },
      url,
      domainTarget: { kind: "api-gateway", apiId: this.api.id, stage: this.stage.name },
      metrics: { kind: "http-api", apiId: this.api.id, stage: this.stage.name, accessLogGroupName: accessLogs.name },
      eventSource: this.api.id,
      ready: [this.api, this.authorizer],
      deployed: [integration, ...this.routes, this.stage],
      settings,
      clientConfig,
      secrets,
      cited,
    });
  }
}
