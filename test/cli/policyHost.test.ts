import * as assert from "assert";
import * as path from "path";
import { doorConfig } from "../../components/doors/registry";
import type { RecordedResource } from "../../offline/mocks";
import { PolicyViolation, runPolicies } from "../../offline/policyPack";
import { OFFLINE_STACK, StackRun, runStack } from "../../offline/runStack";
import { POLICIES } from "../../policy/rules";
import {
  FakeEngine,
  ROOT,
  RunningPack,
  analyzerproto,
  empty,
  engineConfig,
  rpc,
  startEngine,
  startPolicyPack,
  struct,
} from "./engine";
import { early } from "../support/early";

const PACK = path.join(ROOT, "policy");
const description = new Map(POLICIES.map((p) => [p.name, p.description ?? ""]));

/** AnalyzerResourceOptions as the engine fills them (step_generator.go: protect, parent, delete-before-replace). */
function optionsOf(r: RecordedResource) {
  const o = new analyzerproto.AnalyzerResourceOptions();
  o.setProtect(r.options.protect);
  o.setDeletebeforereplace(r.options.deleteBeforeReplace);
  o.setDeletebeforereplacedefined(true);
  if (r.parent) o.setParent(r.parent);
  return o;
}

/** The pack's diagnostic as the offline runner words it: @pulumi/policy prefixes the policy's description. */
function violation(d: any, resource: RecordedResource | undefined): PolicyViolation {
  const prefix = description.get(d.getPolicyname()) ?? "";
  const message: string = d.getMessage();
  const text = message === prefix ? "" : message.startsWith(`${prefix}\n`) ? message.slice(prefix.length + 1) : message;
  return {
    policy: d.getPolicyname(),
    resource: resource ? `${resource.type} ${resource.name}` : undefined,
    message: text,
  };
}

/**
 * What the engine asks a policy pack during `pulumi preview --policy-pack policy`
 * (pkg/resource/deploy/step_generator.go): `Analyze` with each resource's inputs as it is
 * registered, then `AnalyzeStack` with every resource's outputs, parent and dependencies.
 */
async function analyze(pack: RunningPack, run: StackRun): Promise<PolicyViolation[]> {
  const found: PolicyViolation[] = [];
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  for (const r of run.resources) {
    const req = new analyzerproto.AnalyzeRequest();
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(r.urn);
    req.setProperties(struct(r.inputs));
    req.setOptions(optionsOf(r));
    const res: any = await rpc(pack.analyzer, "analyze", req);
    // The engine reports a resource policy's violation against the resource analyzed.
    for (const d of res.getDiagnosticsList()) found.push(violation(d, byUrn.get(d.getUrn()) ?? r));
  }
  const stack = new analyzerproto.AnalyzeStackRequest();
  stack.setResourcesList(
    run.resources.map((r) => {
      const a = new analyzerproto.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(r.urn);
      a.setProperties(struct(r.custom ? r.state : (r.outputs ?? {})));
      a.setOptions(optionsOf(r));
      if (r.parent) a.setParent(r.parent);
      a.setDependenciesList(r.dependencies);
      return a;
    }),
  );
  const res: any = await rpc(pack.analyzer, "analyzeStack", stack);
  for (const d of res.getDiagnosticsList()) found.push(violation(d, byUrn.get(d.getUrn())));
  return found;
}

const sorted = (list: PolicyViolation[]) =>
  list.map((v) => JSON.stringify([v.policy, v.resource ?? "", v.message])).sort();

/**
 * The policy pack as the Pulumi CLI loads it, not imported by the offline runner:
 * `node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine address> <policy dir>` in policy/,
 * with the environment the Node.js language host's `RunPlugin` builds for an analyzer
 * (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go), then the calls the engine makes
 * (pkg/resource/plugin/analyzer_plugin.go: the printed port, `ConfigureStack`, `GetAnalyzerInfo`,
 * `Analyze`, `AnalyzeStack`), over gRPC with the stubs of @pulumi/pulumi/proto.
 */
describe("the policy pack under the Pulumi CLI's policy host", function () {
  // run-policy-pack registers ts-node with type-checking on (it has no transpile-only switch).
  this.timeout(120_000);
  const config = doorConfig("cognito");
  let engine: FakeEngine;
  let pack: RunningPack;
  let clean: StackRun;

  // Started early when the whole suite runs (test/support/early.ts): the pack's type-check takes a core of its own.
  const packStart = early("the policy pack under the policy host", async () => {
    // given the cognito door's recording, and the pack started by the policy host
    const e = await startEngine("notes-auth", OFFLINE_STACK);
    const [run, started] = await Promise.all([
      runStack({ stack: OFFLINE_STACK, config }),
      startPolicyPack(
        e,
        PACK,
        {
          organization: "organization",
          project: "notes-auth",
          stack: OFFLINE_STACK,
          dryRun: true,
          config: engineConfig(config),
        },
        100_000,
      ),
    ]).catch(async (err) => {
      await e.close();
      throw err;
    });
    return { engine: e, run, started };
  });

  before(async () => {
    const { engine: e, run, started } = await packStart();
    engine = e;
    assert.equal(run.error, undefined, run.error);
    clean = run;
    pack = started;
    const configure = new analyzerproto.AnalyzerStackConfigureRequest();
    configure.setStack(OFFLINE_STACK);
    configure.setProject("notes-auth");
    configure.setOrganization("organization");
    configure.setDryRun(true);
    for (const [k, v] of Object.entries(engineConfig(config))) configure.getConfigMap().set(k, v);
    await rpc(pack.analyzer, "configureStack", configure);
  });
  after(async () => {
    await pack?.stop();
    await engine?.close();
  });

  it("loads from policy/ and answers GetAnalyzerInfo with the pack's name and every policy", async () => {
    const info: any = await rpc(pack.analyzer, "getAnalyzerInfo", empty());
    assert.equal(info.getName(), "notes-auth");
    assert.deepEqual(
      info
        .getPoliciesList()
        .map((p: any) => p.getName())
        .sort(),
      POLICIES.map((p) => p.name).sort(),
    );
  });

  it("reports no violation for the clean recording, as the offline runner does", async () => {
    assert.deepEqual(await runPolicies(clean), []);
    assert.deepEqual(await analyze(pack, clean), [], pack.stderr());
  });

  it(
    "reports the offline runner's violations for a broken recording: an open GET method (Analyze) and " +
      "a stage that no longer waits for the account role (AnalyzeStack)",
    async () => {
      // given the recording broken the way the policy specs break it (test/policy/policies.test.ts)
      const broken: StackRun = JSON.parse(JSON.stringify(clean));
      broken.resources.find(
        (r) => r.type === "aws:apigateway/method:Method" && r.inputs.httpMethod === "GET",
      )!.inputs.authorization = "NONE";
      broken.resources.find((r) => r.type === "aws:apigateway/stage:Stage")!.dependencies = [];
      const offline = await runPolicies(broken);
      assert.ok(
        offline.some((v) => v.policy === "rest-methods-authorized"),
        JSON.stringify(offline),
      );
      assert.ok(
        offline.some((v) => v.policy === "rest-logging-after-account-role"),
        JSON.stringify(offline),
      );
      // when the pack analyzes it; then it reports the same violations, resource for resource
      assert.deepEqual(sorted(await analyze(pack, broken)), sorted(offline), pack.stderr());
    },
  );
});
