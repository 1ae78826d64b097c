import * as assert from "assert";
import { RecordedResource } from "../../../offline/mocks";
import { all, buildDoorAlone, doorArgs, only, withSpecRoutes } from "../alone";

describe("LambdaAuthorizerFrontDoor, built alone", function () {
  let resources: RecordedResource[];
  before(async () => {
    // given a stub backend, a user directory of its own, and the door's default tiers
    ({ resources } = await buildDoorAlone("lambda-authorizer", withSpecRoutes(doorArgs("lambda-authorizer"))));
  });

  it(
    "when built, then the API's REQUEST authorizer calls the door's authorizer function and every method " +
      "uses it with a key from its answer",
    () => {
      const fn = only(resources, "aws:lambda/function:Function", "door-authorizer");
      const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
      assert.equal(authorizer.inputs.type, "REQUEST");
      assert.equal(authorizer.inputs.authorizerUri, fn.state.invokeArn);
      assert.equal(authorizer.inputs.authorizerResultTtlInSeconds, 300);
      const api = only(resources, "aws:apigateway/restApi:RestApi");
      assert.deepEqual([api.inputs.description, api.inputs.apiKeySource], ["notes-auth (lambda)", "AUTHORIZER"]);
      const methods = all(resources, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      assert.ok(methods.length > 0);
      for (const m of methods)
        assert.deepEqual(
          [m.inputs.authorization, m.inputs.authorizerId, m.inputs.apiKeyRequired],
          ["CUSTOM", authorizer.state.id, true],
        );
    },
  );

  it(
    "when built, then API Gateway may invoke the authorizer function from that authorizer only, by a " +
      "permission of the door",
    () => {
      const door = only(resources, "notes-auth:door:LambdaAuthorizerFrontDoor");
      const api = only(resources, "aws:apigateway/restApi:RestApi");
      const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
      const permission = only(resources, "aws:lambda/permission:Permission", "door-authorizer-invoke");
      assert.equal(permission.parent, door.urn);
      assert.equal(permission.inputs.function, "door-authorizer");
      assert.equal(permission.inputs.sourceArn, `${api.state.executionArn}/authorizers/${authorizer.state.id}`);
    },
  );

  it("when built, then each tier is a usage plan on this API's stage with its own key", () => {
    const plans = all(resources, "aws:apigateway/usagePlan:UsagePlan");
    assert.deepEqual(plans.map((p) => p.name).sort(), ["door-tier-free", "door-tier-pro"]);
    assert.equal(all(resources, "aws:apigateway/usagePlanKey:UsagePlanKey").length, 2);
  });
});
