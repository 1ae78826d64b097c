import * as assert from "assert";
import * as os from "os";
import { readStackFile, runStack } from "../../offline/runStack";
import { FakeEngine, Finished, engineConfig, runProgram, startEngine } from "./engine";
import { early } from "../support/early";

/**
 * The program as the Pulumi CLI runs it, not in-process under mocks: `node
 * node_modules/@pulumi/pulumi/cmd/run` with the arguments and environment the Node.js language host
 * builds (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go, `execRuntime` and
 * `constructArguments`; Pulumi.yaml's runtime options through `parseOptions`: `typescript: true`,
 * so ts-node loads index.ts and type-checks it, as the CLI does unless PULUMI_NODEJS_TRANSPILE_ONLY
 * is set), talking gRPC to an engine and a resource monitor served here from @pulumi/pulumi/proto.
 */
describe("the program under the Pulumi CLI's language host", function () {
  // Type-checking the program with ts-node takes most of this (about 20-40 s on a shared machine).
  this.timeout(120_000);
  const stack = "dev";
  const stackConfig = readStackFile(stack);
  // Values the stack file holds encrypted (`secure:`) reach the program as secrets, under the CLI and under mocks
  // alike.
  const secretKeys = Object.keys(stackConfig)
    .filter((k) => stackConfig[k] === "<secure>")
    .map((k) => (k.includes(":") ? k : `notes-auth:${k}`));
  let engine: FakeEngine;
  let run: Finished;
  // Started early when the whole suite runs (test/support/early.ts): the type-check takes a core of its own.
  const programRun = early("the program under the language host", async () => {
    // given the dev stack's config (the cognito door), with the project's defaults merged in as the engine does
    const e = await startEngine("notes-auth", stack);
    // when cmd/run is started as `pulumi up` starts it (--parallel: the CLI's default, 4 per CPU,
    // pkg/cmd/pulumi/operations/up.go `defaultParallel`)
    const r = await runProgram(e, {
      organization: "organization",
      project: "notes-auth",
      stack,
      config: engineConfig(stackConfig),
      secretKeys,
      parallel: os.cpus().length * 4,
    }).catch(async (err) => {
      await e.close();
      throw err;
    });
    return { engine: e, run: r };
  });

  before(async () => ({ engine, run } = await programRun()));
  after(async () => engine?.close());

  it("exits 0 having logged no error to the engine", () => {
    const errors = engine.logs.filter((l) => l.severity === engine.errorSeverity);
    assert.equal(run.code, 0, `exit ${run.code}\n${run.stderr}\n${errors.map((e) => e.message).join("\n")}`);
    assert.deepEqual(errors, []);
  });

  it(
    "registers the stack, then exactly the resources it registers under mocks: same types, names, " +
      "parents, options and dependencies",
    async () => {
      // given the same stack and config run in-process under the recording mocks (offline/runStack.ts)
      const mocked = await runStack({ stack, config: stackConfig, ...(secretKeys.length ? { secretKeys } : {}) });
      assert.equal(mocked.error, undefined, mocked.error);
      // URNs differ by construction (the mock monitor qualifies a type by its parent's last type only,
      // the engine by the whole chain), so resources are named by type and name, parents and dependencies too.
      type Reg = {
        type: string;
        name: string;
        urn: string;
        parent?: string;
        custom: boolean;
        protect: boolean;
        dependencies: string[];
      };
      const keys = (list: Reg[]) => {
        const byUrn = new Map(list.map((r) => [r.urn, `${r.type}::${r.name}`]));
        const named = (urn: string) => byUrn.get(urn) ?? `unregistered ${urn}`;
        return list
          .map((r) =>
            JSON.stringify([
              r.type,
              r.name,
              r.parent ? named(r.parent) : "",
              r.custom,
              r.protect,
              r.dependencies.map(named).sort(),
            ]),
          )
          .sort();
      };
      const underCli = keys(engine.registrations);
      const underMocks = keys(mocked.resources.map((r) => ({ ...r, protect: r.options.protect })));
      // then the root is the stack, and both lists agree one for one
      assert.equal(engine.registrations[0]?.type, "pulumi:pulumi:Stack");
      assert.ok(
        engine.registrations.some((r) => r.type === "notes-auth:door:CognitoFrontDoor"),
        "the dev stack is the cognito door",
      );
      assert.ok(underCli.length > 20, `only ${underCli.length} registrations`);
      assert.deepEqual(underCli, underMocks);
    },
  );
});
