import * as assert from "assert";
import type { FrontDoor } from "../../../components/doors/door";
import { RecordedResource } from "../../../offline/mocks";
import { STUB_FUNCTION_ARN, StubBackend, all, buildDoorAlone, doorArgs, only, valueOf } from "../alone";

describe("HttpJwtFrontDoor, built alone", function () {
  let resources: RecordedResource[];
  let stub: StubBackend;
  let door: FrontDoor<"http-jwt">;
  before(async () => {
    // given a stub backend and a user directory of its own
    ({ resources, stub, door } = await buildDoorAlone("http-jwt", doorArgs("http-jwt")));
  });

  it(
    "when built, then the JWT authorizer trusts the directory's issuer and its SPA client as audience, and " +
      "every route uses it",
    () => {
      const client = only(resources, "aws:cognito/userPoolClient:UserPoolClient");
      const authorizer = only(resources, "aws:apigatewayv2/authorizer:Authorizer");
      assert.equal(authorizer.inputs.authorizerType, "JWT");
      assert.match(authorizer.inputs.jwtConfiguration.issuer, /^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\//);
      assert.deepEqual(authorizer.inputs.jwtConfiguration.audiences, [client.state.id]);
      const routes = all(resources, "aws:apigatewayv2/route:Route");
      assert.ok(routes.length > 0);
      for (const r of routes) {
        assert.equal(r.inputs.authorizationType, "JWT", r.name);
        assert.equal(r.inputs.authorizerId, authorizer.state.id, r.name);
      }
    },
  );

  it(
    "when built, then its integration calls the backend's function, which API Gateway may invoke from " + "this API",
    async () => {
      assert.equal(
        only(resources, "aws:apigatewayv2/integration:Integration").inputs.integrationUri,
        `${STUB_FUNCTION_ARN}:live`,
      );
      assert.equal(stub.invokes.length, 1);
      assert.equal(stub.invokes[0].principal, "apigateway.amazonaws.com");
      const api = only(resources, "aws:apigatewayv2/api:Api");
      assert.ok((await valueOf(stub.invokes[0].sourceArn)).startsWith(api.state.executionArn));
    },
  );

  it("when built, then its clients are told to send a bearer access token", async () => {
    assert.deepEqual((await valueOf(door.clientConfig)).credential, {
      kind: "user-token",
      token: "access",
      scheme: "bearer",
      apiKey: false,
    });
  });
});
