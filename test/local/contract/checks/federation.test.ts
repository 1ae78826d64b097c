import * as assert from "assert";
import type { AuthMode } from "../../../../handlers/contract/authModes";
import { federatedDoor } from "../../../../local/contract/checks/federation";
import { doorFacts } from "../../../../local/contract/facts";
import type { StackOutputs } from "../../../../local/clients/doorClient";
import { LOCAL_DOORS } from "../../../support/localStack";
import { runMode } from "../../../support/stack";

/**
 * Where the contract's federation checks do not run. Where they do, the contract suite runs them: at every local
 * user door, each started with CORP_IDP (test/local/contract/checks.test.ts).
 */
describe("the contract's federation checks", function () {
  this.timeout(60000);
  const reason = (outputs: StackOutputs) =>
    federatedDoor({ mode: outputs.authMode as AuthMode, facts: doorFacts(outputs), outputs });
  /** The outputs as local mode writes them for a stack with the Corp IdP's stand-in (only what the checks read). */
  const withStandIn = (outputs: StackOutputs) =>
    ({
      ...outputs,
      local: { idp: { identityProviders: [{ name: "Corp", type: "OIDC", issuer: "http://127.0.0.1:1", users: [] }] } },
    }) as unknown as StackOutputs;

  it("given a door of API keys alone, then they skip: it serves applications, no users", async () => {
    const { outputs } = await runMode("api-key", LOCAL_DOORS["api-key"].extra);
    assert.match(reason(withStandIn(outputs as StackOutputs)) ?? "", /serves applications .*, no users/);
  });

  it("given a user door whose outputs list no identity provider's stand-in, then they skip, saying so", async () => {
    const { outputs } = await runMode("cognito", LOCAL_DOORS.cognito.extra);
    assert.match(reason(outputs as StackOutputs) ?? "", /list no identity provider/);
    assert.equal(reason(withStandIn(outputs as StackOutputs)), undefined);
  });
});
