import * as assert from "assert";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { readStackFile, runStack } from "../../offline/runStack";
import { StackRun, resourcesUnder, runMode } from "../support/stack";

const BUILT_MODES: readonly AuthMode[] = AUTH_MODES;

describe("switching the front door", function () {
  const runs = new Map<AuthMode, StackRun>();
  before(async () => {
    // the runs side by side (one worker per core), kept in the doors' order
    const modes = BUILT_MODES;
    const done = await Promise.all(modes.map((mode) => runMode(mode)));
    modes.forEach((mode, i) => runs.set(mode, done[i]));
  });

  it("keeps every backend resource's URN and the table's and bucket's inputs", () => {
    const [first, ...others] = BUILT_MODES;
    const base = resourcesUnder(runs.get(first)!, "notes-auth:backend:NotesBackend");
    assert.ok(base.length >= 10, "the backend has its resources");
    for (const mode of others) {
      const here = resourcesUnder(runs.get(mode)!, "notes-auth:backend:NotesBackend");
      assert.deepEqual(here.map((r) => r.urn).sort(), base.map((r) => r.urn).sort(), `${first} -> ${mode}`);
      for (const type of ["aws:dynamodb/table:Table", "aws:s3/bucket:Bucket"]) {
        assert.deepEqual(
          here.find((r) => r.type === type)!.inputs,
          base.find((r) => r.type === type)!.inputs,
          `${type} ${first} -> ${mode}`,
        );
      }
    }
  });

  it("keeps API Gateway's regional logging role across door switches (an account setting, not a door's)", async () => {
    // given a stack that manages the role; when it switches from a REST door to the HTTP API door
    const rest = resourcesUnder(runs.get("cognito")!, "notes-auth:apigateway:ApiGatewayLogging");
    const http = resourcesUnder(
      await runMode("http-jwt", { apiGatewayAccountRole: true }),
      "notes-auth:apigateway:ApiGatewayLogging",
    );
    // then the same role and account setting stay (no delete, no orphan, no re-create)
    assert.equal(rest.length, 3);
    assert.deepEqual(http.map((r) => r.urn).sort(), rest.map((r) => r.urn).sort());
  });

  it("keeps the user pool wherever the stack has one", () => {
    const pools = BUILT_MODES.map((m) =>
      runs.get(m)!.resources.find((r) => r.type === "aws:cognito/userPool:UserPool"),
    ).filter(Boolean);
    for (const p of pools)
      assert.deepEqual({ urn: p!.urn, inputs: p!.inputs }, { urn: pools[0]!.urn, inputs: pools[0]!.inputs });
  });
});

describe("the example stacks", function () {
  for (const stack of ["dev", "prod"]) {
    it(`Pulumi.${stack}.yaml builds`, async () => {
      const run = await runStack({ stack, config: readStackFile(stack) });
      assert.equal(run.error, undefined, run.error);
    });
  }
  it(
    "the prod example is a production starting point: protected data, admin-created users, real " +
      "origins and redirects",
    async () => {
      const run = await runStack({ stack: "prod", config: readStackFile("prod") });
      const pool = run.resources.find((r) => r.type === "aws:cognito/userPool:UserPool")!;
      assert.equal(pool.inputs.adminCreateUserConfig.allowAdminCreateUserOnly, true);
      assert.equal(pool.inputs.deletionProtection, "ACTIVE");
      const spa = run.resources.find(
        (r) => r.type === "aws:cognito/userPoolClient:UserPoolClient" && r.name === "users-spa",
      )!;
      for (const url of [...spa.inputs.callbackUrls, ...spa.inputs.logoutUrls]) assert.match(url, /^https:\/\//, url);
      const fn = run.resources.find((r) => r.type === "aws:lambda/function:Function")!;
      assert.notEqual(fn.inputs.environment.variables.CORS_ALLOWED_ORIGINS, "");
    },
  );
});

describe("a bad authMode", function () {
  for (const [label, value] of [
    ["missing", undefined],
    ["unknown", "saml"],
  ] as const) {
    it(`(${label}) stops the program before any resource, naming the key and the allowed values`, async () => {
      const run = await runStack({ stack: "test", config: value === undefined ? {} : { authMode: value } });
      assert.ok(run.error, "the program fails");
      assert.ok(run.error!.includes("notes-auth:authMode"), run.error);
      for (const mode of AUTH_MODES) assert.ok(run.error!.includes(mode), `${mode} listed: ${run.error}`);
      assert.deepEqual(
        run.resources.filter((r) => r.custom),
        [],
        "no resource was registered",
      );
    });
  }
});
