import * as assert from "assert";
import { IDENTITIES_TYPE } from "../../components/identities";
import { AuthMode } from "../../components/config";
import { doorModule } from "../../components/doors/registry";
import { machineRoleKey } from "../../components/doors/iam/machines";
import { OFFLINE_STACK } from "../../offline/runStack";
import { RecordedResource, StackRun, ofType, one, runMode } from "../support/stack";

const API_KEY = "aws:apigateway/apiKey:ApiKey";
const CLIENTS = ["reporting", "ops"];
/** Every identity the config can declare: API keys, a machine role, the machine client, the default tiers. */
const IDENTITY_KEYS = {
  apiKeyClients: CLIENTS,
  machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"],
  machineRoleExternalId: "notes-reporting-2026",
  m2mClient: true,
};
/** Each door that had its own identities, and the identity-bearing resources it parented before. */
const FORMER_OWNERS: Record<string, { door: AuthMode; type: string }> = {
  "door-key-reporting": { door: "api-key", type: API_KEY },
  "door-key-ops": { door: "api-key", type: API_KEY },
  "door-machine-client": { door: "http-jwt", type: "aws:cognito/userPoolClient:UserPoolClient" },
  "door-tier-pro": { door: "lambda-authorizer", type: "aws:cognito/userGroup:UserGroup" },
};
const ROUND_TRIPS: AuthMode[] = ["api-key", "iam", "http-jwt", "lambda-authorizer"];

/** The identity-bearing resources of a run (the identities component's children): URN, name, inputs. */
const identitiesOf = (run: StackRun) => {
  const owner = one(run, IDENTITIES_TYPE);
  return run.resources
    .filter((r: RecordedResource) => r.parent === owner.urn)
    .map((r) => ({ urn: r.urn, name: r.name, physical: r.inputs.name, inputs: r.inputs }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
};

describe("machine identities and tiers belong to the stack, not to a door", function () {
  const runs: Partial<Record<AuthMode, StackRun>> = {};
  before(async () => {
    for (const mode of [...ROUND_TRIPS, "cognito" as const]) runs[mode] = await runMode(mode, IDENTITY_KEYS);
  });

  for (const mode of ROUND_TRIPS) {
    it(
      `given every identity key, when the stack goes ${mode} -> cognito -> ${mode}, then every identity keeps ` +
        "its URN, name and inputs",
      () => {
        // a run is a function of its config: the way back is the first run again
        const [there, middle] = [identitiesOf(runs[mode]!), identitiesOf(runs.cognito!)];
        assert.deepEqual(
          there.map((r) => r.name).sort(),
          [
            ...Object.keys(FORMER_OWNERS),
            `door-machine-${machineRoleKey(IDENTITY_KEYS.machineRolePrincipals[0])}`,
          ].sort(),
        );
        assert.deepEqual(middle, there);
      },
    );
  }

  it("given every identity key, then API keys and tier groups keep their physical names in every door", () => {
    for (const mode of ROUND_TRIPS) {
      const named = identitiesOf(runs[mode]!).filter((r) => r.physical !== undefined);
      assert.deepEqual(
        named.map((r) => r.physical).sort(),
        [...CLIENTS.map((c) => `notes-auth-${OFFLINE_STACK}-${c}`), "pro"].sort(),
        mode,
      );
    }
  });

  it(
    "then each identity is aliased to its URN under the door that owned it, so pulumi up moves it without " +
      "replacement",
    () => {
      const run = runs.cognito!;
      const owner = one(run, IDENTITIES_TYPE);
      for (const r of run.resources.filter((x) => x.parent === owner.urn)) {
        const former = FORMER_OWNERS[r.name] ?? { door: "iam", type: "aws:iam/role:Role" };
        assert.equal(r.type, former.type, r.name);
        const door = one(runs[former.door]!, doorModule(former.door).componentType);
        // the old URN: same name and type, that door ("door", a child of the stack) as parent
        const old = r.urn.replace(`${IDENTITIES_TYPE}$`, `${door.type}$`);
        assert.deepEqual(r.aliasUrns, [old], r.name);
      }
    },
  );

  it("then only the attachments are the doors': usage plan keys, the machine role's invoke policy", () => {
    const planKeys = ofType(runs["api-key"]!, "aws:apigateway/usagePlanKey:UsagePlanKey");
    assert.deepEqual(planKeys.map((k) => k.name).sort(), ["door-key-ops", "door-key-reporting"]);
    assert.ok(planKeys.every((k) => k.parent!.includes("notes-auth:door:ApiKeyFrontDoor")));
    assert.equal(ofType(runs.cognito!, "aws:apigateway/usagePlanKey:UsagePlanKey").length, 0);
    const access = ofType(runs.iam!, "aws:iam/rolePolicy:RolePolicy").filter((p) => /^door-machine-/.test(p.name));
    assert.equal(access.length, 1);
    assert.ok(access[0].parent!.includes("notes-auth:door:IamFrontDoor"));
    assert.equal(
      ofType(runs.cognito!, "aws:iam/rolePolicy:RolePolicy").filter((p) => /^door-machine-/.test(p.name)).length,
      0,
    );
  });

  it("given protectData, then every identity is protected and kept in AWS if the program drops it", async () => {
    const run = await runMode("cognito", { ...IDENTITY_KEYS, protectData: true });
    const owner = one(run, IDENTITIES_TYPE);
    const children = run.resources.filter((r) => r.parent === owner.urn);
    assert.equal(children.length, Object.keys(FORMER_OWNERS).length + 1);
    for (const r of children) assert.deepEqual([r.options.protect, r.options.retainOnDelete], [true, true], r.name);
    const unprotected = runs.cognito!.resources.filter((r) => r.parent === one(runs.cognito!, IDENTITIES_TYPE).urn);
    assert.ok(
      unprotected.every((r) => !r.options.protect && !r.options.retainOnDelete),
      "without it: neither",
    );
  });

  it("given no identity keys and a door with its own IdP, then the stack has no identities component", async () => {
    const external = await runMode("lambda-authorizer", {
      authorizerIssuer: "https://idp.example.com",
      authorizerAudiences: ["notes"],
    });
    assert.equal(ofType(external, IDENTITIES_TYPE).length, 0);
  });
});
