import * as assert from "assert";
import { arnLike, permits, policyFor } from "../../../local/services/lambda";

describe("local Lambda: resource-based policy checks", () => {
  const caller = {
    principal: "apigateway.amazonaws.com",
    sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/GET/notes/42",
    sourceAccount: "123456789012",
  };

  it(
    "given a SourceArn pattern, when ArnLike compares, then * spans slashes within the resource part but " +
      "not the account",
    () => {
      assert.ok(arnLike("arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*", caller.sourceArn));
      assert.ok(arnLike("arn:aws:execute-api:us-east-1:123456789012:abc123/*", caller.sourceArn));
      assert.ok(!arnLike("arn:aws:execute-api:us-east-1:123456789012:other/v1/*/*", caller.sourceArn));
      assert.ok(!arnLike("arn:aws:execute-api:us-east-1:999999999999:abc123/*", caller.sourceArn));
      assert.ok(!arnLike("arn:aws:execute-api:us-east-1:123456789012:abc123/v2/*", caller.sourceArn));
    },
  );

  it("given the recorded permission, when another principal or a wrong ARN invokes, then it is refused", () => {
    const statement = {
      action: "lambda:InvokeFunction",
      principal: "apigateway.amazonaws.com",
      sourceArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*",
    };
    assert.ok(permits([statement], caller));
    assert.ok(!permits([statement], { ...caller, principal: "elasticloadbalancing.amazonaws.com" }));
    assert.ok(!permits([statement], { ...caller, sourceArn: caller.sourceArn.replace("abc123", "zzz") }));
    assert.ok(!permits([], caller), "no statement, no invocation");
  });

  it(
    "given a permission on the live alias, when the alias is invoked, then it applies; when the function is " +
      "invoked unqualified (or through another alias), then no statement does",
    () => {
      const fn = { name: "notes-api", arn: "arn:aws:lambda:us-east-1:123456789012:function:notes-api" };
      const onLive = { inputs: { function: fn.name, qualifier: "live", action: "lambda:InvokeFunction" } };
      const onArn = { inputs: { function: `${fn.arn}:live`, action: "lambda:InvokeFunction" } };
      const unqualified = { inputs: { function: fn.arn, action: "lambda:InvokeFunction" } };
      const statements = (invoked: string) => policyFor([onLive, onArn, unqualified], fn, invoked).length;
      assert.equal(statements(`${fn.arn}:live`), 2);
      assert.equal(statements(fn.arn), 1);
      assert.equal(statements(`${fn.arn}:other`), 0);
    },
  );
});
