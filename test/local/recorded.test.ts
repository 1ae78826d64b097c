import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { StackRun } from "../../offline/runStack";
import { CHECKS } from "../../local/contract/checks";
import { ContractContext } from "../../local/contract/context";
import { albSession } from "../../local/clients/doorClient";
import type { AuthMode } from "../../handlers/contract/authModes";
import { s3Directory } from "../../local/localStack";
import { recordedProgram, stackConfig } from "../../local/recorded";
import { DOORS } from "../../components/doors/registry";
import { startS3 } from "../../local/services/s3";
import { LOCAL_DOORS, TestDoor, removeDir, startTestDoor, testPki } from "../support/localStack";
import { runMode } from "../support/stack";

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
async function checkWith(
  mode: AuthMode,
  checkId: string,
  alter: (run: StackRun) => void,
  extra: Record<string, unknown> = {},
): Promise<{ error?: Error; door: TestDoor }> {
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

  it(
    "given the POST /notes route recorded without its scope, when a notes/read token writes at " +
      "http-jwt, then the read-only check fails (the write gets through)",
    async () => {
      const { error } = await checkWith("http-jwt", "read-only-token", (run) => {
        for (const route of inputsOf(run, "aws:apigatewayv2/route:Route", (i) => i.routeKey === "POST /notes"))
          route.authorizationScopes = [];
      });
      assert.match(String(error?.message), /create with notes\/read only: expected 403, got 201/);
    },
  );

  it(
    "given the JWT authorizer recorded with another audience, when a user calls the http-jwt door, " +
      "then CRUD fails with 401",
    async () => {
      const { error, door } = await checkWith("http-jwt", "crud", (run) => {
        for (const a of inputsOf(run, "aws:apigatewayv2/authorizer:Authorizer"))
          a.jwtConfiguration.audiences = ["some-other-app"];
      });
      assert.match(String(error?.message), /expected 201, got 401/);
      assert.ok(
        door.logs.some((l) => l.includes("does not have a valid audience")),
        door.logs.join("\n"),
      );
    },
  );

  it(
    "given the function's environment recorded with another allowed client, when a user calls the " +
      "cognito door, then the handler refuses with 401",
    async () => {
      const { error } = await checkWith("cognito", "crud", (run) => {
        for (const f of inputsOf(run, "aws:lambda/function:Function"))
          f.environment.variables.ALLOWED_CLIENT_IDS = "some-other-app";
      });
      assert.match(String(error?.message), /expected 201, got 401 .*another client/);
    },
  );

  it(
    "given the user pools authorizer recorded for another pool, when a user calls the cognito door, " +
      "then the gateway refuses with 401",
    async () => {
      const { error } = await checkWith("cognito", "crud", (run) => {
        for (const a of inputsOf(run, "aws:apigateway/authorizer:Authorizer"))
          a.providerArns = ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Other"];
      });
      assert.match(String(error?.message), /expected 201, got 401 \{"message":"Unauthorized"\}/);
    },
  );

  it(
    "given the Lambda permission recorded for another API's ARN, when a user calls the cognito door, " +
      "then API Gateway may not invoke the function: 500",
    async () => {
      const { error, door } = await checkWith("cognito", "crud", (run) => {
        for (const p of inputsOf(run, "aws:lambda/permission:Permission"))
          p.sourceArn = p.sourceArn.replace(/:[\w-]+\/v1\//, ":another-api/v1/");
      });
      assert.match(String(error?.message), /expected 201, got 500 \{"message":"Internal server error"\}/);
      assert.ok(
        door.logs.some((l) => l.includes("invalid permissions on Lambda function")),
        door.logs.join("\n"),
      );
    },
  );

  it(
    "given the HTTP API's CORS configuration recorded with another origin, when a browser preflights " +
      "from the stack's origin, then the preflight check fails",
    async () => {
      const { error } = await checkWith("http-jwt", "cors-preflight", (run) => {
        for (const api of inputsOf(run, "aws:apigatewayv2/api:Api"))
          api.corsConfiguration.allowOrigins = ["https://elsewhere.example"];
      });
      assert.match(String(error?.message), /the listed origin is allowed/);
    },
  );

  it(
    "given the REST preflight recorded with the list literal template, when a browser preflights, " +
      "then API Gateway's VTL cannot parse it: 500",
    async () => {
      const { error, door } = await checkWith("cognito", "cors-preflight", (run) => {
        for (const r of inputsOf(run, "aws:apigateway/integrationResponse:IntegrationResponse")) {
          r.responseTemplates["application/json"] = r.responseTemplates["application/json"].replace(
            /#set\(\$allowed = (\[[^\]]*\])\)\n#if\(\$allowed\.contains/,
            "#if($1.contains",
          );
        }
      });
      assert.match(String(error?.message), /preflight from .*: 500/);
      assert.ok(
        door.logs.some((l) => l.includes("mapping template does not parse")),
        door.logs.join("\n"),
      );
    },
  );

  it(
    "given the REST stage recorded with a burst of 1, when two calls come at once, then the second " +
      "gets 429 Too Many Requests",
    async () => {
      const door = await startTestDoor("cognito", {
        alter: (run) => {
          for (const s of inputsOf(run, "aws:apigateway/methodSettings:MethodSettings"))
            Object.assign(s.settings, { throttlingBurstLimit: 1, throttlingRateLimit: 1 });
        },
      });
      try {
        const ctx = new ContractContext(door.outputs);
        const [first, second] = await Promise.all([
          ctx.call("/notes", { noRetry: true }),
          ctx.call("/notes", { noRetry: true }),
        ]);
        assert.deepEqual([first.status, second.status].sort(), [401, 429]);
        assert.deepEqual((first.status === 429 ? first : second).json, { message: "Too Many Requests" });
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the admin role's recorded policy narrowed to the user routes, when the admin calls " +
      "/admin/stats at iam, then API Gateway refuses the admin role with 403",
    async () => {
      const { error } = await checkWith(
        "iam",
        "iam-role-policy",
        (run) => {
          for (const p of inputsOf(run, "aws:iam/rolePolicy:RolePolicy", (i) =>
            String(i.policy).includes("/GET/admin/stats"),
          )) {
            const doc = JSON.parse(p.policy);
            for (const s of doc.Statement)
              s.Resource = [s.Resource].flat().filter((r: string) => !r.includes("/admin/"));
            p.policy = JSON.stringify(doc);
          }
        },
        LOCAL_DOORS["iam with a machine role"].extra,
      );
      assert.match(
        String(error?.message),
        new RegExp(
          String.raw`the admin role on \/admin\/stats: expected 200, got 403 \{"message":"User: arn:aws:sts::\d+:as` +
            String.raw`sumed-role\/[\w-]+\/CognitoIdentityCredentials is not authorized to perform: execute-api:Invoke`,
        ),
      );
    },
  );

  it(
    "given the admin group recorded without its role, when the admin calls /admin/stats at iam, then " +
      "the identity pool gives them the user role and API Gateway refuses them",
    async () => {
      const { error } = await checkWith(
        "iam",
        "admin",
        (run) => {
          for (const g of inputsOf(run, "aws:cognito/userGroup:UserGroup", (i) => !!i.roleArn)) delete g.roleArn;
        },
        LOCAL_DOORS["iam with a machine role"].extra,
      );
      assert.match(String(error?.message), /carol on \/admin\/stats: expected 200, got 403 .*door-user-role/);
    },
  );

  it(
    "given the usage plan's quota recorded as 3, when a key calls four times, then the fourth gets " +
      "429 Limit Exceeded: the recorded quota, not the configured one",
    async () => {
      const door = await startTestDoor("api-key", {
        extra: LOCAL_DOORS["api-key"].extra,
        alter: (run) => {
          for (const p of inputsOf(run, "aws:apigateway/usagePlan:UsagePlan")) p.quotaSettings.limit = 3;
        },
      });
      try {
        const ctx = new ContractContext(door.outputs);
        const auth = await ctx.as(ctx.parties.a);
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await ctx.call("/me", { auth })).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        assert.deepEqual((await ctx.call("/me", { auth })).json, { message: "Limit Exceeded" });
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the pro tier's usage plan recorded with a quota of 2, when the pro user calls three times, " +
      "then the third gets 429 Limit Exceeded while a free user is served: the tier's recorded plan decides",
    async () => {
      const door = await startTestDoor("lambda-authorizer", {
        extra: LOCAL_DOORS["lambda-authorizer"].extra,
        alter: (run) => {
          const proKey = inputsOf(run, "aws:apigateway/apiKey:ApiKey", (i) => String(i.name).endsWith("tier-pro"));
          assert.equal(proKey.length, 1);
          for (const p of inputsOf(run, "aws:apigateway/usagePlan:UsagePlan", (i) =>
            String(i.description).includes("pro"),
          ))
            p.quotaSettings.limit = 2;
        },
      });
      try {
        const ctx = new ContractContext(door.outputs);
        const dave = await ctx.as(ctx.parties.tiered!);
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await ctx.call("/me", { auth: dave })).status);
        assert.deepEqual(statuses, [200, 200, 429]);
        assert.equal((await ctx.call("/me", { auth: await ctx.as(ctx.parties.a) })).status, 200, "a free user");
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the authorizer's cache TTL recorded as 0, when a user calls twice, then the authorizer " +
      "answers each call (no cached policy); with the recorded 300 s the second call is answered from the cache",
    async () => {
      const cachedLines = async (ttl?: number) => {
        const door = await startTestDoor("lambda-authorizer", {
          extra: LOCAL_DOORS["lambda-authorizer"].extra,
          alter: (run) => {
            if (ttl !== undefined)
              for (const a of inputsOf(run, "aws:apigateway/authorizer:Authorizer"))
                a.authorizerResultTtlInSeconds = ttl;
          },
        });
        try {
          const ctx = new ContractContext(door.outputs);
          const auth = await ctx.as(ctx.parties.a);
          for (let i = 0; i < 2; i++) assert.equal((await ctx.call("/me", { auth })).status, 200);
          return door.logs.filter((l) => l.includes("cached policy allows it")).length;
        } finally {
          await door.close();
          removeDir(door.dataDir);
        }
      };
      assert.equal(await cachedLines(0), 0);
      assert.equal(await cachedLines(), 1);
    },
  );

  it(
    "given the authorizer's Lambda permission recorded for another API's authorizers, when a user " +
      "calls the lambda-authorizer door, then API Gateway cannot invoke the authorizer: 500",
    async () => {
      const { error, door } = await checkWith(
        "lambda-authorizer",
        "crud",
        (run) => {
          for (const p of inputsOf(run, "aws:lambda/permission:Permission", (i) =>
            String(i.sourceArn).includes("/authorizers/"),
          ))
            p.sourceArn = p.sourceArn.replace(/:[\w-]+\/authorizers\//, ":another-api/authorizers/");
        },
        LOCAL_DOORS["lambda-authorizer"].extra,
      );
      assert.match(String(error?.message), /expected 201, got 500 \{"message":null\}/);
      assert.ok(
        door.logs.some((l) => l.includes("API Gateway may not invoke the authorizer")),
        door.logs.join("\n"),
      );
    },
  );

  it(
    "given the listener's session cookie name recorded as another, when a user signs in at the " +
      "alb-oidc door, then the session lives under the recorded name, and the component's name is no session",
    async () => {
      const door = await startTestDoor("alb-oidc", {
        alter: (run) => {
          for (const l of inputsOf(run, "aws:lb/listener:Listener", (i) => i.protocol === "HTTPS"))
            l.defaultActions[0].authenticateCognito.sessionCookieName = "recorded-name";
        },
      });
      try {
        const ctx = new ContractContext(door.outputs);
        const cookie = await albSession(door.outputs, ctx.parties.a.user!);
        assert.match(cookie, /(^|; )recorded-name-0=/);
        const session = /recorded-name-0=([^;]+)/.exec(cookie)![1];
        assert.equal((await ctx.call("/me", { headers: { cookie: `recorded-name-0=${session}` } })).status, 200);
        assert.equal(
          (await ctx.call("/me", { headers: { cookie: `notes-auth-session-0=${session}` } })).status,
          302,
          "the component's cookie name is no session",
        );
      } finally {
        await door.close();
        removeDir(door.dataDir);
      }
    },
  );

  it(
    "given the truststore URI recorded as another object, which holds another CA, when the mutual-TLS " +
      "door starts, then the test machine's certificate is refused at the handshake and the other CA's is served: " +
      "the gateway trusts what the recorded URI holds",
    async () => {
      const { mode, extra } = LOCAL_DOORS["http-jwt with m2mClient and mutual TLS"];
      const partners = { Bucket: "notes-truststore", Key: "partners.pem" };
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "notes-auth-truststore-"));
      // An operator's upload there before the door starts (local mode keeps a truststore it did not put).
      const s3 = await startS3(recordedProgram(await runMode(mode, extra)), s3Directory(dataDir), [partners.Bucket]);
      const client = new S3Client({
        region: "us-east-1",
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: s3.credentials,
      });
      try {
        await client.send(new PutObjectCommand({ ...partners, Body: fs.readFileSync(testPki().otherCaFile, "utf8") }));
      } finally {
        client.destroy();
        await s3.close();
      }
      const door = await startTestDoor(mode, {
        extra,
        dataDir,
        alter: (run) => {
          for (const d of inputsOf(run, "aws:apigatewayv2/domainName:DomainName"))
            d.mutualTlsAuthentication.truststoreUri = `s3://${partners.Bucket}/${partners.Key}`;
        },
      });
      try {
        const ctx = new ContractContext(door.outputs);
        const valid = CHECKS.find((c) => c.id === "mtls-valid-certificate")!;
        await assert.rejects(
          valid.run(ctx),
          (err: NodeJS.ErrnoException) => /^(ERR_SSL_\w+|ECONNRESET)$/.test(String(err.code)),
          "the test machine's certificate",
        );
        const other = await ctx.call("/me", {
          auth: await ctx.as(ctx.parties.a),
          tls: { ca: ctx.options.tls!.ca, ...ctx.options.tls!.other },
        });
        assert.equal(other.status, 200, other.text);
        assert.match(other.json.clientCert.issuer, /,CN=notes-auth local other CA$/);
        assert.ok(
          door.logs.some((l) => l.includes("did not put there")),
          door.logs.join("\n"),
        );
      } finally {
        await door.close();
        removeDir(dataDir);
      }
    },
  );
});

describe("the stack config npm start runs (stackConfig)", () => {
  it(
    "given --door api-key,alb-oidc over a stack file of authMode cognito, then doors lists both and the " +
      "file's authMode is gone (the program takes one of the two), each door's example values filled in",
    () => {
      const config = stackConfig({ stack: "dev", overrides: {}, doors: ["api-key", "alb-oidc"] });
      assert.deepEqual(config.doors, ["api-key", "alb-oidc"]);
      assert.equal(config.authMode, undefined);
      for (const mode of ["api-key", "alb-oidc"] as const)
        for (const [k, v] of Object.entries(DOORS[mode].minimalConfig))
          assert.deepEqual(config[k], v, `${mode}'s example ${k}`);
    },
  );

  it(
    "given --door iam over a stack of several doors (--set doors, primaryDoor), then authMode iam alone; a " +
      "--set primaryDoor beside several --door is kept",
    () => {
      const one = stackConfig({
        stack: "dev",
        overrides: { doors: ["cognito", "http-jwt"], primaryDoor: "http-jwt" },
        doors: ["iam"],
      });
      assert.equal(one.authMode, "iam");
      assert.equal(one.doors, undefined);
      assert.equal(one.primaryDoor, undefined);
      const several = stackConfig({
        stack: "dev",
        overrides: { primaryDoor: "http-jwt" },
        doors: ["cognito", "http-jwt"],
      });
      assert.equal(several.primaryDoor, "http-jwt");
      assert.deepEqual(several.doors, ["cognito", "http-jwt"]);
    },
  );

  it(
    "given --door cognito,alb-oidc with albWithoutDomainName, then no example domainName is filled in (the load " +
      "balancer's own name, as alb-oidc beside other doors needs); without it, alb-oidc's example domainName",
    () => {
      const without = stackConfig({
        stack: "dev",
        overrides: { albWithoutDomainName: true },
        doors: ["cognito", "alb-oidc"],
      });
      assert.equal(without.domainName, undefined);
      assert.ok(without.domainCertificateArn, "the listener's certificate still");
      assert.equal(
        stackConfig({ stack: "dev", overrides: {}, doors: ["alb-oidc"] }).domainName,
        DOORS["alb-oidc"].minimalConfig.domainName,
      );
    },
  );
});
