import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { authorizerSettings, encodePlans } from "../../../handlers/contract/authorizer";
import { AUTHORIZER_REVOCATION_ACTIONS } from "../../../handlers/contract/permissions";
import { revocationSettings } from "../../../handlers/contract/stack";
import { bundledFunction } from "../../backend/bundledFunction";
import { NotesRestApi, RestApiOptions, restCitations, restDoorTargets } from "../../rest/restApi";
import { RequestLambdaAuthorizer } from "../../restAuthorizers/requestLambda";
import { scopeName } from "../../userDirectory";
import { DoorComponent, DoorDeps, record, requireUsers } from "../door";

export const LAMBDA_AUTHORIZER_DOOR_TYPE = "notes-auth:door:LambdaAuthorizerFrontDoor";
/** The authorizer function's entry point. */
export const AUTHORIZER_ENTRY = path.join(__dirname, "..", "..", "..", "handlers", "entries", "authorizer.ts");
export const QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;

/** A tier: callers in `group` (or with `scope`) share its throttle and quota; no group and no scope: the default. */
export interface PlanSpec {
  name: string;
  group?: string;
  scope?: string;
  rateLimit: number;
  burstLimit: number;
  quotaLimit: number;
  quotaPeriod: (typeof QUOTA_PERIODS)[number];
}

export interface LambdaAuthorizerFrontDoorArgs {
  /** The REST API's shared settings (CORS, throttling, logs, WAF). */
  rest: RestApiOptions;
  /**
   * An external OIDC issuer and its audiences instead of the stack's user pool; its keys at
   * `jwksUri` (default: the jwks_uri of its discovery document), its groups in `groupsClaim`
   * (default: cognito:groups, and then no admin by group).
   */
  externalIssuer?: { issuer: string; audiences: string[]; jwksUri?: string; groupsClaim?: string };
  /** Which token of the stack's pool clients send: the ID or the access token. */
  tokenUse: "id" | "access";
  /** Seconds API Gateway caches the authorizer's answer per Authorization header; 0 turns caching off. */
  cacheTtlSeconds: number;
  /** The tiers, in match order; exactly one default. */
  plans: PlanSpec[];
  adminGroup: string;
  logRetentionDays: number;
  tracing: boolean;
}

export type LambdaAuthorizerCitation =
  keyof ReturnType<typeof restCitations> | "authorizerFunction" | "firstPlan" | "authorizerPermission";

/**
 * `lambda-authorizer`: API Gateway REST with a REQUEST Lambda authorizer on every non-OPTIONS
 * method. The authorizer (handlers/entries/authorizer.ts, its own function and role: logs, and with revocation
 * GetItem on the revoked sessions table) verifies a
 * bearer JWT of the stack's pool or any OIDC issuer, answers with a policy over every route the
 * caller may call (admin routes denied unless admin), and returns the caller's tier key as
 * `usageIdentifierKey`: each tier is a usage plan with its own API key, which no client ever sees
 * (apiKeySource AUTHORIZER), so signed-in users get tiered throttling and quotas. A usage plan
 * counts per key, so every caller of a tier shares its limits.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html
 */
export class LambdaAuthorizerFrontDoor extends DoorComponent<"lambda-authorizer", LambdaAuthorizerCitation> {
  public readonly mode = "lambda-authorizer" as const;
  public readonly rest: NotesRestApi;
  public readonly authorizerFunction: aws.lambda.Function;
  public readonly authorizerPermission: aws.lambda.Permission;
  public readonly plans: Record<string, { plan: aws.apigateway.UsagePlan; key: aws.apigateway.ApiKey }> = {};

  constructor(
    name: string,
    args: LambdaAuthorizerFrontDoorArgs,
    deps: DoorDeps,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(LAMBDA_AUTHORIZER_DOOR_TYPE, name, {}, opts);
    const child = { parent: this };
    const users = args.externalIssuer ? undefined : requireUsers(deps, "LambdaAuthorizerFrontDoor");

    // The tiers' groups are the stack's (components/identities.ts): deleting a group drops its
    // members, so a door switch must not. The authorizer reads the group claim; nothing here owns them.

    // One API key per tier. With apiKeySource AUTHORIZER the API ignores any x-api-key a client
    // sends, so a key is only a usage identifier the authorizer returns, never a credential.
    for (const plan of args.plans) {
      const key = new aws.apigateway.ApiKey(
        `${name}-tier-${plan.name}`,
        {
          name: `notes-auth-${pulumi.getStack()}-tier-${plan.name}`,
          description:
            `Usage identifier of the ${plan.name} tier (returned by the authorizer; never given to a ` + `client)`,
          enabled: true,
        },
        child,
      );
      this.plans[plan.name] = { key, plan: undefined as unknown as aws.apigateway.UsagePlan };
    }

    const issuer = args.externalIssuer ? pulumi.output(args.externalIssuer.issuer) : users!.issuer;
    const audiences = args.externalIssuer
      ? pulumi.output(args.externalIssuer.audiences)
      : pulumi.all([users!.clientId]);
    // The stack's revoked sign-in sessions (`revocation: true`): the authorizer refuses a signed-out session too.
    const revoked = deps.backend.revokedSessions;
    const authorizer = bundledFunction(
      `${name}-authorizer`,
      {
        entry: AUTHORIZER_ENTRY,
        memoryMb: 256,
        timeoutSeconds: 5,
        reservedConcurrency: -1,
        tracing: args.tracing,
        logRetentionDays: args.logRetentionDays,
        // With revocation, the backend's revoked sessions table: read only, by its exact ARN.
        statements: revoked
          ? [
              {
                Sid: "RevokedSessions",
                Effect: "Allow",
                Action: [...AUTHORIZER_REVOCATION_ACTIONS],
                Resource: revoked.arn,
              },
            ]
          : [],
        environment: pulumi
          .all([
            issuer,
            audiences,
            users?.issuer,
            pulumi.all(args.plans.map((p) => this.plans[p.name].key.value)),
            revoked?.name,
          ])
          .apply(([iss, aud, pool, keys, revokedTable]) => ({
            ...authorizerSettings.encode({
              issuer: iss,
              audiences: aud,
              tokenUse: args.externalIssuer ? "any" : args.tokenUse,
              jwksUri: args.externalIssuer?.jwksUri,
              groupsClaim: args.externalIssuer?.groupsClaim,
              adminGroup: args.adminGroup,
              adminScope: scopeName("admin"),
              cognitoIssuer: pool,
              plans: encodePlans(
                args.plans.map((p, i) => ({ name: p.name, group: p.group, scope: p.scope, key: keys[i] })),
              ),
            }),
            ...(revokedTable
              ? revocationSettings.encode({
                  table: revokedTable,
                  cacheSeconds: deps.backend.revocationCacheSeconds ?? 0,
                })
              : {}),
          })),
      },
      this,
    );
    this.authorizerFunction = authorizer.fn;

    // API Gateway may invoke the authorizer for this API's authorizers only: the permission is
    // the door's child, `<door>-authorizer-invoke`.
    const restAuthorizer = new RequestLambdaAuthorizer(
      `${name}-authorizer`,
      { function: this.authorizerFunction, resultTtlSeconds: args.cacheTtlSeconds },
      child,
    );
    this.rest = new NotesRestApi(
      `${name}-api`,
      {
        ...args.rest,
        backend: deps.backend,
        accountLogging: deps.apiGatewayLogging?.account,
        clientHeaders: ["authorization"],
        authorizer: restAuthorizer,
      },
      child,
    );

    this.authorizerPermission = restAuthorizer.permission;

    for (const plan of args.plans) {
      const usagePlan = new aws.apigateway.UsagePlan(
        `${name}-tier-${plan.name}`,
        {
          description: `Tier ${plan.name}: shared by every caller the authorizer puts on it`,
          apiStages: [{ apiId: this.rest.api.id, stage: this.rest.stage.stageName }],
          throttleSettings: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
          quotaSettings: { limit: plan.quotaLimit, period: plan.quotaPeriod },
        },
        child,
      );
      new aws.apigateway.UsagePlanKey(
        `${name}-tier-${plan.name}`,
        { keyId: this.plans[plan.name].key.id, keyType: "API_KEY", usagePlanId: usagePlan.id },
        child,
      );
      this.plans[plan.name].plan = usagePlan;
    }

    const url = this.rest.url;
    const settings = pulumi.output({ adminScope: scopeName("admin"), groupsClaim: args.externalIssuer?.groupsClaim });
    const clientConfig = record({
      signIn: args.externalIssuer
        ? "get a token from your IdP, then Authorization: Bearer <token>"
        : `sign in to the user pool with the SPA client, then Authorization: Bearer ` +
          `<${args.tokenUse === "id" ? "ID" : "access"} token>`,
      issuer,
      audiences,
      tokenUse: args.externalIssuer ? "any" : args.tokenUse,
      ...(users
        ? {
            region: users.region,
            userPoolId: users.userPoolId,
            userPoolClientId: users.clientId,
            authorizeEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/authorize`,
            tokenEndpoint: pulumi.interpolate`${users.domainUrl}/oauth2/token`,
          }
        : {}),
      tiers: Object.fromEntries(
        args.plans.map((p) => [
          p.name,
          {
            group: p.group,
            scope: p.scope,
            rateLimit: p.rateLimit,
            burstLimit: p.burstLimit,
            quota: `${p.quotaLimit}/${p.quotaPeriod}`,
          },
        ]),
      ),
      authorizerCacheSeconds: args.cacheTtlSeconds,
    });
    const cited = {
      ...restCitations(this.rest),
      authorizerFunction: this.authorizerFunction,
      firstPlan: this.plans[args.plans[0].name].plan,
      authorizerPermission: this.authorizerPermission,
    };
    const targets = restDoorTargets(this.rest);
    this.publish({
      url,
      ...targets,
      credential: { kind: "user-token", token: args.tokenUse, scheme: "bearer", apiKey: false },
      metrics: {
        ...targets.metrics,
        authorizer: { functionName: this.authorizerFunction.name, logGroupName: authorizer.logGroup.name },
      },
      settings,
      clientConfig,
      cited,
    });
  }
}
