import * as assert from "assert";
import { AUTH_MODES } from "../../components/config";
import { DOORS, doorConfig } from "../../components/doors/registry";
import { doorReport } from "../../components/doors/reportRegistry";
import { OFFLINE_STACK, StackRun, runStack } from "../../offline/runStack";
import { POLICY_NAMES, runPolicies } from "../../offline/policyPack";
import { SECRET_KEYS } from "../../components/pulumiConfig";

/** Edits the trust statements of the recorded roles whose principal has this key (Federated, AWS). */
function editTrust(run: any, principal: string, edit: (statement: any) => void): void {
  for (const role of run.resources.filter((r: any) => r.type === "aws:iam/role:Role")) {
    const doc =
      typeof role.inputs.assumeRolePolicy === "string"
        ? JSON.parse(role.inputs.assumeRolePolicy)
        : role.inputs.assumeRolePolicy;
    const hits = [doc.Statement].flat().filter((st: any) => st.Principal?.[principal] !== undefined);
    hits.forEach(edit);
    if (hits.length > 0) role.inputs.assumeRolePolicy = JSON.stringify(doc);
  }
}

/** The policy pack users run with `pulumi preview --policy-pack policy`, run here on the recorded resources. */
describe("policy pack", function () {
  this.timeout(180_000);
  const runs = new Map<string, StackRun>();
  before(async () => {
    // given every door and each of its variants, as the comparison report builds them
    const configs = AUTH_MODES.flatMap((m) => [
      [m, {}] as const,
      ...Object.entries(doorReport(m).variants).map(([v, extra]) => [`${m}:${v}`, extra] as const),
    ]);
    await Promise.all(
      configs.map(async ([label, extra]) => {
        const mode = label.split(":")[0] as (typeof AUTH_MODES)[number];
        const secretKeys = SECRET_KEYS.filter((k) => k in extra);
        const run = await runStack({
          stack: OFFLINE_STACK,
          config: doorConfig(mode, extra),
          ...(secretKeys.length > 0 ? { secretKeys } : {}),
        });
        assert.equal(run.error, undefined, `${label}: ${run.error}`);
        runs.set(label, run);
      }),
    );
  });

  it("has a policy for each rule, each with a description citing where it comes from", () => {
    assert.ok(POLICY_NAMES.length >= 20);
    assert.equal(new Set(POLICY_NAMES).size, POLICY_NAMES.length);
  });

  it("passes every door and variant the program builds", async () => {
    for (const [label, run] of runs) assert.deepEqual(await runPolicies(run), [], label);
  });

  it("given several doors at once (all six, with WAF off), then it passes each door's resources as alone", async () => {
    const minimal = Object.assign({}, ...AUTH_MODES.map((m) => DOORS[m].minimalConfig));
    const run = await runStack({
      stack: OFFLINE_STACK,
      config: {
        ...doorConfig("cognito", { ...minimal, doors: [...AUTH_MODES], albWithoutDomainName: true, m2mClient: true }),
        authMode: undefined,
        domainName: undefined,
      },
    });
    assert.equal(run.error, undefined, run.error);
    assert.equal(run.resources.filter((r) => r.type.startsWith("notes-auth:door:") && r.name === "door").length, 6);
    assert.deepEqual(await runPolicies(run), []);
  });

  // Each rule must be able to fail: a recorded resource changed the way the bugs were, and the policy that catches it.
  const broken: [string, string, string, (r: any) => void][] = [
    [
      "a stage that no longer waits for the account's CloudWatch role",
      "cognito",
      "rest-logging-after-account-role",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigateway/stage:Stage").dependencies = [];
      },
    ],
    [
      "a role mapping that denies ambiguous roles",
      "iam",
      "identity-pool-users-get-credentials",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
        ).inputs.roleMappings[0].ambiguousRoleResolution = "Deny";
      },
    ],
    [
      "an ALB login client that lists only another name",
      "alb-oidc",
      "alb-login-redirects-registered",
      (run) => {
        run.resources.find((r: any) => r.name === "door-alb-client").state.callbackUrls = [
          "https://notes.example.com/oauth2/idpresponse",
        ];
      },
    ],
    [
      "a preflight that does not allow x-amz-content-sha256",
      "iam",
      "iam-cors-allows-sigv4",
      (run) => {
        for (const r of run.resources.filter(
          (r: any) => r.type === "aws:apigateway/integrationResponse:IntegrationResponse",
        ))
          r.state.responseParameters["method.response.header.Access-Control-Allow-Headers"] =
            "'authorization,content-type,x-amz-date,x-amz-security-token'";
      },
    ],
    [
      "an unprotected bucket without forceDestroy",
      "cognito",
      "s3-unprotected-bucket-destroyable",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:s3/bucket:Bucket").inputs.forceDestroy = false;
      },
    ],
    [
      "a deployment without a trigger",
      "api-key",
      "rest-deployment-redeploys",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigateway/deployment:Deployment").inputs.triggers = {};
      },
    ],
    [
      "reserved concurrency 0",
      "http-jwt",
      "lambda-supported-runtime",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:lambda/function:Function").inputs.reservedConcurrentExecutions =
          0;
      },
    ],
    [
      "a JWT route without scopes",
      "http-jwt",
      "http-jwt-routes-scoped",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigatewayv2/route:Route").inputs.authorizationScopes = [];
      },
    ],
    [
      "an open REST method",
      "cognito",
      "rest-methods-authorized",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:apigateway/method:Method" && r.inputs.httpMethod === "GET",
        ).inputs.authorization = "NONE";
      },
    ],
    [
      "a wildcard action",
      "iam",
      "iam-no-wildcards",
      (run) => {
        const p = run.resources.find((r: any) => r.type === "aws:iam/rolePolicy:RolePolicy");
        p.inputs.policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
        });
      },
    ],
    [
      "a public-access block turned off",
      "cognito",
      "s3-public-access-blocked",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        ).inputs.restrictPublicBuckets = false;
      },
    ],
    [
      "an ALB that lets anonymous requests through",
      "alb-oidc",
      "alb-https-only",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:lb/listener:Listener" && r.inputs.protocol === "HTTPS",
        ).inputs.defaultActions[0].authenticateCognito.onUnauthenticatedRequest = "allow";
      },
    ],
    [
      "a domain prefix Cognito refuses",
      "cognito",
      "cognito-domain-prefix-accepted",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:cognito/userPoolDomain:UserPoolDomain").inputs.domain =
          "notes-aws-dev";
      },
    ],
    [
      "a custom domain whose API still answers on execute-api",
      "http-jwt:mtls",
      "custom-domain-not-bypassed",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigatewayv2/api:Api").state.disableExecuteApiEndpoint = false;
      },
    ],
    [
      "a custom domain on TLS 1.0",
      "cognito:domain",
      "custom-domain-tls12-regional",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:apigatewayv2/domainName:DomainName",
        ).inputs.domainNameConfiguration.securityPolicy = "TLS_1_0";
      },
    ],
    [
      "a protected table without deletion protection",
      "cognito",
      "dynamodb-deletion-protected",
      (run) => {
        const t = run.resources.find((r: any) => r.type === "aws:dynamodb/table:Table");
        t.options.protect = true;
        t.inputs.deletionProtectionEnabled = false;
      },
    ],
    [
      "a bucket without default encryption",
      "cognito",
      "s3-encryption",
      (run) => {
        run.resources.find(
          (r: any) =>
            r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ).inputs.rules = [];
      },
    ],
    [
      "a log group kept forever",
      "http-jwt",
      "logs-retention",
      (run) => {
        delete run.resources.find((r: any) => r.type === "aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays;
      },
    ],
    [
      "a JWT authorizer with no audience",
      "http-jwt",
      "http-jwt-audiences",
      (run) => {
        run.resources.find(
          (r: any) => r.type === "aws:apigatewayv2/authorizer:Authorizer",
        ).inputs.jwtConfiguration.audiences = [];
      },
    ],
    [
      "an identity pool role trusting any pool's identities",
      "iam",
      "identity-pool-role-trust",
      (run) => {
        editTrust(run, "Federated", (st) => delete st.Condition.StringEquals);
      },
    ],
    [
      "a machine role trusting another account without an external id",
      "iam:machines",
      "iam-outside-principals-conditioned",
      (run) => {
        editTrust(run, "AWS", (st) => delete st.Condition);
      },
    ],
    [
      "a machine role trusting two principals (two machines, one principal)",
      "iam:machines",
      "iam-machine-role-one-principal",
      (run) => {
        editTrust(run, "AWS", (st) => {
          st.Principal.AWS = ["arn:aws:iam::210987654321:role/reporting", "arn:aws:iam::210987654321:role/billing"];
        });
      },
    ],
    [
      "a machine role trust policy above IAM's 2,048 characters",
      "iam:machines",
      "iam-machine-role-one-principal",
      (run) => {
        editTrust(run, "AWS", (st) => {
          st.Condition.StringEquals["sts:ExternalId"] = "x".repeat(2048);
        });
      },
    ],
    [
      "execute-api:Invoke on every API",
      "iam",
      "iam-execute-api-scoped",
      (run) => {
        const p = run.resources.find(
          (r: any) =>
            r.type === "aws:iam/rolePolicy:RolePolicy" && String(r.inputs.policy).includes("execute-api:Invoke"),
        );
        p.inputs.policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "execute-api:Invoke",
              Resource: "arn:aws:execute-api:us-east-1:123456789012:*/v1/GET/notes",
            },
          ],
        });
      },
    ],
    [
      "a user pools authorizer that trusts another pool",
      "cognito",
      "cognito-authorizer-own-pool",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigateway/authorizer:Authorizer").state.providerArns = [
          "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other",
        ];
      },
    ],
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html: API Gateway creates the execution-log group itself, never expiring.
    [
      "a REST stage whose execution-log group is left to API Gateway",
      "cognito",
      "rest-execution-logs-retained",
      (run) => {
        run.resources = run.resources.filter(
          (r: any) => !String(r.state.name).startsWith("API-Gateway-Execution-Logs_"),
        );
      },
    ],
    [
      "an execution-log group without retention",
      "lambda-authorizer",
      "rest-execution-logs-retained",
      (run) => {
        delete run.resources.find((r: any) => String(r.state.name).startsWith("API-Gateway-Execution-Logs_")).state
          .retentionInDays;
      },
    ],
    [
      "a REST stage that logs before its execution-log group exists",
      "api-key",
      "rest-execution-logs-retained",
      (run) => {
        const s = run.resources.find((r: any) => r.type === "aws:apigateway/stage:Stage");
        s.dependencies = s.dependencies.filter((u: string) => !u.includes("execution-logs"));
      },
    ],
    [
      "a usage plan on another API's stage",
      "api-key",
      "usage-plan-own-stage",
      (run) => {
        run.resources.find((r: any) => r.type === "aws:apigateway/usagePlan:UsagePlan").state.apiStages[0].apiId =
          "another-api";
      },
    ],
  ];
  for (const [what, label, policy, breakIt] of broken) {
    it(`catches ${what} (${policy})`, async () => {
      const run = JSON.parse(JSON.stringify(runs.get(label)));
      breakIt(run);
      const found = await runPolicies(run);
      assert.ok(
        found.some((v) => v.policy === policy),
        JSON.stringify(found),
      );
    });
  }
});

describe("policy pack, with revocation", function () {
  this.timeout(180_000);
  let run: StackRun;
  before(async () => {
    // given a lambda-authorizer stack with revocation (the revoked sessions table; both functions reach it): the run
    // test/components/stack.test.ts also makes (one run for both)
    run = await runStack({ stack: OFFLINE_STACK, config: doorConfig("lambda-authorizer", { revocation: true }) });
    assert.equal(run.error, undefined, run.error);
  });
  const revokedTable = (r: any) => r.resources.find((x: any) => x.name === "notes-revoked-sessions");

  it("passes the stack, the revoked sessions table among the tables each table rule checks", async () => {
    assert.ok(revokedTable(run), "the table is recorded");
    assert.deepEqual(await runPolicies(run), []);
  });

  const broken: [string, string, (t: any) => void][] = [
    [
      "a revoked sessions table without point-in-time recovery",
      "dynamodb-pitr-encryption-on-demand",
      (t) => {
        t.inputs.pointInTimeRecovery = { enabled: false };
      },
    ],
    [
      "a protected revoked sessions table without deletion protection",
      "dynamodb-deletion-protected",
      (t) => {
        t.options.protect = true;
        t.inputs.deletionProtectionEnabled = false;
      },
    ],
    [
      "a revoked sessions table whose TTL is off",
      "dynamodb-ttl-enabled",
      (t) => {
        t.inputs.ttl = { attributeName: "ttl", enabled: false };
      },
    ],
    [
      "a revoked sessions table that declares no TTL",
      "dynamodb-ttl-enabled",
      (t) => {
        delete t.inputs.ttl;
      },
    ],
    [
      "a revoked sessions table whose TTL is on another attribute than the one sign-out writes",
      "dynamodb-ttl-enabled",
      (t) => {
        t.inputs.ttl = { attributeName: "expiresAt", enabled: true };
      },
    ],
  ];
  for (const [what, policy, breakIt] of broken) {
    it(`catches ${what} (${policy})`, async () => {
      const copy = JSON.parse(JSON.stringify(run));
      breakIt(revokedTable(copy));
      const found = await runPolicies(copy);
      assert.ok(
        found.some((v) => v.policy === policy && /revoked-sessions/.test(JSON.stringify(v))),
        JSON.stringify(found),
      );
    });
  }
});
