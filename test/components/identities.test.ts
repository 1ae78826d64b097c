import * as assert from "assert";
import { IDENTITIES_TYPE } from "../../components/identities";
import { RecordedResource, StackRun, ofType, runMode } from "../support/stack";

const API_KEY = "aws:apigateway/apiKey:ApiKey";
const CLIENTS = ["reporting", "ops"];

/** The identity-bearing resources of a run: URN and name, sorted. */
const keysOf = (run: StackRun) =>
  ofType(run, API_KEY)
    .map((r: RecordedResource) => ({ urn: r.urn, name: r.inputs.name }))
    .sort((a, b) => a.urn.localeCompare(b.urn));

describe("machine identities belong to the stack, not to a door", function () {
  describe("given apiKeyClients, when the stack goes api-key -> cognito -> api-key", () => {
    let runs: StackRun[];
    before(async () => {
      runs = await Promise.all([
        runMode("api-key"),
        runMode("cognito", { apiKeyClients: CLIENTS }),
        runMode("api-key", { apiKeyClients: CLIENTS }),
      ]);
    });

    it("then every API key keeps its URN and its name in every configuration, the middle one too", () => {
      const [first, middle, last] = runs.map(keysOf);
      assert.equal(first.length, CLIENTS.length);
      assert.deepEqual(middle, first);
      assert.deepEqual(last, first);
    });

    it(
      "then the keys are children of the stack's identities component, and only the usage plan keys are " +
        "the door's",
      () => {
        for (const run of runs) {
          const identities = ofType(run, IDENTITIES_TYPE);
          assert.equal(identities.length, 1);
          for (const key of ofType(run, API_KEY)) assert.equal(key.parent, identities[0].urn, key.name);
        }
        const planKeys = ofType(runs[0], "aws:apigateway/usagePlanKey:UsagePlanKey");
        assert.deepEqual(planKeys.map((k) => k.name).sort(), ["door-key-ops", "door-key-reporting"]);
        assert.ok(planKeys.every((k) => k.parent!.includes("notes-auth:door:ApiKeyFrontDoor")));
        assert.equal(ofType(runs[1], "aws:apigateway/usagePlanKey:UsagePlanKey").length, 0);
      },
    );

    it(
      "then each key is aliased to its old URN under the api-key door, so pulumi up moves it without " + "replacement",
      () => {
        // Pulumi's mocks put the Stack type in a root child's URN; the engine does not (createUrn).
        const door = ofType(runs[0], "notes-auth:door:ApiKeyFrontDoor")[0].urn.replace("pulumi:pulumi:Stack$", "");
        const keys = ofType(runs[0], API_KEY);
        assert.equal(keys.length, CLIENTS.length);
        for (const key of keys) {
          // the old URN: same name and type, the api-key door ("door", under the stack) as parent
          const parents = key.aliases.map((a: any) => a.spec?.parenturn);
          assert.deepEqual(parents, [door], `${key.name}: ${JSON.stringify(key.aliases)}`);
          assert.ok(
            key.aliases.every((a: any) => !a.spec.name && !a.spec.type),
            "name and type unchanged",
          );
        }
      },
    );
  });

  it("given no apiKeyClients, then the stack has no identities component", async () => {
    assert.equal(ofType(await runMode("cognito"), IDENTITIES_TYPE).length, 0);
  });
});
