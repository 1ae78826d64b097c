import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NotesBackend, liveInvokeArn } from "../backend/notesBackend";
import type { DomainTarget } from "../customDomain";
import type { DoorMetrics } from "../alarms";
import { API_ROUTES, ApiRoute, routeKeys } from "../routes";
import { corsAllowHeaders, corsPreflightTemplate, gatewayResponseOrigin } from "./cors";
import { accessLogFormat } from "../accessLogs";
import { SnapshotPart, deploymentTrigger } from "./deploymentTrigger";
import type { RestAuthorizer } from "./authorizer";

/** What a REST door takes from the stack's shared keys (restOptions). */
export interface RestApiOptions {
  /** Browser origins allowed by CORS; none means no OPTIONS methods at all. @default [] */
  corsOrigins?: string[];
  /** Stage throttling across all callers. */
  throttle: { rateLimit: number; burstLimit: number };
  /** Retention of the access-log group, in days. */
  logRetentionDays: number;
  /** X-Ray tracing on the stage. @default false */
  tracing?: boolean;
  /**
   * Per-method CloudWatch metrics (billed as custom metrics); off, only the API's stage-wide metrics. @default false
   */
  detailedMetrics?: boolean;
  /** Behind a custom domain: the default execute-api endpoint is off (clients cannot bypass the domain). */
  disableExecuteApiEndpoint: boolean;
  /** A WAFv2 web ACL to associate with the stage. */
  wafAclArn?: string;
  /** Routes to expose. @default API_ROUTES */
  routes?: readonly ApiRoute[];
  /** Stage name. @default "v1" */
  stageName?: string;
}

export interface NotesRestApiArgs extends RestApiOptions {
  /** The backend whose function serves every route. */
  backend: NotesBackend;
  /** Who may call every method but OPTIONS: bound to this API once it exists (./authorizer.ts). */
  authorizer: RestAuthorizer;
  /** The headers the door's clients send to authenticate (the preflight allows them besides the API's own). */
  clientHeaders: readonly string[];
  /**
   * The region's API Gateway account setting when this stack manages it: the stage and its
   * method settings log, so they are created only after it (AWS refuses logging before it).
   */
  accountLogging?: pulumi.Resource;
}

/**
 * The REST API every REST door builds, protected by the authorizer it is given (./authorizer.ts):
 * one resource tree, a Lambda proxy method per route, CORS preflight as the only unauthenticated
 * method, CORS on 4xx/5xx gateway responses, a deployment redeployed whenever routes or auth
 * change, a separate Stage with access logs and throttling, and a Lambda permission scoped to
 * this API's stage.
 */
export class NotesRestApi extends pulumi.ComponentResource {
  public readonly api: aws.apigateway.RestApi;
  public readonly stage: aws.apigateway.Stage;
  /** The snapshot the stage serves. */
  public readonly deployment: aws.apigateway.Deployment;
  /** The authorizer resource its RestAuthorizer added to the API, if any. */
  public readonly authorizer?: pulumi.CustomResource;
  public readonly methods: aws.apigateway.Method[] = [];
  /** OPTIONS methods answering CORS preflight (none without corsOrigins). */
  public readonly preflightMethods: aws.apigateway.Method[] = [];
  /** Stage-wide logging and throttling. */
  public readonly methodSettings: aws.apigateway.MethodSettings;
  public readonly wafAssociation?: aws.wafv2.WebAclAssociation;
  public readonly accessLogGroup: aws.cloudwatch.LogGroup;
  /** The execution-log group API Gateway would otherwise create itself, never expiring and never deleted. */
  public readonly executionLogGroup: aws.cloudwatch.LogGroup;
  /** https://{api}.execute-api.{region}.amazonaws.com/{stage} */
  public readonly url: pulumi.Output<string>;
  public readonly stageName: string;
  /** arn:aws:execute-api:{region}:{account}:{apiId} */
  public readonly executionArn: pulumi.Output<string>;

  constructor(name: string, args: NotesRestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:door:NotesRestApi", name, {}, opts);
    const routes = args.routes ?? API_ROUTES;
    const origins = args.corsOrigins ?? [];
    this.stageName = args.stageName ?? "v1";
    const child = { parent: this };

    // Part of the snapshot: API settings such as disableExecuteApiEndpoint "take effect when you
    // update any setting on any stage, such as updating the deployment"
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html).
    this.api = this.part(aws.apigateway.RestApi, `${name}`, {
      description: `notes-auth (${args.authorizer.apiSettings.label})`,
      endpointConfiguration: { types: "REGIONAL" },
      apiKeySource: args.authorizer.apiSettings.apiKeySource,
      disableExecuteApiEndpoint: args.disableExecuteApiEndpoint,
    });

    const { authorizer, ...methodAuth } = args.authorizer.bind({
      name,
      parent: this,
      api: this.api,
      part: (Ctor, partName, partArgs) => this.part(Ctor, partName, partArgs, child),
    });
    this.authorizer = authorizer;

    // The resource tree, one aws.apigateway.Resource per path prefix.
    const resources = new Map<string, pulumi.Input<string>>([["", this.api.rootResourceId]]);
    const resourceFor = (path: string): pulumi.Input<string> => {
      const known = resources.get(path);
      if (known !== undefined) return known;
      const cut = path.lastIndexOf("/");
      const parentId = resourceFor(path.slice(0, cut));
      const part = path.slice(cut + 1);
      const res = this.part(aws.apigateway.Resource, `${name}${slug(path)}`, {
        restApi: this.api.id,
        parentId,
        pathPart: part,
      });
      resources.set(path, res.id);
      return res.id;
    };

    const integrations: pulumi.Resource[] = [];
    for (const { method, path } of routeKeys(routes)) {
      const resourceId = resourceFor(path);
      const id = `${name}${slug(path)}-${method.toLowerCase()}`;
      const m = this.part(aws.apigateway.Method, id, {
        restApi: this.api.id,
        resourceId,
        httpMethod: method,
        ...methodAuth,
      });
      this.methods.push(m);
      integrations.push(
        this.part(
          aws.apigateway.Integration,
          id,
          {
            restApi: this.api.id,
            resourceId,
            httpMethod: m.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            // The function's `live` alias, which moves only once this API is deployed (NotesBackend.live).
            uri: liveInvokeArn(args.backend),
          },
          child,
        ),
      );
    }

    if (origins.length > 0) {
      for (const route of uniquePaths(routes)) {
        const verbs = routes.filter((r) => r.path === route.path).map((r) => r.method);
        integrations.push(
          ...this.preflight(
            name,
            route.path,
            verbs,
            resourceFor(route.path),
            origins,
            corsAllowHeaders(args.clientHeaders),
          ),
        );
      }
      for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
        integrations.push(
          this.part(
            aws.apigateway.Response,
            `${name}-${type.toLowerCase().replace("_", "-")}`,
            {
              restApiId: this.api.id,
              responseType: type,
              responseParameters: {
                "gatewayresponse.header.Access-Control-Allow-Origin": gatewayResponseOrigin(origins),
                "gatewayresponse.header.Vary": "'Origin'",
              },
            },
            child,
          ),
        );
      }
    }

    // Redeploy whenever anything the deployment snapshots changes (components/rest/deploymentTrigger.ts).
    const trigger = pulumi.output(this.snapshot).apply((parts) => deploymentTrigger(parts as SnapshotPart[]));
    const deployment = (this.deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: this.api.id,
        description: trigger.apply((t) => `snapshot ${t.slice(0, 12)}`),
        triggers: { redeployment: trigger },
      },
      { parent: this, dependsOn: [...this.methods, ...integrations, ...(this.authorizer ? [this.authorizer] : [])] },
    ));

    // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html: logging
    // needs the account's CloudWatch role first, so the stage waits for it when we manage it.
    const afterAccount = args.accountLogging ? [args.accountLogging] : [];
    const accessLogs = (this.accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      {
        retentionInDays: args.logRetentionDays,
      },
      child,
    ));
    // Execution logging writes to API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}, a group
    // API Gateway creates itself when missing, without retention, and which no destroy or door
    // switch deletes (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-execution-logging.html).
    // Declared here with the stack's retention, before the stage and its logging settings exist.
    const executionLogs = (this.executionLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-execution-logs`,
      {
        name: executionLogGroupName(this.api.id, this.stageName),
        retentionInDays: args.logRetentionDays,
      },
      child,
    ));
    const beforeLogging = [...afterAccount, executionLogs];
    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.api.id,
        deployment: deployment.id,
        stageName: this.stageName,
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat("rest") },
        xrayTracingEnabled: args.tracing ?? false,
      },
      { parent: this, dependsOn: beforeLogging },
    );
    this.methodSettings = new aws.apigateway.MethodSettings(
      `${name}-settings`,
      {
        restApi: this.api.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        settings: {
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
          // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html:
          // metricsEnabled adds the per-method dimensions, which CloudWatch bills as custom metrics.
          metricsEnabled: args.detailedMetrics ?? false,
          throttlingRateLimit: args.throttle.rateLimit,
          throttlingBurstLimit: args.throttle.burstLimit,
        },
      },
      { parent: this, dependsOn: beforeLogging },
    );
    if (args.wafAclArn) {
      this.wafAssociation = new aws.wafv2.WebAclAssociation(
        `${name}-waf`,
        { resourceArn: this.stage.arn, webAclArn: args.wafAclArn },
        child,
      );
    }

    this.executionArn = this.api.executionArn;
    args.backend.allowInvoke(
      `${name}-invoke`,
      "apigateway.amazonaws.com",
      pulumi.interpolate`${this.api.executionArn}/${this.stageName}/*/*`,
      child,
      "live",
    );

    this.url = this.stage.invokeUrl;
    this.registerOutputs({ url: this.url, executionArn: this.executionArn });
  }

  /** Every part the deployment snapshots, with the inputs it was given (see deploymentTrigger). */
  private readonly snapshot: { type: string; name: string; inputs: pulumi.Inputs }[] = [];

  /** Creates a child the deployment snapshots, and records its inputs for the redeploy trigger. */
  private part<A extends object, R extends pulumi.CustomResource>(
    Ctor: new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => R,
    name: string,
    args: A,
    opts: pulumi.CustomResourceOptions = {},
  ): R {
    // Every generated resource class carries its type token (e.g. aws:apigateway/method:Method).
    this.snapshot.push({
      type: (Ctor as unknown as { __pulumiType: string }).__pulumiType,
      name,
      inputs: args as pulumi.Inputs,
    });
    return new Ctor(name, args, { parent: this, ...opts });
  }

  /** `execute-api:Invoke` ARN of one method on this stage: .../{stage}/{VERB}/{path}. */
  public methodArn(method: string, path: string): pulumi.Output<string> {
    const resourcePath = path.replace(/\{[^}]+\}/g, "*").replace(/^\//, "");
    return pulumi.interpolate`${this.api.executionArn}/${this.stageName}/${method}/${resourcePath}`;
  }

  /** OPTIONS: a MOCK integration that answers the preflight for listed origins only. */
  private preflight(
    name: string,
    path: string,
    verbs: string[],
    resourceId: pulumi.Input<string>,
    origins: string[],
    allowHeaders: string[],
  ): pulumi.Resource[] {
    const id = `${name}${slug(path)}-options`;
    const child = { parent: this };
    const allowMethods = [...verbs, "OPTIONS"].join(",");
    const method = this.part(
      aws.apigateway.Method,
      id,
      {
        restApi: this.api.id,
        resourceId,
        httpMethod: "OPTIONS",
        authorization: "NONE",
        apiKeyRequired: false,
      },
      child,
    );
    this.preflightMethods.push(method);
    const integration = this.part(
      aws.apigateway.Integration,
      id,
      {
        restApi: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      },
      child,
    );
    const headers = ["Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Max-Age", "Vary"];
    const response = this.part(
      aws.apigateway.MethodResponse,
      id,
      {
        restApi: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode: "200",
        responseParameters: Object.fromEntries(
          ["Access-Control-Allow-Origin", ...headers].map((h) => [`method.response.header.${h}`, false]),
        ),
      },
      child,
    );
    const integrationResponse = this.part(
      aws.apigateway.IntegrationResponse,
      id,
      {
        restApi: this.api.id,
        resourceId,
        httpMethod: method.httpMethod,
        statusCode: response.statusCode,
        responseParameters: {
          "method.response.header.Access-Control-Allow-Headers": `'${allowHeaders.join(",")}'`,
          "method.response.header.Access-Control-Allow-Methods": `'${allowMethods}'`,
          "method.response.header.Access-Control-Max-Age": "'600'",
          "method.response.header.Vary": "'Origin'",
        },
        responseTemplates: { "application/json": corsPreflightTemplate(origins) },
      },
      { parent: this, dependsOn: [integration] },
    );
    return [method, integration, response, integrationResponse];
  }
}

/** Where a custom domain sends a REST door's traffic, what its alarms watch, and what its events carry. */
export function restDoorTargets(rest: NotesRestApi): {
  domainTarget: DomainTarget;
  metrics: DoorMetrics;
  eventSource: pulumi.Output<string>;
  ready: pulumi.Resource[];
  deployed: pulumi.Resource[];
} {
  return {
    eventSource: rest.api.id,
    ready: [rest.api, ...rest.methods, ...(rest.authorizer ? [rest.authorizer] : [])],
    deployed: [rest.deployment, rest.stage],
    domainTarget: { kind: "api-gateway", apiId: rest.api.id, stage: rest.stage.stageName },
    metrics: {
      kind: "rest-api",
      apiName: rest.api.name,
      stage: rest.stage.stageName,
      accessLogGroupName: rest.accessLogGroup.name,
    },
  };
}

/** The REST API's children that reports cite, for a door's `cited`. */
export function restCitations(rest: NotesRestApi) {
  return {
    preflight: rest.preflightMethods[0],
    stageThrottle: rest.methodSettings,
    waf: rest.wafAssociation,
    authorizer: rest.authorizer,
  };
}

/**
 * The log group REST execution logging writes to: API-Gateway-Execution-Logs_{rest-api-id}/{stage_name} (AWS names it;
 * we cannot choose).
 */
export function executionLogGroupName(
  restApiId: pulumi.Input<string>,
  stageName: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`${EXECUTION_LOG_GROUP_PREFIX}${restApiId}/${stageName}`;
}
export const EXECUTION_LOG_GROUP_PREFIX = "API-Gateway-Execution-Logs_";

function uniquePaths(routes: readonly ApiRoute[]): ApiRoute[] {
  const seen = new Set<string>();
  return routes.filter((r) => (seen.has(r.path) ? false : (seen.add(r.path), true)));
}

/** `/notes/{id}/attachment` -> `-notes-id-attachment` (a name-safe suffix). */
export function slug(path: string): string {
  return path.replace(/[{}]/g, "").replace(/\//g, "-");
}
