import * as assert from "assert";
import * as path from "path";
import { execFile } from "child_process";
import { promisify } from "util";
import { parseArgs } from "../../tools/plan";

const run = (args: string[]) => promisify(execFile)("npm", ["run", "-s", "plan", "--", ...args], { cwd: path.join(__dirname, "..", "..") });

describe("npm run plan", function () {
  this.timeout(60_000);

  it("prints the dev stack: the resource tree and how the cognito door authenticates", async () => {
    // given Pulumi.dev.yaml (authMode cognito); when plan runs
    const { stdout } = await run([]);
    // then the tree, the count and the door summary are there
    assert.match(stdout, /^Stack dev: authMode cognito \(API Gateway REST \+ Cognito user pools authorizer\)/);
    assert.match(stdout, /\n\s+\+ notes-auth:backend:NotesBackend {2}notes\n\s+\+ aws:cloudwatch\/logGroup:LogGroup {2}notes-api-logs/);
    assert.match(stdout, /\+ aws:apigateway\/authorizer:Authorizer {2}door-api-cognito/);
    assert.match(stdout, /\n\d+ resources to create \(\d+ components\)\./);
    assert.match(stdout, /client presents: {3}a Cognito ID token in the Authorization header/);
    assert.match(stdout, /principal id: {6}<user pool sub>/);
    assert.match(stdout, /Policy pack \(policy\/\): \d+ policies, no violations\./);
  });

  it("applies --set overrides and fails clearly on a bad value, naming the key", async () => {
    const { stdout } = await run(["--set", "authMode=api-key", "--set", 'apiKeyClients=["reporting"]']);
    assert.match(stdout, /authMode api-key/);
    assert.match(stdout, /aws:apigateway\/usagePlan:UsagePlan/);
    await assert.rejects(run(["--set", "authMode=saml"]), (err: any) => err.code === 2 && /notes-auth:authMode is "saml": it must be one of iam, cognito, http-jwt, api-key, alb-oidc/.test(err.stderr));
    await assert.rejects(run(["--stack", "nope"]), (err: any) => err.code === 2 && /no stack file Pulumi\.nope\.yaml/.test(err.stderr));
  });

  it("parses its arguments strictly", () => {
    assert.deepEqual(parseArgs(["--stack", "prod", "--set", "corsOrigins=[\"https://a.example.com\"]"]), { stack: "prod", overrides: { corsOrigins: ["https://a.example.com"] } });
    assert.throws(() => parseArgs(["--set", "novalue"]), /must be key=value/);
    assert.throws(() => parseArgs(["--bogus"]), /unknown argument --bogus/);
  });
});
