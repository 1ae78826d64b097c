import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NotesRestApi, RestAuth, restApiArgsFromConfig } from "../rest/restApi";
import { FrontDoor, FrontDoorArgs, baseHandlerEnvironment, record, requireUsers, withHandlerEnvironment } from "./frontDoor";

/**
 * `api-key`: API Gateway REST with `apiKeyRequired` on every non-OPTIONS method, one key per
 * configured client and a usage plan that throttles and caps each key.
 *
 * An API key identifies a calling application; it does not authenticate anyone (AWS: "Don't use
 * API keys for authentication or authorization"). The handler's principal is `apikey:<id>`.
 * With `apiKeyWithCognito`, methods also need a Cognito ID token: the key throttles, the token
 * identifies the user (the principal is then the user's sub). That combination is a flag of this
 * door because the usage plan and keys live here.
 */
export class ApiKeyFrontDoor extends pulumi.ComponentResource implements FrontDoor {
  public readonly mode = "api-key" as const;
  public readonly rest: NotesRestApi;
  public readonly usagePlan: aws.apigateway.UsagePlan;
  public readonly keys: Record<string, aws.apigateway.ApiKey> = {};
  public readonly url: pulumi.Output<string>;
  public readonly handlerEnvironment: pulumi.Output<Record<string, string>>;
  public readonly clientConfig: pulumi.Output<Record<string, unknown>>;
  public readonly secrets: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:door:ApiKeyFrontDoor", name, {}, opts);
    const cfg = args.config;
    const child = { parent: this };
    const users = cfg.apiKeyWithCognito ? requireUsers(args, "ApiKeyFrontDoor with apiKeyWithCognito") : args.users;
    const auth: RestAuth = cfg.apiKeyWithCognito
      ? { kind: "cognito", userPoolArn: users!.userPoolArn, apiKeyRequired: true }
      : { kind: "api-key" };

    this.rest = new NotesRestApi(`${name}-api`, restApiArgsFromConfig(args.backend, cfg, auth), child);

    this.usagePlan = new aws.apigateway.UsagePlan(`${name}-plan`, {
      description: "Per-client throttle and quota for notes API keys",
      // The Stage resource's name, not the deployment: a redeploy must not detach the plan.
      apiStages: [{ apiId: this.rest.api.id, stage: this.rest.stage.stageName }],
      throttleSettings: { rateLimit: cfg.apiKeyRateLimit, burstLimit: cfg.apiKeyBurstLimit },
      quotaSettings: { limit: cfg.apiKeyQuotaLimit, period: cfg.apiKeyQuotaPeriod },
    }, child);

    for (const client of cfg.apiKeyClients) {
      const key = new aws.apigateway.ApiKey(`${name}-key-${client}`, {
        name: `notes-auth-${pulumi.getStack()}-${client}`,
        description: `Calling application "${client}" (identifies the app, not a user)`,
        enabled: true,
      }, child);
      new aws.apigateway.UsagePlanKey(`${name}-key-${client}`, { keyId: key.id, keyType: "API_KEY", usagePlanId: this.usagePlan.id }, child);
      this.keys[client] = key;
    }

    const adminKeyIds = pulumi.all(cfg.apiKeyAdminClients.map((c) => this.keys[c].id)).apply((ids) => ids.join(","));
    this.url = this.rest.url;
    this.handlerEnvironment = withHandlerEnvironment(baseHandlerEnvironment(this.mode, cfg, users), {
      ADMIN_API_KEY_IDS: adminKeyIds,
      API_KEY_USER_TOKENS: cfg.apiKeyWithCognito ? "true" : "false",
      ...(cfg.apiKeyWithCognito ? { ALLOWED_CLIENT_IDS: users!.clientId } : {}),
    });
    this.clientConfig = record({
      signIn: cfg.apiKeyWithCognito
        ? "send the client's key as x-api-key AND a Cognito ID token as Authorization"
        : "send the client's key as x-api-key (it identifies the application, not a user)",
      header: "x-api-key",
      clients: Object.fromEntries(cfg.apiKeyClients.map((c) => [c, { keyId: this.keys[c].id, admin: cfg.apiKeyAdminClients.includes(c) }])),
      ...(cfg.apiKeyWithCognito ? { region: users!.region, userPoolId: users!.userPoolId, userPoolClientId: users!.clientId } : {}),
    });
    this.secrets = record(pulumi.secret(record({
      apiKeys: Object.fromEntries(cfg.apiKeyClients.map((c) => [c, this.keys[c].value])),
    })));
    this.registerOutputs({ url: this.url, clientConfig: this.clientConfig });
  }
}
