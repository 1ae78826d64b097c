import * as assert from "assert";
import { DOORS } from "../../../components/doors/registry";
import { RecordedResource } from "../../../offline/mocks";
import { MachineIdentities } from "../../../components/identities";
import { all, buildAlone, doorArgs, identityArgs, only, stubBackend, userDirectory, withSpecRoutes } from "../alone";

describe("ApiKeyFrontDoor, built alone", function () {
  const build = async (extra: Record<string, unknown>): Promise<RecordedResource[]> => {
    const { backend } = stubBackend();
    return buildAlone(() => {
      const users = userDirectory();
      const args = withSpecRoutes(doorArgs("api-key", extra));
      // the keys are the stack's (components/identities.ts); the door attaches them to its plan
      const identities = new MachineIdentities("identities", identityArgs("api-key", extra), users);
      DOORS["api-key"].create("door", args, { backend, users, identities });
      users.seal();
    });
  };
  let keysOnly: RecordedResource[];
  let withUsers: RecordedResource[];
  before(async () => {
    // given a stub backend and the door's two clients, alone and with a user pool on top
    keysOnly = await build({});
    withUsers = await build({ apiKeyWithCognito: true });
  });

  it(
    "when built with keys only, then every non-OPTIONS method requires a key and nothing else, read from " +
      "the header",
    () => {
      const methods = all(keysOnly, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      assert.ok(methods.length > 0);
      for (const m of methods) assert.deepEqual([m.inputs.authorization, m.inputs.apiKeyRequired], ["NONE", true]);
      const api = only(keysOnly, "aws:apigateway/restApi:RestApi");
      assert.deepEqual([api.inputs.description, api.inputs.apiKeySource], ["notes-auth (api-key)", "HEADER"]);
      assert.equal(all(keysOnly, "aws:apigateway/authorizer:Authorizer").length, 0);
    },
  );

  it("when built, then each client's key is in the usage plan, which covers this API's stage", () => {
    const plan = only(keysOnly, "aws:apigateway/usagePlan:UsagePlan");
    const api = only(keysOnly, "aws:apigateway/restApi:RestApi");
    const stage = only(keysOnly, "aws:apigateway/stage:Stage");
    assert.deepEqual(plan.inputs.apiStages, [{ apiId: api.state.id, stage: stage.inputs.stageName }]);
    const keys = all(keysOnly, "aws:apigateway/apiKey:ApiKey");
    const planKeys = all(keysOnly, "aws:apigateway/usagePlanKey:UsagePlanKey");
    assert.equal(keys.length, 2);
    assert.deepEqual(
      planKeys.map((k) => [k.inputs.keyId, k.inputs.usagePlanId]).sort(),
      keys.map((k) => [k.state.id, plan.state.id]).sort(),
    );
  });

  it(
    "when built with apiKeyWithCognito, then methods also need a user pool token of the directory, and the " +
      "API is named for it",
    () => {
      const authorizer = only(withUsers, "aws:apigateway/authorizer:Authorizer");
      const pool = only(withUsers, "aws:cognito/userPool:UserPool");
      assert.deepEqual(authorizer.inputs.providerArns, [pool.state.arn]);
      const methods = all(withUsers, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      for (const m of methods) {
        assert.deepEqual(
          [m.inputs.authorization, m.inputs.authorizerId, m.inputs.apiKeyRequired],
          ["COGNITO_USER_POOLS", authorizer.state.id, true],
        );
      }
      assert.equal(only(withUsers, "aws:apigateway/restApi:RestApi").inputs.description, "notes-auth (cognito)");
    },
  );
});
