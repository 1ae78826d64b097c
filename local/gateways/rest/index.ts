import type { GatewayDeps, LocalGateway } from "../gateway";
import { runSteps } from "../steps";
import type { RestStep } from "./context";
import { restStage, T } from "./stage";
import { apiKey } from "./steps/apiKey";
import { authorize } from "./steps/authorize";
import { integrate } from "./steps/integrate";
import { respond } from "./steps/respond";
import { route } from "./steps/route";
import { throttle } from "./steps/throttle";

/**
 * API Gateway REST APIs, from the recorded `RestApi`, `Resource`, `Method`, `Integration`,
 * `IntegrationResponse`, `Authorizer` (user pools, REQUEST Lambda), `Response` (gateway
 * responses), `Stage`, `MethodSettings`, `ApiKey`, `UsagePlan` and `UsagePlanKey` resources, and
 * the recorded IAM policies for AWS_IAM methods: one local gateway per recorded stage. Nothing
 * here knows a door.
 */

/** A request's path through a stage, in order (each step in steps/, named as its file). */
export const REST_STEPS: readonly RestStep[] = [route, throttle, authorize, apiKey, integrate, respond];

export function restApiGateways(deps: GatewayDeps): LocalGateway[] {
  const { program } = deps;
  return program.ofType(T.stage).map((recorded) => {
    const api = program.byId(T.restApi, recorded.inputs.restApi);
    if (!api) throw new Error(`stage ${recorded.name} names no recorded REST API`);
    const stage = restStage(deps, api, recorded);
    return {
      describe: `REST API ${stage.apiName} (${stage.apiId}), stage ${stage.stageName}`,
      basePath: `/${stage.stageName}`,
      invokeUrl: String(program.stateOf(recorded).invokeUrl),
      api: {
        id: stage.apiId,
        stage: stage.stageName,
        executeApiEndpoint: api.inputs.disableExecuteApiEndpoint !== true,
      },
      async handle(req) {
        const answer = await runSteps(REST_STEPS, { deps, stage, req });
        if (!answer || !("reply" in answer)) throw new Error(`${req.method} ${req.path}: the REST steps gave no reply`);
        return answer.reply;
      },
    };
  });
}
