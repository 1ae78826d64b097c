import * as assert from "assert";
import { ApiGatewayLogging } from "../../components/apiGatewayLogging";
import { RecordedResource } from "../../offline/mocks";
import { buildAlone, only } from "./alone";

describe("ApiGatewayLogging, built alone", function () {
  let resources: RecordedResource[];
  before(async () => {
    // given nothing but the component
    resources = await buildAlone(() => new ApiGatewayLogging("apigw-logging"));
  });

  it("when built, then the region's account setting takes a role API Gateway assumes to push logs", () => {
    const role = only(resources, "aws:iam/role:Role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    assert.deepEqual(
      trust.Statement.map((s: any) => [s.Principal.Service, s.Action]),
      [["apigateway.amazonaws.com", "sts:AssumeRole"]],
    );
    assert.deepEqual(role.inputs.managedPolicyArns, [
      "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    ]);
    assert.equal(only(resources, "aws:apigateway/account:Account").inputs.cloudwatchRoleArn, role.state.arn);
  });

  it("when built, then both are kept when the stack goes, and are children of the component", () => {
    const component = only(resources, "notes-auth:apigateway:ApiGatewayLogging");
    for (const type of ["aws:iam/role:Role", "aws:apigateway/account:Account"]) {
      const r = only(resources, type);
      assert.deepEqual([r.options.retainOnDelete, r.parent], [true, component.urn], type);
    }
  });
});
