import * as assert from "assert";
import type { RecordedResource } from "../../../../offline/mocks";
import { IncomingRequest, restAuthorizerEvent } from "../../../../local/gateways/events";
import { RequestAuthorizer } from "../../../../local/gateways/rest/requestAuthorizer";
import type { LocalIam } from "../../../../local/services/iam";
import type { LocalLambda } from "../../../../local/services/lambda";

const METHOD = "arn:aws:execute-api:eu-west-1:123456789012:api/v1/GET/admin/stats";
const policy = (effect: "Allow" | "Deny") => ({
  Version: "2012-10-17",
  Statement: [{ Effect: effect, Action: "execute-api:Invoke", Resource: METHOD }],
});

/** A REQUEST authorizer with a 300 s cache whose function allows exactly the token `admin-token`. */
function authorizerSeeing(seen: string[]) {
  const lambda = {
    async invokeAs(_from: unknown, _fn: string, event: { headers: Record<string, string> }) {
      const token = event.headers.Authorization;
      seen.push(token);
      return {
        allowed: true,
        result: { principalId: token, policyDocument: policy(token === "admin-token" ? "Allow" : "Deny") },
      };
    },
  } as unknown as LocalLambda;
  const iam = {
    evaluate: async (q: { identityPolicies: ReturnType<typeof policy>[] }) =>
      q.identityPolicies[0].Statement[0].Effect === "Allow" ? "Allowed" : "ExplicitlyDenied",
  } as unknown as LocalIam;
  const resource = {
    name: "authorizer",
    inputs: { identitySource: "method.request.header.Authorization", authorizerResultTtlInSeconds: 300 },
  } as unknown as RecordedResource;
  return new RequestAuthorizer(resource, {
    iam,
    lambda: () => lambda,
    account: "123456789012",
    authorizerArn: "arn:aws:execute-api:eu-west-1:123456789012:api/authorizers/a",
  });
}

const request = (authorization: string | string[]): IncomingRequest => ({
  method: "GET",
  path: "/admin/stats",
  headers: { Authorization: authorization },
});
const CONTEXT = {
  apiId: "api",
  stage: "v1",
  accountId: "123456789012",
  resourcePath: "/admin/stats",
  pathParameters: null,
};
/** The authorizer's input as the REST gateway builds it. */
const eventOf = (req: IncomingRequest) => () => restAuthorizerEvent(req, CONTEXT, METHOD);

describe("local gateways: a REST API's REQUEST authorizer", () => {
  it(
    "given an admin's Allow in the cache, when a request repeats Authorization with the admin's token first and " +
      "garbage last, then the cache key is the value the authorizer sees (the last), so it is asked and denies",
    async () => {
      const seen: string[] = [];
      const authorizer = authorizerSeeing(seen);
      const admin = request("admin-token");
      assert.equal((await authorizer.authorize(admin, METHOD, eventOf(admin))).ok, true);
      const riding = request(["admin-token", "garbage"]);
      const outcome = await authorizer.authorize(riding, METHOD, eventOf(riding));
      assert.equal(outcome.ok, false, "the garbage token rode on the cached Allow");
      assert.deepEqual(seen, ["admin-token", "garbage"]);
    },
  );

  it("given the same token again, when it is presented, then the cached answer serves it", async () => {
    const seen: string[] = [];
    const authorizer = authorizerSeeing(seen);
    const admin = request("admin-token");
    for (let i = 0; i < 2; i++) assert.equal((await authorizer.authorize(admin, METHOD, eventOf(admin))).ok, true);
    assert.deepEqual(seen, ["admin-token"]);
  });
});
