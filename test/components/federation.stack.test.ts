import * as assert from "assert";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { IDENTITIES_TYPE } from "../../components/identities";
import { DOOR_REPORTS } from "../../components/doors/reportRegistry";
import { FEDERATED_VARIANT } from "../../components/doors/report";
import { diffRuns } from "../../tools/planDiff";
import { StackRun, ofType, resourcesUnder, runMode } from "../support/stack";

const IDP = "aws:cognito/identityProvider:IdentityProvider";
const POOL = "aws:cognito/userPool:UserPool";

/**
 * A Google provider and a corporate OIDC IdP, beside every identity the stack keeps for machines: the reports'
 * federated variant, so these are the stacks the comparison's "Federated users" row is read from.
 */
const FEDERATED = FEDERATED_VARIANT.federated;

/**
 * The user directory's resources by URN, with the inputs of the pool, its providers and its SPA client (the admin
 * group's roleArn is a door's, an in-place update: components/userDirectory.ts mapAdminGroupToRole).
 */
const directoryOf = (run: StackRun) =>
  Object.fromEntries(
    resourcesUnder(run, "notes-auth:users:UserDirectory").map((r) => [
      r.urn,
      r.type === "aws:cognito/userGroup:UserGroup" ? r.type : r.inputs,
    ]),
  );

/**
 * What a federated person's notes hang on, by URN: the pool and its providers (the person's `sub`, made once at
 * their first sign-in), the table and the bucket (their notes and attachments, under that `sub`), and the
 * identities the stack keeps (API keys, machine roles, the machine client).
 */
const notesHangOn = (run: StackRun) => [
  ...resourcesUnder(run, "notes-auth:users:UserDirectory"),
  ...resourcesUnder(run, IDENTITIES_TYPE),
  ...resourcesUnder(run, "notes-auth:backend:NotesBackend").filter((r) =>
    ["aws:dynamodb/table:Table", "aws:s3/bucket:Bucket"].includes(r.type),
  ),
];

describe("a federated user across door switches", function () {
  this.timeout(60000);
  const runs = new Map<AuthMode, StackRun>();
  /** The doors that serve people, by label: every door, and api-key with its users' variant (apiKeyWithCognito). */
  const userDoors = new Map<string, StackRun>();
  before(async () => {
    // given a stack federating Google and a corporate OIDC IdP, run at each door in turn
    const [withUsers, ...done] = await Promise.all([
      runMode("api-key", { ...FEDERATED, ...DOOR_REPORTS["api-key"].variants.users }),
      ...AUTH_MODES.map((mode) => runMode(mode, FEDERATED)),
    ]);
    AUTH_MODES.forEach((mode, i) => runs.set(mode, done[i]));
    for (const [mode, run] of runs) if (run.outputs.client.credential.kind !== "api-key") userDoors.set(mode, run);
    userDoors.set("api-key with apiKeyWithCognito", withUsers);
  });

  it("given each door, then the pool has both providers and the SPA client lists them", () => {
    for (const [mode, run] of runs) {
      assert.deepEqual(
        ofType(run, IDP).map((r) => r.inputs.providerName),
        ["Google", "Corp"],
        mode,
      );
      const spa = ofType(run, "aws:cognito/userPoolClient:UserPoolClient").find((r) => r.name === "users-spa")!;
      assert.deepEqual(spa.inputs.supportedIdentityProviders, ["COGNITO", "Google", "Corp"], mode);
    }
  });

  it(
    "when the door switches between any two doors, then the pool and its providers keep their URNs and inputs " +
      "(nothing replaced: each federated person keeps their sub, so their notes stay theirs)",
    () => {
      const [first, ...others] = AUTH_MODES;
      const base = directoryOf(runs.get(first)!);
      assert.ok(
        Object.keys(base).some((urn) => urn.includes(IDP)),
        "the providers are the directory's",
      );
      for (const mode of others) assert.deepEqual(directoryOf(runs.get(mode)!), base, `${first} -> ${mode}`);
    },
  );

  it(
    "given every ordered pair of user doors, when pulumi up goes from one to the other, then the pool, its " +
      "providers, the table, the bucket and every kept identity keep their URNs and none is created, deleted or " +
      "replaced (only the admin group's role may change in place)",
    () => {
      assert.deepEqual(
        [...userDoors.keys()].sort(),
        [...AUTH_MODES.filter((m) => m !== "api-key"), "api-key with apiKeyWithCognito"].sort(),
        "the doors that serve people",
      );
      for (const [from, before] of userDoors) {
        const kept = notesHangOn(before);
        assert.deepEqual(
          [POOL, "aws:dynamodb/table:Table", "aws:s3/bucket:Bucket", "aws:apigateway/apiKey:ApiKey"].filter(
            (t) => !kept.some((r) => r.type === t),
          ),
          [],
          `${from}: the pool, the table, the bucket and the API keys are there`,
        );
        assert.deepEqual(
          kept
            .filter((r) => r.type === IDP)
            .map((r) => r.inputs.providerName)
            .sort(),
          ["Corp", "Google"],
          `${from}: both providers are there, by name`,
        );
        const urns = new Set(kept.map((r) => r.urn));
        for (const [to, after] of userDoors) {
          if (to === from) continue;
          const changes = diffRuns(before.resources, after.resources)
            .filter((c) => urns.has(c.urn) || (c.from !== undefined && urns.has(c.from)))
            .map((c) => `${c.change} ${c.urn.split("::").pop()} (${(c.inputs ?? []).join(", ")})`);
          const inPlace = (c: string) => c === "update users-admins (roleArn)";
          assert.deepEqual(
            changes.filter((c) => !inPlace(c)),
            [],
            `${from} -> ${to}`,
          );
        }
      }
    },
  );

  it("when switching to a door verifying an outside issuer directly, then pool and providers stay", async () => {
    const external = await runMode("http-jwt", {
      ...FEDERATED,
      // The machine client is the pool's (Cognito's client credentials): a door verifying an outside issuer has none.
      m2mClient: false,
      jwtIssuer: "https://login.example.com",
      jwtAudiences: ["notes"],
    });
    assert.deepEqual(directoryOf(external), directoryOf(runs.get("cognito")!));
  });

  it("given keepUserPool false and no door that uses the pool, then no pool (and no providers)", async () => {
    const removed = await runMode("http-jwt", {
      jwtIssuer: "https://login.example.com",
      jwtAudiences: ["notes"],
      keepUserPool: false,
    });
    assert.deepEqual(resourcesUnder(removed, "notes-auth:users:UserDirectory"), []);
  });
});
