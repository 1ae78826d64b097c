import * as assert from "assert";
import { routeKeys } from "../../../components/routes";
import { describeRestStage } from "../../support/restStage";
import { StackRun, ofType, one, runMode } from "../../support/stack";

describe("ApiKeyFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode api-key with two clients, one of them admin
    run = await runMode("api-key", {
      apiKeyClients: ["reporting", "ops"],
      apiKeyAdminClients: ["ops"],
      apiKeyQuotaLimit: 5000,
      apiKeyQuotaPeriod: "WEEK",
    });
  });

  it("requires an API key on every non-OPTIONS method", () => {
    const methods = ofType(run, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
    assert.equal(methods.length, routeKeys().length);
    for (const m of methods) assert.equal(m.inputs.apiKeyRequired, true, m.name);
  });

  it("has a usage plan with throttle and quota on this API's Stage (not the deployment)", () => {
    const plan = one(run, "aws:apigateway/usagePlan:UsagePlan").inputs;
    assert.deepEqual(plan.throttleSettings, { rateLimit: 10, burstLimit: 20 });
    assert.deepEqual(plan.quotaSettings, { limit: 5000, period: "WEEK" });
    const stage = one(run, "aws:apigateway/stage:Stage");
    assert.deepEqual(plan.apiStages, [{ apiId: "door-api-api-key-id", stage: stage.inputs.stageName }]);
    assert.equal(plan.apiStages.length, 1, "covers only this stage");
  });

  it("makes one key and one usage-plan key per configured client", () => {
    const keys = ofType(run, "aws:apigateway/apiKey:ApiKey");
    assert.deepEqual(keys.map((k) => k.name).sort(), ["door-key-ops", "door-key-reporting"]);
    const planKeys = ofType(run, "aws:apigateway/usagePlanKey:UsagePlanKey");
    assert.deepEqual(planKeys.map((k) => k.inputs.keyId).sort(), ["door-key-ops-id", "door-key-reporting-id"]);
    for (const k of planKeys) assert.equal(k.inputs.usagePlanId, "door-plan-id");
  });

  it("exports key values only as a secret", () => {
    assert.deepEqual(run.outputs.secrets, { secret: true, keys: ["apiKeys"] });
    assert.ok(!JSON.stringify(run.outputs.client).includes("mock-api-key-value"), "no key value in plain outputs");
    assert.deepEqual(run.outputs.client.clients.ops, { keyId: "door-key-ops-id", admin: true });
  });

  it("tells the handler which key ids are admin", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.AUTH_MODE, "api-key");
    assert.equal(env.ADMIN_API_KEY_IDS, "door-key-ops-id");
    assert.equal(env.API_KEY_USER_TOKENS, "false");
  });

  describeRestStage("api-key", () => run);

  describe("with apiKeyWithCognito", () => {
    let both: StackRun;
    before(async () => {
      both = await runMode("api-key", { apiKeyWithCognito: true });
    });
    it("needs both a key and a user pool token on every non-OPTIONS method", () => {
      const methods = ofType(both, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      for (const m of methods) {
        assert.equal(m.inputs.apiKeyRequired, true, m.name);
        assert.equal(m.inputs.authorization, "COGNITO_USER_POOLS", m.name);
      }
      assert.equal(one(both, "aws:apigateway/authorizer:Authorizer").inputs.type, "COGNITO_USER_POOLS");
    });
    it("has the handler take the user from the token and pin the audience", () => {
      const env = one(both, "aws:lambda/function:Function").inputs.environment.variables;
      assert.equal(env.API_KEY_USER_TOKENS, "true");
      assert.equal(env.ALLOWED_CLIENT_IDS, "users-spa-client-id");
    });
  });
});
