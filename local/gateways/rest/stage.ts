import type { RecordedResource } from "../../../offline/mocks";
import { NotEmulatedYet } from "../../recorded";
import { GatewayDeps, accountOf } from "../gateway";
import { TokenBucket } from "../http";
import { RequestAuthorizer } from "./requestAuthorizer";
import { StageUsagePlans } from "./usagePlans";

/**
 * One REST API stage as the request steps (steps/) read it: what the recorded `RestApi`,
 * `Resource`, `Method`, `Integration`, `IntegrationResponse`, `Authorizer`, `Response` (gateway
 * responses), `Stage`, `MethodSettings` and usage plans of the stage say, gathered once at start.
 * What this emulator cannot reproduce stops local mode there, naming it.
 */
export interface RestStage {
  apiId: string;
  apiName: string;
  stageName: string;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>`. */
  executionArn: string;
  region: string;
  account: string;
  /** Where the API key comes from: `HEADER` (x-api-key) or `AUTHORIZER` (its usageIdentifierKey). */
  apiKeySource: string;
  /** Every resource's full path (`/notes/{id}`). */
  templates: string[];
  /** The method of a resource path and verb (the resource's `ANY` method when it has none of the verb). */
  methodOf(template: string, verb: string): RestMethod | undefined;
  /** The recorded gateway responses (`aws:apigateway/response:Response`). */
  responses: RecordedResource[];
  /** The stage's throttle, from MethodSettings `*` `/` `*` (steps/throttle.ts); none when it sets no rate. */
  bucket?: TokenBucket;
  usagePlans: StageUsagePlans;
  /** The stage's REQUEST authorizer of a recorded `Authorizer` (one each, so its cache is the stage's). */
  requestAuthorizerOf(authorizer: RecordedResource): RequestAuthorizer;
}

/** A recorded method with what it names. */
export interface RestMethod {
  resource: RecordedResource;
  integration?: RecordedResource;
  integrationResponses: RecordedResource[];
  authorizer?: RecordedResource;
}

export const T = {
  restApi: "aws:apigateway/restApi:RestApi",
  resource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  gatewayResponse: "aws:apigateway/response:Response",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
} as const;

export function restStage(deps: GatewayDeps, api: RecordedResource, stage: RecordedResource): RestStage {
  const { program } = deps;
  const apiId = program.idOf(api);
  const apiState = program.stateOf(api);
  const stageName = String(stage.inputs.stageName);
  const mine = (type: string, field = "restApi") => program.ofType(type).filter((r) => r.inputs[field] === apiId);

  // The resource tree: each Resource's full path from its parent's.
  const paths = new Map<string, string>([[String(apiState.rootResourceId), "/"]]);
  const resources = mine(T.resource);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of resources) {
      const parent = paths.get(r.inputs.parentId);
      if (parent !== undefined && !paths.has(program.idOf(r))) {
        paths.set(program.idOf(r), `${parent === "/" ? "" : parent}/${r.inputs.pathPart}`);
        grew = true;
      }
    }
  }

  const key = (resourceId: string, verb: string) => `${resourceId} ${verb}`;
  const methods = new Map<string, RestMethod>();
  for (const m of mine(T.method)) {
    const at = (r: RecordedResource) =>
      r.inputs.resourceId === m.inputs.resourceId && r.inputs.httpMethod === m.inputs.httpMethod;
    const authorizer = m.inputs.authorizerId ? program.byId(T.authorizer, m.inputs.authorizerId) : undefined;
    methods.set(key(m.inputs.resourceId, m.inputs.httpMethod), {
      resource: m,
      integration: mine(T.integration).find(at),
      integrationResponses: mine(T.integrationResponse).filter(at),
      authorizer,
    });
    checkEmulated(m, authorizer, mine(T.integration).find(at));
  }
  const idOfPath = new Map([...paths].map(([id, p]) => [p, id]));
  const settings = mine(T.methodSettings).filter(
    (s) => s.inputs.stageName === stageName && s.inputs.methodPath === "*/*",
  )[0]?.inputs.settings;
  const executionArn = String(apiState.executionArn);
  const account = accountOf(executionArn);
  const requestAuthorizers = new Map<RecordedResource, RequestAuthorizer>();
  return {
    apiId,
    apiName: api.name,
    stageName,
    executionArn,
    region: executionArn.split(":")[3],
    account,
    apiKeySource: String(api.inputs.apiKeySource ?? "HEADER"),
    templates: [...paths.values()],
    methodOf(template, verb) {
      const resourceId = idOfPath.get(template);
      if (resourceId === undefined) return undefined;
      return methods.get(key(resourceId, verb)) ?? methods.get(key(resourceId, "ANY"));
    },
    responses: mine(T.gatewayResponse, "restApiId"),
    bucket:
      settings?.throttlingRateLimit !== undefined && settings.throttlingRateLimit >= 0
        ? new TokenBucket(
            settings.throttlingRateLimit,
            settings.throttlingBurstLimit ?? settings.throttlingRateLimit,
            deps.now,
          )
        : undefined,
    usagePlans: new StageUsagePlans(program, apiId, stageName, deps.apiKeys, deps.now),
    requestAuthorizerOf(authorizer) {
      let found = requestAuthorizers.get(authorizer);
      if (!found) {
        found = new RequestAuthorizer(authorizer, {
          iam: deps.iam,
          lambda: () => deps.lambda,
          account,
          authorizerArn: `${executionArn}/authorizers/${program.idOf(authorizer)}`,
          now: deps.now,
        });
        requestAuthorizers.set(authorizer, found);
      }
      return found;
    },
  };
}

/** What this emulator cannot reproduce stops local mode at start, naming it. */
function checkEmulated(
  method: RecordedResource,
  authorizer: RecordedResource | undefined,
  integration: RecordedResource | undefined,
): void {
  const auth = String(method.inputs.authorization ?? "NONE");
  if (!["NONE", "COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM"].includes(auth))
    throw new NotEmulatedYet(`REST methods with ${auth} authorization`);
  if (auth === "COGNITO_USER_POOLS" && authorizer?.inputs.type !== "COGNITO_USER_POOLS")
    throw new NotEmulatedYet(`REST authorizers of type ${authorizer?.inputs.type}`);
  if (auth === "CUSTOM" && authorizer?.inputs.type !== "REQUEST")
    throw new NotEmulatedYet(`REST Lambda authorizers of type ${authorizer?.inputs.type}`);
  if (integration && !["AWS_PROXY", "MOCK"].includes(integration.inputs.type))
    throw new NotEmulatedYet(`REST integrations of type ${integration.inputs.type}`);
}
