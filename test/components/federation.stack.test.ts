import * as assert from "assert";
import { AUTH_MODES, AuthMode } from "../../components/config";
import { StackRun, ofType, resourcesUnder, runMode } from "../support/stack";

const IDP = "aws:cognito/identityProvider:IdentityProvider";

/** A Google and a corporate OIDC provider, with their secrets. */
const FEDERATED = {
  identityProviders: [
    {
      name: "Google",
      type: "Google",
      settings: { clientId: "123.apps.googleusercontent.com" },
      attributeMapping: { email: "email" },
    },
    {
      name: "Corp",
      type: "OIDC",
      settings: { clientId: "notes", issuer: "https://login.example.com" },
      attributeMapping: { email: "email" },
      groupsClaim: "groups",
    },
  ],
  identityProviderSecrets: JSON.stringify({ Google: "g-secret", Corp: "c-secret" }),
};

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

describe("a federated user across door switches", function () {
  const runs = new Map<AuthMode, StackRun>();
  before(async () => {
    // given a stack federating Google and a corporate OIDC IdP, run at each door in turn
    const done = await Promise.all(AUTH_MODES.map((mode) => runMode(mode, FEDERATED)));
    AUTH_MODES.forEach((mode, i) => runs.set(mode, done[i]));
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

  it("when switching to a door verifying an outside issuer directly, then pool and providers stay", async () => {
    const external = await runMode("http-jwt", {
      ...FEDERATED,
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
