import * as assert from "assert";
import { API_ROUTES, routeKeys } from "../../../components/routes";
import { doorConfig } from "../../../components/doors/registry";
import { OFFLINE_STACK, runStack } from "../../../offline/runStack";
import { describeRestStage } from "../../support/restStage";
import { StackRun, asList, ofType, one, policy, runMode } from "../../support/stack";

describe("LambdaAuthorizerFrontDoor", function () {
  let run: StackRun;
  before(async () => {
    // given authMode lambda-authorizer with the default tiers (free, pro)
    run = await runMode("lambda-authorizer");
  });

  it("has a REQUEST authorizer on the Authorization header, cached 300 s, invoking its own function", () => {
    const a = one(run, "aws:apigateway/authorizer:Authorizer").inputs;
    assert.equal(a.type, "REQUEST");
    assert.equal(a.identitySource, "method.request.header.Authorization");
    assert.equal(a.authorizerResultTtlInSeconds, 300);
    assert.match(a.authorizerUri, /function:door-authorizer\/invocations$/);
  });

  it("authorizes every non-OPTIONS method with it and requires the tier key the authorizer returns", () => {
    const methods = ofType(run, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod !== "OPTIONS");
    assert.equal(methods.length, routeKeys(API_ROUTES).length);
    for (const m of methods) {
      assert.equal(m.inputs.authorization, "CUSTOM", m.name);
      assert.equal(m.inputs.authorizerId, "door-api-lambda-id", m.name);
      assert.equal(m.inputs.apiKeyRequired, true, m.name);
    }
    assert.equal(
      one(run, "aws:apigateway/restApi:RestApi").inputs.apiKeySource,
      "AUTHORIZER",
      "clients never send the key",
    );
  });

  it("has one usage plan and one key per tier, on this API's stage, and a group for each group-matched tier", () => {
    const plans = ofType(run, "aws:apigateway/usagePlan:UsagePlan");
    assert.deepEqual(plans.map((p) => p.name).sort(), ["door-tier-free", "door-tier-pro"]);
    const pro = plans.find((p) => p.name === "door-tier-pro")!.inputs;
    assert.deepEqual(pro.throttleSettings, { rateLimit: 50, burstLimit: 100 });
    assert.deepEqual(pro.quotaSettings, { limit: 100000, period: "MONTH" });
    assert.deepEqual(pro.apiStages, [{ apiId: "door-api-lambda-authorizer-id", stage: "v1" }]);
    assert.deepEqual(
      ofType(run, "aws:apigateway/usagePlanKey:UsagePlanKey")
        .map((k) => k.inputs.keyId)
        .sort(),
      ["door-tier-free-id", "door-tier-pro-id"],
    );
    assert.deepEqual(
      ofType(run, "aws:cognito/userGroup:UserGroup")
        .map((g) => g.inputs.name)
        .sort(),
      ["admins", "pro"],
    );
  });

  it("gives the authorizer its own role that may only write its own logs", () => {
    const doc = policy(one(run, "aws:iam/rolePolicy:RolePolicy", "door-authorizer-access").inputs.policy);
    assert.deepEqual(
      doc.Statement.map((s) => s.Sid),
      ["OwnLogs"],
    );
    assert.match(asList(doc.Statement[0].Resource)[0] as string, /log-group:door-authorizer-logs:log-stream:\*$/);
    const fn = one(run, "aws:lambda/function:Function", "door-authorizer").inputs;
    assert.equal(fn.runtime, "nodejs22.x");
    assert.deepEqual(fn.architectures, ["arm64"]);
    assert.ok(fn.code.assets["index.js"].text.length > 1000, "a bundle of handlers/entries/authorizer.ts");
  });

  it("lets only this API's authorizers invoke the authorizer function", () => {
    const p = one(run, "aws:lambda/permission:Permission", "door-authorizer-invoke").inputs;
    assert.equal(p.principal, "apigateway.amazonaws.com");
    assert.equal(
      p.sourceArn,
      "arn:aws:execute-api:us-east-1:123456789012:door-api-lambda-authorizer-id/authorizers/door-api-lambda-id",
    );
  });

  it("tells the authorizer the pool, the client, the token type and each tier's key", () => {
    const env = one(run, "aws:lambda/function:Function", "door-authorizer").inputs.environment.variables;
    const vars = env.value ?? env; // the keys make it a secret
    assert.equal(vars.AUTHORIZER_ISSUER, "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_userspool");
    assert.equal(vars.AUTHORIZER_AUDIENCES, "users-spa-client-id");
    assert.equal(vars.AUTHORIZER_TOKEN_USE, "access");
    assert.deepEqual(
      JSON.parse(vars.AUTHORIZER_PLANS).map((p: any) => [p.name, p.group, p.key]),
      [
        ["free", undefined, "mock-api-key-value-for-door-tier-free"],
        ["pro", "pro", "mock-api-key-value-for-door-tier-pro"],
      ],
    );
  });

  describeRestStage("lambda-authorizer", () => run);

  const refused: [string, Record<string, unknown>, RegExp][] = [
    [
      "a tier whose burst is below its rate",
      { authorizerPlans: ["name=free,rate=10,burst=5,quota=10,period=DAY"] },
      /authorizerPlans has "name=free.*burst must be at least rate/,
    ],
    [
      "two tiers on one group",
      {
        authorizerPlans: [
          "name=free,rate=1,burst=1,quota=1,period=DAY",
          "name=a,group=g,rate=1,burst=1,quota=1,period=DAY",
          "name=b,group=g,rate=1,burst=1,quota=1,period=DAY",
        ],
      },
      /gives the group "g" two plans/,
    ],
    [
      "no default tier",
      { authorizerPlans: ["name=a,group=g,rate=1,burst=1,quota=1,period=DAY"] },
      /exactly one default plan/,
    ],
    [
      "the admin group as a tier",
      {
        authorizerPlans: [
          "name=free,rate=1,burst=1,quota=1,period=DAY",
          "name=a,group=admins,rate=1,burst=1,quota=1,period=DAY",
        ],
      },
      /uses the admin group/,
    ],
    [
      "a quota without a known period",
      { authorizerPlans: ["name=free,rate=1,burst=1,quota=1,period=YEAR"] },
      /period must be one of DAY, WEEK, MONTH/,
    ],
    [
      "an issuer without audiences",
      { authorizerIssuer: "https://login.example.com/" },
      /notes-auth:authorizerAudiences must be set together/,
    ],
    [
      "a key URL on plain http",
      {
        authorizerIssuer: "https://login.example.com/",
        authorizerAudiences: ["notes-api"],
        authorizerJwksUri: "http://login.example.com/keys",
      },
      /authorizerJwksUri is "http:\/\/login.example.com\/keys": it must be an https:\/\/ URL/,
    ],
    [
      "a key URL without an external issuer",
      { authorizerJwksUri: "https://login.example.com/keys" },
      /authorizerJwksUri is where an external issuer's keys are/,
    ],
    [
      "a groups claim for the stack's own pool",
      { groupsClaim: "groups" },
      /groupsClaim names an external issuer's groups claim.*cognito:groups/,
    ],
    [
      "a groups claim with a space or an empty segment",
      {
        authorizerIssuer: "https://login.example.com/",
        authorizerAudiences: ["notes-api"],
        groupsClaim: "realm_access..roles",
      },
      /groupsClaim is "realm_access..roles": it must be a claim name or a dotted path/,
    ],
  ];
  for (const [what, extra, message] of refused) {
    it(`refuses ${what} before any resource, naming the key`, async () => {
      const bad = await runStack({ stack: OFFLINE_STACK, config: doorConfig("lambda-authorizer", extra) });
      assert.match(bad.error ?? "", message);
      assert.deepEqual(
        bad.resources.filter((r) => r.custom),
        [],
      );
    });
  }

  it("with an external issuer and keepUserPool false: no user pool; the authorizer trusts that issuer", async () => {
    const ext = await runMode("lambda-authorizer", {
      keepUserPool: false,
      authorizerIssuer: "https://login.example.com/",
      authorizerAudiences: ["notes-api"],
    });
    assert.equal(ofType(ext, "aws:cognito/userPool:UserPool").length, 0);
    const env = one(ext, "aws:lambda/function:Function", "door-authorizer").inputs.environment.variables;
    const vars = env.value ?? env;
    assert.deepEqual(
      [vars.AUTHORIZER_ISSUER, vars.AUTHORIZER_AUDIENCES, vars.AUTHORIZER_TOKEN_USE],
      ["https://login.example.com/", "notes-api", "any"],
    );
    assert.deepEqual(
      [vars.AUTHORIZER_JWKS_URI, vars.AUTHORIZER_GROUPS_CLAIM],
      [undefined, undefined],
      "keys by discovery; cognito:groups",
    );
  });

  it(
    "given authorizerJwksUri and groupsClaim with an external issuer, then the authorizer gets both " +
      "and the notes function knows the groups claim",
    async () => {
      const ext = await runMode("lambda-authorizer", {
        authorizerIssuer: "https://dev-123456.okta.com/oauth2/default",
        authorizerAudiences: ["api://default"],
        authorizerJwksUri: "https://dev-123456.okta.com/oauth2/default/v1/keys",
        groupsClaim: "groups",
      });
      const env = one(ext, "aws:lambda/function:Function", "door-authorizer").inputs.environment.variables;
      const vars = env.value ?? env;
      assert.deepEqual(
        [vars.AUTHORIZER_JWKS_URI, vars.AUTHORIZER_GROUPS_CLAIM],
        ["https://dev-123456.okta.com/oauth2/default/v1/keys", "groups"],
      );
      const notes = ofType(ext, "aws:lambda/function:Function").find((f) => f.name !== "door-authorizer")!.inputs
        .environment.variables;
      assert.equal((notes.value ?? notes).GROUPS_CLAIM, "groups", "the handler's lambda-authorizer settings");
    },
  );
});
