import * as assert from "assert";
import { parseArgs, plan } from "../../tools/plan";

// plan() is what `npm run plan` prints (tools/plan.ts writes it out); the benchmark's spec runs the
// command itself (`npm run bench -- --quick` times `npm run plan`, which must exit 0).

describe("npm run plan", function () {
  this.timeout(60_000);

  it("prints the dev stack: the resource tree and how the cognito door authenticates", async () => {
    // given Pulumi.dev.yaml (authMode cognito); when plan runs
    const { code, stdout } = await plan([]);
    assert.equal(code, 0);
    // then the tree, the count and the door summary are there
    assert.match(stdout, /^Stack dev: authMode cognito \(API Gateway REST \+ Cognito user pools authorizer\)/);
    assert.match(
      stdout,
      /\n\s+\+ notes-auth:backend:NotesBackend {2}notes\n\s+\+ aws:cloudwatch\/logGroup:LogGroup {2}notes-api-logs/,
    );
    assert.match(stdout, /\+ aws:apigateway\/authorizer:Authorizer {2}door-api-cognito/);
    assert.match(stdout, /\n\d+ resources to create \(\d+ components\)\./);
    assert.match(stdout, /client presents: {3}a Cognito ID token in the Authorization header/);
    assert.match(stdout, /principal id: {6}<user pool sub>/);
    assert.match(stdout, /Policy pack \(policy\/\): \d+ policies, no violations\./);
  });

  it("applies --set overrides and fails clearly on a bad value, naming the key", async () => {
    const { code, stdout } = await plan(["--set", "authMode=api-key", "--set", 'apiKeyClients=["reporting"]']);
    assert.equal(code, 0);
    assert.match(stdout, /authMode api-key/);
    assert.match(stdout, /aws:apigateway\/usagePlan:UsagePlan/);
    const saml = await plan(["--set", "authMode=saml"]);
    assert.equal(saml.code, 2);
    assert.match(
      saml.stderr,
      /notes-auth:authMode is "saml": it must be one of iam, cognito, http-jwt, api-key, alb-oidc/,
    );
    const nope = await plan(["--stack", "nope"]);
    assert.deepEqual({ code: nope.code, stdout: nope.stdout }, { code: 2, stdout: "" });
    assert.match(nope.stderr, /no stack file Pulumi\.nope\.yaml/);
  });

  it(
    "shows the lambda-authorizer door with --set authMode=lambda-authorizer: the authorizer function, " +
      "a usage plan per tier, and what the client presents",
    async () => {
      const { code, stdout } = await plan(["--set", "authMode=lambda-authorizer"]);
      assert.equal(code, 0);
      assert.match(stdout, /^Stack dev: authMode lambda-authorizer \(API Gateway REST \+ REQUEST Lambda authorizer/);
      assert.match(stdout, /\+ aws:lambda\/function:Function {2}door-authorizer\n/);
      assert.match(stdout, /\+ aws:apigateway\/authorizer:Authorizer {2}door-api-lambda\n/);
      for (const tier of ["free", "pro"])
        assert.match(stdout, new RegExp(`\\+ aws:apigateway/usagePlan:UsagePlan {2}door-tier-${tier}\\n`), tier);
      assert.match(stdout, /client presents: {3}a bearer JWT/);
      assert.match(stdout, /Policy pack \(policy\/\): \d+ policies, no violations\./);
    },
  );

  it(
    "refuses what the Pulumi CLI refuses before the program runs, with the CLI's message (config.go " +
      "validateStackConfigValue), and a misspelt key with the nearest declared one",
    async () => {
      // given a value of the wrong type for its Pulumi.yaml declaration
      const typed = await plan(["--set", "throttleRateLimit=fast"]);
      assert.deepEqual({ code: typed.code, stdout: typed.stdout }, { code: 2, stdout: "" });
      assert.match(
        typed.stderr,
        new RegExp(
          String.raw`^error: the Pulumi CLI would refuse this stack before the program runs: Stack` +
            String.raw` 'dev' with configuration key 'throttleRateLimit' must be of type 'integer'\n$`,
        ),
      );
      // given a key Pulumi.yaml does not declare (the program would otherwise ignore it)
      const misspelt = await plan(["--set", 'corsOrigin=["https://a.example.com"]']);
      assert.equal(misspelt.code, 2);
      assert.match(
        misspelt.stderr,
        /^error: notes-auth:corsOrigin is not a key of this program .*did you mean notes-auth:corsOrigins\?/,
      );
    },
  );

  it("parses its arguments strictly", () => {
    assert.deepEqual(parseArgs(["--stack", "prod", "--set", 'corsOrigins=["https://a.example.com"]']), {
      stack: "prod",
      overrides: { corsOrigins: ["https://a.example.com"] },
      diff: false,
      json: false,
    });
    assert.throws(() => parseArgs(["--set", "novalue"]), /must be key=value/);
    assert.throws(() => parseArgs(["--bogus"]), /unknown argument --bogus/);
    assert.deepEqual(
      parseArgs(["--stack=prod", "--set=authMode=iam", "--set", "m2mClient=true"]),
      { stack: "prod", overrides: { authMode: "iam", m2mClient: "true" }, diff: false, json: false },
      "--k=v and --k v alike",
    );
  });

  it("given --help, then it prints its flags with their defaults and exits 0 without running the program", async () => {
    const { code, stdout, stderr } = await plan(["--help"]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Usage: npm run plan/);
    assert.match(stdout, /--stack <name> .*\(default: dev\)/);
    assert.match(stdout, /--set key=value .*\(repeatable\)/);
    const bad = await plan(["--mode=iam"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: unknown argument --mode=iam \(see npm run plan -- --help\)/);
  });
});
