import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NotesRestApi, RestApiOptions, restCitations, restDoorTargets } from "../../rest/restApi";
import { ApiKeyAuthorizer } from "../../restAuthorizers/apiKey";
import { UserPoolsAuthorizer } from "../../restAuthorizers/userPools";
import { ClientCredential, DoorComponent, DoorDeps, record, requireIdentities, requireUsers } from "../door";

export const API_KEY_DOOR_TYPE = "notes-auth:door:ApiKeyFrontDoor";
export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;

export interface ApiKeyFrontDoorArgs {
  /** The REST API's shared settings (CORS, throttling, logs, WAF). */
  rest: RestApiOptions;
  /** One API key per calling application, by name. */
  clients: string[];
  /** Clients (of `clients`) whose key may call /admin/*. @default [] */
  adminClients: string[];
  /** The usage plan: per-key throttle and quota. */
  plan: { rateLimit: number; burstLimit: number; quotaLimit: number; quotaPeriod: (typeof QUOTA_PERIODS)[number] };
  /** Also require a Cognito ID token, which then identifies the user. @default false */
  withCognito: boolean;
}

export type ApiKeyCitation = keyof ReturnType<typeof restCitations> | "usagePlan" | "firstKey";

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
export class ApiKeyFrontDoor extends DoorComponent<"api-key", ApiKeyCitation> {
  public readonly mode = "api-key" as const;
  public readonly rest: NotesRestApi;
  public readonly usagePlan: aws.apigateway.UsagePlan;
  public readonly keys: Record<string, aws.apigateway.ApiKey> = {};

  constructor(name: string, args: ApiKeyFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(API_KEY_DOOR_TYPE, name, {}, opts);
    const child = { parent: this };
    const users = args.withCognito ? requireUsers(deps, "ApiKeyFrontDoor with apiKeyWithCognito") : undefined;
    const authorizer = users
      ? new UserPoolsAuthorizer({ userPoolArn: users.userPoolArn, apiKeyRequired: true })
      : new ApiKeyAuthorizer();

    this.rest = new NotesRestApi(
      `${name}-api`,
      {
        ...args.rest,
        backend: deps.backend,
        accountLogging: deps.apiGatewayLogging?.account,
        clientHeaders: ["x-api-key", ...(users ? ["authorization"] : [])],
        authorizer,
      },
      child,
    );

    this.usagePlan = new aws.apigateway.UsagePlan(
      `${name}-plan`,
      {
        description: "Per-client throttle and quota for notes API keys",
        // The Stage resource's name, not the deployment: a redeploy must not detach the plan.
        apiStages: [{ apiId: this.rest.api.id, stage: this.rest.stage.stageName }],
        throttleSettings: { rateLimit: args.plan.rateLimit, burstLimit: args.plan.burstLimit },
        quotaSettings: { limit: args.plan.quotaLimit, period: args.plan.quotaPeriod },
      },
      child,
    );

    // The keys are the stack's (components/identities.ts): they outlive a switch to another door.
    const identities = requireIdentities(deps, "ApiKeyFrontDoor");
    for (const client of args.clients) {
      const key = identities.apiKeys[client];
      if (!key) throw new Error(`ApiKeyFrontDoor: the stack's identities have no key for "${client}"`);
      new aws.apigateway.UsagePlanKey(
        `${name}-key-${client}`,
        { keyId: key.id, keyType: "API_KEY", usagePlanId: this.usagePlan.id },
        child,
      );
      this.keys[client] = key;
    }

    const url = this.rest.url;
    const settings = pulumi.output({
      adminApiKeyIds: args.adminClients.map((c) => this.keys[c].id),
      userTokens: args.withCognito,
      allowedClientIds: users ? [users.clientId] : [],
    });
    const clientConfig = record({
      signIn: users
        ? "send the client's key as x-api-key AND a Cognito ID token as Authorization"
        : "send the client's key as x-api-key (it identifies the application, not a user)",
      header: "x-api-key",
      clients: Object.fromEntries(
        args.clients.map((c) => [c, { keyId: this.keys[c].id, admin: args.adminClients.includes(c) }]),
      ),
      ...(users ? { region: users.region, userPoolId: users.userPoolId, userPoolClientId: users.clientId } : {}),
    });
    const secrets = record(
      pulumi.secret(
        record({
          apiKeys: Object.fromEntries(args.clients.map((c) => [c, this.keys[c].value])),
        }),
      ),
    );
    const cited = { ...restCitations(this.rest), usagePlan: this.usagePlan, firstKey: this.keys[args.clients[0]] };
    const credential: ClientCredential = args.withCognito
      ? { kind: "user-token", token: "id", scheme: "raw", apiKey: true }
      : { kind: "api-key" };
    this.publish({ url, ...restDoorTargets(this.rest), credential, settings, clientConfig, secrets, cited });
  }
}
