import * as assert from "assert";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { readStackFile, runStack } from "../../offline/runStack";
import { DOORS, doorConfig } from "../../components/doors/registry";
import { DOMAIN_VARIANTS } from "../../components/doors/restReport";
import { LAMBDA_ENVIRONMENT_BYTES, environmentBytes } from "../../awsRules/lambda";
import {
  RecordedResource,
  StackRun,
  allPolicies,
  asList,
  ofType,
  one,
  resourcesUnder,
  runMode,
} from "../support/stack";
import { DEFAULT_REVOCATION_CACHE_SECONDS } from "../../handlers/contract/stack";
import { diffRuns } from "../../tools/planDiff";
import { revocationArgs } from "../../components/stack";
import type { StackConfig } from "../../components/config";

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

/** A stack of several doors (`doors`), each with its minimal config, and `extra`. */
function runDoors(doors: AuthMode[], extra: Record<string, unknown> = {}): Promise<StackRun> {
  const minimal = Object.assign({}, ...doors.map((d) => DOORS[d].minimalConfig));
  return runMode(doors[0], { ...minimal, doors, authMode: undefined, ...extra });
}
const PERMISSION = "aws:lambda/permission:Permission";
const NOTES_FUNCTION = (run: StackRun) =>
  ofType(run, "aws:lambda/function:Function").find((f) => f.inputs.environment?.variables?.NOTES_TABLE)!;
/** A door's resources: URN and inputs, by URN. */
const doorResources = (run: StackRun, mode: AuthMode) =>
  Object.fromEntries(resourcesUnder(run, DOORS[mode].componentType).map((r) => [r.urn, r.inputs]));

describe("several doors at once", function () {
  const PAIRS: [AuthMode, AuthMode][] = [
    ["cognito", "lambda-authorizer"],
    ["iam", "api-key"],
    ["cognito", "http-jwt"],
  ];
  for (const [a, b] of PAIRS) {
    describe(`given ${a} alone, then doors [${a}, ${b}], then ${b} alone`, () => {
      let alone: StackRun, both: StackRun, other: StackRun;
      before(async () => {
        [alone, both, other] = await Promise.all([runDoors([a]), runDoors([a, b]), runDoors([b])]);
      });

      it("then one backend, one user pool and one table and bucket serve both doors", () => {
        for (const type of [
          "notes-auth:backend:NotesBackend",
          "aws:cognito/userPool:UserPool",
          "aws:dynamodb/table:Table",
          "aws:s3/bucket:Bucket",
        ])
          assert.equal(ofType(both, type).length, 1, type);
        assert.deepEqual(both.outputs.doors, [a, b]);
      });

      it(`then adding ${b} leaves ${a}'s resources as they were (URNs and inputs), and removing ${a} ${b}'s`, () => {
        assert.deepEqual(doorResources(both, a), doorResources(alone, a));
        assert.deepEqual(doorResources(both, b), doorResources(other, b));
        assert.ok(Object.keys(doorResources(both, a)).length > 5);
      });

      it(
        "then only the function's environment changes of the backend, in place, and its live alias moves to the " +
          "version that publishes",
        () => {
          const [before, after] = [NOTES_FUNCTION(alone), NOTES_FUNCTION(both)];
          assert.equal(after.urn, before.urn);
          const rest = (f: RecordedResource) => ({ ...f.inputs, environment: undefined });
          assert.deepEqual(rest(after), rest(before));
          assert.notDeepEqual(after.inputs.environment, before.inputs.environment);
          // the alias's version: the only other input that changes
          const others = (run: StackRun, fn: RecordedResource) =>
            resourcesUnder(run, "notes-auth:backend:NotesBackend")
              .filter((r) => r.urn !== fn.urn)
              .map((r) => [r.urn, { ...r.inputs, functionVersion: undefined }]);
          assert.deepEqual(others(both, after), others(alone, before));
          const alias = (run: StackRun) => one(run, "aws:lambda/alias:Alias");
          assert.notEqual(alias(both).inputs.functionVersion, alias(alone).inputs.functionVersion);
        },
      );

      it("then each door has its URL and client; url and client stay the primary's (the first)", () => {
        assert.deepEqual(Object.keys(both.outputs.urls), [a, b]);
        assert.equal(both.outputs.url, alone.outputs.url);
        assert.equal(both.outputs.urls[b], other.outputs.url);
        assert.deepEqual(both.outputs.client, alone.outputs.client);
        assert.deepEqual(both.outputs.clients[b], other.outputs.client);
      });

      it("then the function knows each door by its event source, the primary's settings under their own names", () => {
        const env = NOTES_FUNCTION(both).inputs.environment.variables;
        const alonesEnv = NOTES_FUNCTION(alone).inputs.environment.variables;
        assert.equal(env.DOORS, `${a},${b}`);
        assert.equal(env.AUTH_MODE, a);
        const prefix = `DOOR_${b.toUpperCase().replace(/-/g, "_")}_`;
        assert.notEqual(env[`${prefix}EVENT_SOURCE`], env.EVENT_SOURCE);
        // the primary's variables are the ones it has alone; the other door's are all prefixed
        for (const [k, v] of Object.entries(alonesEnv)) if (k !== "DOORS") assert.equal(env[k], v, k);
        const added = Object.keys(env).filter((k) => !(k in alonesEnv));
        assert.ok(added.length > 0 && added.every((k) => k.startsWith(prefix)), added.join(", "));
      });
    });
  }

  describe("given a one-step switch (authMode old -> new), for every pair of doors", () => {
    /** Every URN a resource waits for, directly or through what it waits for. */
    const waitsFor = (run: StackRun, urn: string): Set<string> => {
      const deps = new Map(run.resources.map((r) => [r.urn, r.dependencies]));
      const seen = new Set<string>();
      const visit = (u: string): void => (deps.get(u) ?? []).forEach((d) => seen.has(d) || (seen.add(d), visit(d)));
      visit(urn);
      return seen;
    };
    // What each door must have in place before callers run the function that serves it.
    const REST = ["aws:apigateway/deployment:Deployment", "aws:apigateway/stage:Stage"];
    const HTTP = [
      "aws:apigatewayv2/integration:Integration",
      "aws:apigatewayv2/route:Route",
      "aws:apigatewayv2/stage:Stage",
    ];
    const DEPLOYED: Record<AuthMode, string[]> = {
      cognito: REST,
      iam: REST,
      "api-key": REST,
      "lambda-authorizer": REST,
      "http-jwt": HTTP,
      "alb-oidc": [
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/listener:Listener door-https",
        "aws:lb/listenerRule:ListenerRule door-preflight",
        "aws:lb/targetGroup:TargetGroup",
      ],
    };
    /** A DEPLOYED entry names a type, or a type and a name. */
    const isKey = (r: RecordedResource, key: string) => key === r.type || key === `${r.type} ${r.name}`;
    const alias = (run: StackRun) => one(run, "aws:lambda/alias:Alias");
    for (const mode of BUILT_MODES) {
      describe(`when the new door is ${mode}`, () => {
        let run: StackRun;
        before(async () => (run = await runMode(mode)));
        const deployed = () =>
          resourcesUnder(run, DOORS[mode].componentType).filter((r) => DEPLOYED[mode].some((k) => isKey(r, k)));

        it("then the function's live alias moves to the new version only after the new door is deployed", () => {
          const waits = waitsFor(run, alias(run).urn);
          for (const key of DEPLOYED[mode])
            assert.ok(
              deployed().some((r) => isKey(r, key)),
              `${mode} has ${key}`,
            );
          for (const r of deployed()) assert.ok(waits.has(r.urn), `the alias waits for ${r.type} ${r.name}`);
          assert.ok(waits.has(NOTES_FUNCTION(run).urn), "and for the function's update, which publishes it");
        });

        it("then nothing of the new door waits for the alias but its invoke permission (and a target on it)", () => {
          const waiting = resourcesUnder(run, DOORS[mode].componentType).filter((r) =>
            waitsFor(run, r.urn).has(alias(run).urn),
          );
          // The ALB's target attachment registers the alias, which needs the permission first:
          // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
          const attachment = mode === "alb-oidc" ? ["aws:lb/targetGroupAttachment:TargetGroupAttachment"] : [];
          assert.deepEqual([...new Set(waiting.map((r) => r.type))], [PERMISSION, ...attachment]);
          for (const p of waiting.filter((r) => r.type === PERMISSION))
            assert.equal(p.inputs.qualifier, alias(run).inputs.name, p.name);
        });

        it("then every old door's resources are gone from the program: deletes, which Pulumi makes last", () => {
          for (const old of BUILT_MODES.filter((m) => m !== mode))
            assert.equal(resourcesUnder(run, DOORS[old].componentType).length, 0, `${old} -> ${mode}`);
        });
      });
    }

    it("then the update of the function (-> lambda-authorizer) waits for the API, methods and authorizer", async () => {
      const run = await runMode("lambda-authorizer");
      const urnsOf = (type: string) => ofType(run, type).map((r) => r.urn);
      const ready = [
        ...urnsOf("aws:apigateway/restApi:RestApi"),
        ...urnsOf("aws:apigateway/method:Method").filter((u) => !u.endsWith("-options")),
        ...urnsOf("aws:apigateway/authorizer:Authorizer"),
      ];
      assert.ok(ready.length > 3);
      const fn = NOTES_FUNCTION(run);
      for (const urn of ready) {
        assert.ok(fn.dependencies.includes(urn), `the function waits for ${urn}`);
        assert.ok(!waitsFor(run, urn).has(fn.urn), `${urn} does not wait for the function`);
      }
    });

    it("then every door invokes the alias, never the function's latest configuration", async () => {
      const [rest, http, alb] = await Promise.all([runMode("cognito"), runMode("http-jwt"), runMode("alb-oidc")]);
      const aliasArn = alias(rest).state.arn;
      assert.match(aliasArn, /:function:notes-api:live$/);
      const uris = [
        ...ofType(rest, "aws:apigateway/integration:Integration")
          .filter((i) => i.inputs.type === "AWS_PROXY")
          .map((i) => i.inputs.uri),
        ...ofType(http, "aws:apigatewayv2/integration:Integration").map((i) => i.inputs.integrationUri),
        // the load balancer's target: the alias's ARN (a qualified function ARN)
        ...ofType(alb, "aws:lb/targetGroupAttachment:TargetGroupAttachment").map((a) => a.inputs.targetId),
      ];
      assert.ok(uris.length > 3);
      for (const uri of uris) assert.ok(uri === aliasArn || uri.endsWith(`/functions/${aliasArn}/invocations`), uri);
    });
  });

  describe("given a custom domain and doors [cognito, http-jwt]", () => {
    const DOMAIN = {
      domainName: "notes.example.com",
      domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef",
    };
    let first: StackRun, moved: StackRun, alone: StackRun;
    before(async () => {
      [alone, first, moved] = await Promise.all([
        runDoors(["cognito"], DOMAIN),
        runDoors(["cognito", "http-jwt"], DOMAIN),
        runDoors(["cognito", "http-jwt"], { ...DOMAIN, primaryDoor: "http-jwt" }),
      ]);
    });
    const mapping = (run: StackRun, name: string) => one(run, "aws:apigatewayv2/apiMapping:ApiMapping", name).inputs;
    const apiId = (run: StackRun, type: string) => one(run, type).state.id;

    it("then the primary is at the root (the mapping it has alone) and the other at /<door>", () => {
      assert.deepEqual(mapping(first, "domain-mapping"), mapping(alone, "domain-mapping"));
      const other = mapping(first, "domain-mapping-http-jwt");
      assert.deepEqual([other.apiId, other.apiMappingKey], [apiId(first, "aws:apigatewayv2/api:Api"), "http-jwt"]);
      assert.deepEqual(first.outputs.urls, {
        cognito: "https://notes.example.com",
        "http-jwt": "https://notes.example.com/http-jwt",
      });
    });
    it("then each mapping is made once the function's live alias serves its door (a one-step switch)", () => {
      const alias = one(first, "aws:lambda/alias:Alias").urn;
      for (const m of ofType(first, "aws:apigatewayv2/apiMapping:ApiMapping"))
        assert.ok(m.dependencies.includes(alias), m.name);
    });
    it("then moving primaryDoor moves the root mapping to the new primary and the old one to /<door>", () => {
      assert.equal(mapping(moved, "domain-mapping").apiId, apiId(moved, "aws:apigatewayv2/api:Api"));
      assert.equal(mapping(moved, "domain-mapping-cognito").apiId, apiId(moved, "aws:apigateway/restApi:RestApi"));
      assert.equal(ofType(moved, "aws:apigatewayv2/apiMapping:ApiMapping").length, 2);
      assert.equal(moved.outputs.url, "https://notes.example.com");
      assert.equal(moved.outputs.urls.cognito, "https://notes.example.com/cognito");
      // the doors themselves do not change
      assert.deepEqual(doorResources(moved, "cognito"), doorResources(first, "cognito"));
      assert.deepEqual(doorResources(moved, "http-jwt"), doorResources(first, "http-jwt"));
    });
  });

  it("given alarms and two gateway doors, then the primary's alarm names stay, the other's are prefixed", async () => {
    const ALARMS = { alarmEmail: "ops@example.com" };
    const [alone, both] = await Promise.all([
      runDoors(["cognito"], ALARMS),
      runDoors(["cognito", "lambda-authorizer"], ALARMS),
    ]);
    const names = (run: StackRun) => ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name);
    const added = names(both).filter((n) => !names(alone).includes(n));
    assert.ok(names(alone).every((n) => names(both).includes(n)));
    assert.ok(added.length >= 3 && added.every((n) => n.startsWith("alarms-lambda-authorizer-")), added.join(", "));
    const physical = ofType(both, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.inputs.name);
    assert.equal(new Set(physical).size, physical.length, "alarm names are unique per account and region");
  });

  it("given WAF and CORS, two REST doors: each stage has the web ACL, each preflight the origins", async () => {
    const wafAclArn = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/0f9b7c1e";
    const corsOrigins = ["https://app.example.com", "https://admin.example.com"];
    const run = await runDoors(["cognito", "lambda-authorizer"], { wafAclArn, corsOrigins });
    const stages = ofType(run, "aws:apigateway/stage:Stage");
    const waf = ofType(run, "aws:wafv2/webAclAssociation:WebAclAssociation");
    assert.equal(stages.length, 2);
    assert.deepEqual(
      waf.map((w) => [w.inputs.webAclArn, w.inputs.resourceArn]).sort(),
      stages.map((st) => [wafAclArn, st.state.arn]).sort(),
    );
    for (const mode of ["cognito", "lambda-authorizer"] as const) {
      const preflights = resourcesUnder(run, DOORS[mode].componentType).filter(
        (r) => r.type === "aws:apigateway/integrationResponse:IntegrationResponse",
      );
      assert.ok(preflights.length > 0, mode);
      for (const p of preflights) for (const o of corsOrigins) assert.ok(JSON.stringify(p.inputs).includes(o), mode);
    }
  });

  it("given mutual TLS, two gateway doors: the one domain checks certificates for both, none bypasses it", async () => {
    const run = await runDoors(["cognito", "http-jwt"], DOMAIN_VARIANTS.mtls);
    const domain = one(run, "aws:apigatewayv2/domainName:DomainName");
    assert.equal(domain.inputs.mutualTlsAuthentication.truststoreUri, DOMAIN_VARIANTS.mtls.mtlsTruststoreUri);
    const mappings = ofType(run, "aws:apigatewayv2/apiMapping:ApiMapping");
    assert.equal(mappings.length, 2);
    assert.ok(mappings.every((m) => m.inputs.domainName === domain.state.id));
    for (const type of ["aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"])
      assert.equal(one(run, type).inputs.disableExecuteApiEndpoint, true, type);
  });

  describe("the notes function's environment and Lambda's 4 KB cap", () => {
    it("given all six doors at once (and revocation's settings), then it fits, with room to spare", async () => {
      const run = await runDoors([...AUTH_MODES], {
        domainName: undefined,
        albWithoutDomainName: true,
        m2mClient: true,
        revocation: true,
      });
      assert.ok(NOTES_FUNCTION(run).inputs.environment.variables.REVOKED_SESSIONS_TABLE, "revocation is on");
      const bytes = environmentBytes(NOTES_FUNCTION(run).inputs.environment.variables);
      assert.ok(bytes < LAMBDA_ENVIRONMENT_BYTES / 2, `${bytes} bytes`);
    });
    it("given more than Lambda takes (many CORS origins), then the program stops at preview, saying so", async () => {
      const corsOrigins = Array.from({ length: 150 }, (_, i) => `https://app${i}.example.com`);
      await assert.rejects(
        runStack({ stack: "test", config: doorConfig("cognito", { corsOrigins }) }),
        /environment would be \d+ bytes, above Lambda's 4096 \(largest: CORS_ALLOWED_ORIGINS/,
      );
    });
  });
});

describe("switching revocation on and off", function () {
  it("given token lifetimes, then a sign-out's refusal time is the refresh token's, in s", () => {
    const tokens = {
      idTokenValidity: 60,
      accessTokenValidity: 90,
      refreshTokenValidity: 30,
      refreshTokenRotation: false,
    };
    assert.deepEqual(revocationArgs({ tokens, revocation: { cacheSeconds: 3 } } as StackConfig), {
      cacheSeconds: 3,
      refreshSeconds: 30 * 86_400,
    });
  });

  // The door whose components revocation reaches beyond the backend (its authorizer function); every door shares the
  // backend's part, so one door is enough (each stack run costs seconds).
  for (const mode of ["lambda-authorizer"] as const) {
    describe(`given the ${mode} door`, () => {
      let off: StackRun;
      let on: StackRun;
      before(async () => {
        [off, on] = await Promise.all([runMode(mode), runMode(mode, { revocation: true })]);
      });
      /** What may change: the new table, the functions' environments and policies, the alias that follows them. */
      const allowed = (c: { change: string; urn: string }) =>
        /::notes-revoked-sessions$/.test(c.urn) ||
        (c.change === "update" &&
          /::(notes-api|notes-api-access|notes-api-live|door-authorizer|door-authorizer-access)$/.test(c.urn));

      it(
        "when it is switched on, then only the revoked sessions table is created and the functions updated: the " +
          "notes table, the bucket, the user pool and every identity keep their URNs and inputs",
        () => {
          const changes = diffRuns(off.resources, on.resources);
          assert.deepEqual(
            changes.filter((c) => !allowed(c)).map((c) => `${c.change} ${c.urn}`),
            [],
          );
          assert.deepEqual(
            changes.filter((c) => c.change === "create").map((c) => c.urn.split("::").pop()),
            ["notes-revoked-sessions"],
          );
          for (const type of ["aws:cognito/userPool:UserPool", "aws:s3/bucket:Bucket"]) {
            const [a, b] = [off, on].map((r) => ofType(r, type).map((x) => ({ urn: x.urn, inputs: x.inputs })));
            assert.deepEqual(b, a, type);
          }
          assert.ok(!changes.some((c) => /::notes-table$/.test(c.urn)), "the notes table is untouched");
        },
      );

      it(
        "when it is on, then of every policy the stack writes, only the notes function's (GetItem, PutItem) and the " +
          "authorizer's (GetItem) name the revoked sessions table, by its exact ARN; both are told its name and cache",
        () => {
          const table = one(on, "aws:dynamodb/table:Table", "notes-revoked-sessions");
          const reaching = allPolicies(on).flatMap(({ holder, doc }) =>
            doc.Statement.filter((st) => asList(st.Resource).some((r) => String(r).includes(table.state.arn))).map(
              (st) => [holder, st.Effect, asList(st.Action), asList(st.Resource)],
            ),
          );
          assert.deepEqual(reaching.sort(), [
            ["aws:iam/rolePolicy:RolePolicy door-authorizer-access", "Allow", ["dynamodb:GetItem"], [table.state.arn]],
            [
              "aws:iam/rolePolicy:RolePolicy notes-api-access",
              "Allow",
              ["dynamodb:GetItem", "dynamodb:PutItem"],
              [table.state.arn],
            ],
          ]);
          for (const fn of ["notes-api", "door-authorizer"]) {
            const vars = one(on, "aws:lambda/function:Function", fn).inputs.environment.variables;
            assert.deepEqual(
              [vars.REVOKED_SESSIONS_TABLE, vars.REVOCATION_CACHE_SECONDS],
              [table.state.name, String(DEFAULT_REVOCATION_CACHE_SECONDS)],
              fn,
            );
            const offVars = one(off, "aws:lambda/function:Function", fn).inputs.environment.variables;
            assert.equal(offVars.REVOKED_SESSIONS_TABLE, undefined, `${fn} without revocation`);
          }
        },
      );

      it("when it is switched off again, then only the revoked sessions table goes", () => {
        const changes = diffRuns(on.resources, off.resources);
        assert.deepEqual(
          changes.filter((c) => !allowed(c)).map((c) => `${c.change} ${c.urn}`),
          [],
        );
        assert.deepEqual(
          changes.filter((c) => c.change === "delete").map((c) => c.urn.split("::").pop()),
          ["notes-revoked-sessions"],
        );
      });
    });
  }
});
