import * as assert from "assert";
import type { StackRun } from "../../offline/runStack";
import { CHECKS, ContractContext } from "../../local/contract/checks";
import type { AuthMode } from "../../handlers/authModes";
import { TestDoor, removeDir, startTestDoor } from "../support/localStack";

/**
 * The wiring comes from the program: alter one recorded input, as a bug in a component would,
 * and the contract call that depends on it fails locally. (The control case, the same checks
 * passing on the unaltered program, is the contract suite's own run: contract/checks.test.ts.)
 */

const inputsOf = (run: StackRun, type: string, pick: (inputs: Record<string, any>) => boolean = () => true) => {
  const found = run.resources.filter((r) => r.type === type && pick(r.inputs));
  assert.ok(found.length > 0, `no recorded ${type}`);
  return found.map((r) => r.inputs);
};

/** Runs one contract check against a door started from an altered recording; resolves to its error, if any. */
async function checkWith(mode: AuthMode, checkId: string, alter: (run: StackRun) => void, extra: Record<string, unknown> = {}): Promise<{ error?: Error; door: TestDoor }> {
  const door = await startTestDoor(mode, { alter, extra });
  const check = CHECKS.find((c) => c.id === checkId)!;
  try {
    await check.run(new ContractContext(door.outputs));
    return { door };
  } catch (err) {
    return { error: err as Error, door };
  } finally {
    await door.close();
    removeDir(door.dataDir);
  }
}

describe("local mode takes its wiring from the recorded program", function () {
  this.timeout(30000);

  it("given the POST /notes route recorded without its scope, when a notes/read token writes at http-jwt, then the read-only check fails (the write gets through)", async () => {
    const { error } = await checkWith("http-jwt", "read-only-token", (run) => {
      for (const route of inputsOf(run, "aws:apigatewayv2/route:Route", (i) => i.routeKey === "POST /notes")) route.authorizationScopes = [];
    });
    assert.match(String(error?.message), /create with notes\/read only: expected 403, got 201/);
  });

  it("given the JWT authorizer recorded with another audience, when a user calls the http-jwt door, then CRUD fails with 401", async () => {
    const { error, door } = await checkWith("http-jwt", "crud", (run) => {
      for (const a of inputsOf(run, "aws:apigatewayv2/authorizer:Authorizer")) a.jwtConfiguration.audiences = ["some-other-app"];
    });
    assert.match(String(error?.message), /expected 201, got 401/);
    assert.ok(door.logs.some((l) => l.includes("does not have a valid audience")), door.logs.join("\n"));
  });

  it("given the function's environment recorded with another allowed client, when a user calls the cognito door, then the handler refuses with 401", async () => {
    const { error } = await checkWith("cognito", "crud", (run) => {
      for (const f of inputsOf(run, "aws:lambda/function:Function")) f.environment.variables.ALLOWED_CLIENT_IDS = "some-other-app";
    });
    assert.match(String(error?.message), /expected 201, got 401 .*another client/);
  });

  it("given the user pools authorizer recorded for another pool, when a user calls the cognito door, then the gateway refuses with 401", async () => {
    const { error } = await checkWith("cognito", "crud", (run) => {
      for (const a of inputsOf(run, "aws:apigateway/authorizer:Authorizer")) a.providerArns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other"];
    });
    assert.match(String(error?.message), /expected 201, got 401 \{"message":"Unauthorized"\}/);
  });

  it("given the Lambda permission recorded for another API's ARN, when a user calls the cognito door, then API Gateway may not invoke the function: 500", async () => {
    const { error, door } = await checkWith("cognito", "crud", (run) => {
      for (const p of inputsOf(run, "aws:lambda/permission:Permission")) p.sourceArn = p.sourceArn.replace(/:[\w-]+\/v1\//, ":another-api/v1/");
    });
    assert.match(String(error?.message), /expected 201, got 500 \{"message":"Internal server error"\}/);
    assert.ok(door.logs.some((l) => l.includes("invalid permissions on Lambda function")), door.logs.join("\n"));
  });

  it("given the HTTP API's CORS configuration recorded with another origin, when a browser preflights from the stack's origin, then the preflight check fails", async () => {
    const { error } = await checkWith("http-jwt", "cors-preflight", (run) => {
      for (const api of inputsOf(run, "aws:apigatewayv2/api:Api")) api.corsConfiguration.allowOrigins = ["https://elsewhere.example"];
    });
    assert.match(String(error?.message), /the listed origin is allowed/);
  });

  it("given the REST preflight recorded with the list literal template, when a browser preflights, then API Gateway's VTL cannot parse it: 500", async () => {
    const { error, door } = await checkWith("cognito", "cors-preflight", (run) => {
      for (const r of inputsOf(run, "aws:apigateway/integrationResponse:IntegrationResponse")) {
        r.responseTemplates["application/json"] = r.responseTemplates["application/json"].replace(/#set\(\$allowed = (\[[^\]]*\])\)\n#if\(\$allowed\.contains/, "#if($1.contains");
      }
    });
    assert.match(String(error?.message), /preflight from .*: 500/);
    assert.ok(door.logs.some((l) => l.includes("mapping template does not parse")), door.logs.join("\n"));
  });

  it("given the REST stage recorded with a burst of 1, when two calls come at once, then the second gets 429 Too Many Requests", async () => {
    const door = await startTestDoor("cognito", {
      alter: (run) => {
        for (const s of inputsOf(run, "aws:apigateway/methodSettings:MethodSettings")) Object.assign(s.settings, { throttlingBurstLimit: 1, throttlingRateLimit: 1 });
      },
    });
    try {
      const ctx = new ContractContext(door.outputs);
      const [first, second] = await Promise.all([ctx.call("/notes"), ctx.call("/notes")]);
      assert.deepEqual([first.status, second.status].sort(), [401, 429]);
      assert.deepEqual((first.status === 429 ? first : second).json, { message: "Too Many Requests" });
    } finally {
      await door.close();
      removeDir(door.dataDir);
    }
  });
});
