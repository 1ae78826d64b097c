import * as assert from "assert";
import { StackRun, ofType, one, runMode } from "../../support/stack";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { describeRestStage } from "../../support/restStage";

describe("CognitoFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode cognito; when the program runs under mocks
    run = await runMode("cognito");
  });

  it("has a COGNITO_USER_POOLS authorizer whose provider is this stack's pool", () => {
    const authorizer = one(run, "aws:apigateway/authorizer:Authorizer").inputs;
    assert.equal(authorizer.type, "COGNITO_USER_POOLS");
    assert.deepEqual(authorizer.providerArns, [
      "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_userspool",
    ]);
    assert.equal(authorizer.identitySource, "method.request.header.Authorization");
  });

  it("authorizes every non-OPTIONS method with it", () => {
    const methods = ofType(run, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
    assert.ok(methods.length > 0);
    for (const m of methods) {
      assert.equal(m.inputs.authorization, "COGNITO_USER_POOLS", m.name);
      assert.equal(m.inputs.authorizerId, "door-api-cognito-id", m.name);
      assert.equal(m.inputs.authorizationScopes, undefined, `${m.name}: no scopes, so ID tokens are what is accepted`);
    }
  });

  it("pins the audience: the handler accepts tokens of this stack's SPA client only", () => {
    const env = one(run, "aws:lambda/function:Function").inputs.environment.variables;
    assert.equal(env.ALLOWED_CLIENT_IDS, "users-spa-client-id");
    assert.equal(env.ADMIN_GROUP, "admins");
  });

  it("exports what a client needs to sign in, and no secret", () => {
    assert.equal(run.outputs.authMode, "cognito");
    assert.match(run.outputs.url, /^https:\/\/.*execute-api.*\/v1$/);
    assert.equal(run.outputs.client.userPoolId, "us-east-1_userspool");
    assert.equal(run.outputs.client.userPoolClientId, "users-spa-client-id");
    assert.equal(run.outputs.region, "us-east-1");
  });

  describeRestStage("cognito", () => run);

  it("leaves the account CloudWatch role alone with apiGatewayAccountRole false", async () => {
    const without = await runMode("cognito", { apiGatewayAccountRole: false });
    assert.equal(ofType(without, "aws:apigateway/account:Account").length, 0);
    assert.equal(without.resources.filter((r) => r.name.endsWith("cloudwatch-role")).length, 0);
  });

  it(
    "refuses to build without a choice for apiGatewayAccountRole, naming the key and how to set it " +
      "once per region",
    async () => {
      // given a REST door and no choice (the default is off, so two stacks never fight over the role)
      const { apiGatewayAccountRole: _choice, ...config } = doorConfig("cognito");
      const run = await runStack({ stack: OFFLINE_STACK, config });
      assert.match(run.error ?? "", /notes-auth:apiGatewayAccountRole must be set for the cognito door/);
      assert.match(run.error ?? "", /true in exactly one stack per account and region/);
      assert.deepEqual(
        run.resources.filter((r) => r.custom),
        [],
      );
    },
  );
});
