import * as assert from "assert";
import type { FrontDoor } from "../../../components/doors/door";
import { RecordedResource } from "../../../offline/mocks";
import {
  STUB_LIVE_INVOKE_ARN,
  StubBackend,
  all,
  buildDoorAlone,
  doorArgs,
  only,
  valueOf,
  withSpecRoutes,
} from "../alone";

describe("CognitoFrontDoor, built alone", function () {
  let resources: RecordedResource[];
  let stub: StubBackend;
  let door: FrontDoor<"cognito">;
  before(async () => {
    // given a stub backend and a user directory of its own, and the door's minimal arguments
    ({ resources, stub, door } = await buildDoorAlone("cognito", withSpecRoutes(doorArgs("cognito"))));
  });

  it(
    "when built, then every non-OPTIONS method uses the user pool authorizer, which trusts the directory's " + "pool",
    () => {
      const pool = only(resources, "aws:cognito/userPool:UserPool");
      const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
      assert.equal(authorizer.inputs.type, "COGNITO_USER_POOLS");
      assert.deepEqual(authorizer.inputs.providerArns, [pool.state.arn]);
      const methods = all(resources, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
      assert.ok(methods.length > 0);
      for (const m of methods) {
        assert.equal(m.inputs.authorization, "COGNITO_USER_POOLS", m.name);
        assert.equal(m.inputs.authorizerId, authorizer.state.id, m.name);
        assert.equal(m.inputs.apiKeyRequired, false, m.name);
      }
    },
  );

  it("when built, then the API is named for its authorizer and every integration calls the backend's function", () => {
    assert.equal(only(resources, "aws:apigateway/restApi:RestApi").inputs.description, "notes-auth (cognito)");
    const lambdas = all(resources, "aws:apigateway/integration:Integration").filter(
      (i) => i.inputs.type === "AWS_PROXY",
    );
    assert.ok(lambdas.length > 0);
    const live = STUB_LIVE_INVOKE_ARN;
    for (const i of lambdas) assert.equal(i.inputs.uri, live, i.name);
  });

  it("when built, then the backend is asked to let API Gateway invoke it from this API's stage only", async () => {
    const api = only(resources, "aws:apigateway/restApi:RestApi");
    assert.equal(stub.invokes.length, 1);
    assert.equal(stub.invokes[0].principal, "apigateway.amazonaws.com");
    assert.equal(await valueOf(stub.invokes[0].sourceArn), `${api.state.executionArn}/v1/*/*`);
  });

  it("when built, then its clients are told to send the ID token as is", async () => {
    const client = await valueOf(door.clientConfig);
    assert.deepEqual(client.credential, { kind: "user-token", token: "id", scheme: "raw", apiKey: false });
  });
});
