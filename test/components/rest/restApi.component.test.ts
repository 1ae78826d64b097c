import * as assert from "assert";
import * as aws from "@pulumi/aws";
import type { RestAuthorizer, RestAuthorizerScope } from "../../../components/rest/authorizer";
import { NotesRestApi, restCitations } from "../../../components/rest/restApi";
import { RecordedResource } from "../../../offline/mocks";
import { STUB_LIVE_INVOKE_ARN, StubBackend, all, buildAlone, only, stubBackend, valueOf, SPEC_ROUTES } from "../alone";

/**
 * An authorizer of a kind no door has (a TOKEN Lambda authorizer on a header of its own): built
 * here, outside components/rest/, to prove that a new kind needs nothing from the API but bind().
 */
class FakeTokenAuthorizer implements RestAuthorizer {
  public readonly apiSettings = { label: "fake token", apiKeySource: "HEADER" } as const;
  public scope?: RestAuthorizerScope;

  bind(scope: RestAuthorizerScope) {
    this.scope = scope;
    const authorizer = scope.part(aws.apigateway.Authorizer, `${scope.name}-fake`, {
      restApi: scope.api.id,
      type: "TOKEN",
      authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/fake/invocations",
      identitySource: "method.request.header.X-Fake-Token",
    });
    return { authorization: "CUSTOM", authorizerId: authorizer.id, apiKeyRequired: false, authorizer };
  }
}

describe("NotesRestApi, built alone with an authorizer of a new kind", function () {
  let resources: RecordedResource[];
  let stub: StubBackend;
  let rest: NotesRestApi;
  const fake = new FakeTokenAuthorizer();
  before(async () => {
    // given a stub backend and a fake authorizer object
    stub = stubBackend();
    resources = await buildAlone(() => {
      rest = new NotesRestApi("api", {
        backend: stub.backend,
        authorizer: fake,
        clientHeaders: ["x-fake-token"],
        corsOrigins: ["https://app.example.com"],
        throttle: { rateLimit: 10, burstLimit: 20 },
        logRetentionDays: 7,
        disableExecuteApiEndpoint: false,
        routes: SPEC_ROUTES,
      });
    });
  });

  it("when built, then the authorizer was bound once to this API, and its resource is the API's child", () => {
    const api = only(resources, "aws:apigateway/restApi:RestApi");
    const component = only(resources, "notes-auth:door:NotesRestApi");
    assert.equal(fake.scope?.name, "api");
    assert.equal(fake.scope?.parent, rest);
    const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer", "api-fake");
    assert.equal(authorizer.parent, component.urn);
    assert.equal(authorizer.inputs.restApi, api.state.id);
  });

  it("when built, then the API takes its description and API key source from the authorizer's settings", () => {
    const api = only(resources, "aws:apigateway/restApi:RestApi");
    assert.deepEqual([api.inputs.description, api.inputs.apiKeySource], ["notes-auth (fake token)", "HEADER"]);
  });

  it("when built, then every method but OPTIONS takes what bind() returned, and OPTIONS stays open", () => {
    const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
    const methods = all(resources, "aws:apigateway/method:Method");
    const [open, guarded] = [
      methods.filter((m) => m.inputs.httpMethod === "OPTIONS"),
      methods.filter((m) => m.inputs.httpMethod !== "OPTIONS"),
    ];
    assert.ok(open.length > 0 && guarded.length > 0);
    for (const m of guarded)
      assert.deepEqual(
        [m.inputs.authorization, m.inputs.authorizerId, m.inputs.apiKeyRequired],
        ["CUSTOM", authorizer.state.id, false],
        m.name,
      );
    for (const m of open) assert.deepEqual([m.inputs.authorization, m.inputs.apiKeyRequired], ["NONE", false]);
  });

  it("when built, then the deployment waits for the authorizer, and reports cite it", () => {
    const authorizer = only(resources, "aws:apigateway/authorizer:Authorizer");
    assert.ok(only(resources, "aws:apigateway/deployment:Deployment").dependencies.includes(authorizer.urn));
    assert.equal(restCitations(rest).authorizer, rest.authorizer);
    assert.ok(rest.authorizer);
  });

  it(
    "when built, then the preflight allows the authorizer's header, and the backend serves every " +
      "method from this stage",
    async () => {
      const preflight = all(resources, "aws:apigateway/integrationResponse:IntegrationResponse")[0];
      assert.match(
        preflight.inputs.responseParameters["method.response.header.Access-Control-Allow-Headers"],
        /x-fake-token/,
      );
      for (const i of all(resources, "aws:apigateway/integration:Integration").filter(
        (x) => x.inputs.type === "AWS_PROXY",
      ))
        // the function's live alias (NotesBackend.live), which moves only once this API is deployed
        assert.equal(i.inputs.uri, STUB_LIVE_INVOKE_ARN);
      const api = only(resources, "aws:apigateway/restApi:RestApi");
      assert.equal(await valueOf(stub.invokes[0].sourceArn), `${api.state.executionArn}/v1/*/*`);
    },
  );
});
