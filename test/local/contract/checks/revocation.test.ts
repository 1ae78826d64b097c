import * as assert from "assert";
import { skipReason } from "../../../../local/contract/check";
import { REVOCATION_CHECKS } from "../../../../local/contract/checks/revocation";
import { ContractContext } from "../../../../local/contract/context";
import { LOCAL_DOORS, TestDoor, useTestDoor } from "../../../support/localStack";

const check = (id: string) => REVOCATION_CHECKS.find((c) => c.id === id)!;

describe("the contract's revocation checks", function () {
  this.timeout(30000);
  let door: TestDoor;
  useTestDoor((d) => (door = d), "lambda-authorizer", { extra: LOCAL_DOORS["lambda-authorizer"].extra });

  it(
    "given the local lambda-authorizer door with revocation, when revocation-cached-authorizer runs, then the " +
      "gateway served the refused /me from its cached Allow, and the window measured is within the bound",
    async () => {
      const ctx = new ContractContext(door.outputs);
      const c = check("revocation-cached-authorizer");
      assert.equal(skipReason(c, ctx), undefined);
      const from = door.logs.length;
      await c.run(ctx);
      const logs = door.logs.slice(from);
      const signOut = logs.findIndex((l) => l.startsWith("POST /me/sign-out: the Lambda authorizer's cached policy"));
      assert.ok(signOut >= 0, `the sign-out went through the cached Allow: ${logs.join("\n")}`);
      assert.ok(
        logs.slice(signOut + 1).some((l) => l.startsWith("GET /me: the Lambda authorizer's cached policy allows it")),
        "the /me the handler refused went through the cached Allow",
      );
      const [m] = ctx.measurements;
      assert.equal(m.value.outcome, "refused-despite-cached-allow");
      assert.ok((m.value.sinceAllowCachedMs as number) < (m.value.authorizerCacheSeconds as number) * 1000);
    },
  );

  it("given revocation on, when the suite selects, then revocation-off skips, saying revocation is on", () => {
    assert.match(skipReason(check("revocation-off"), new ContractContext(door.outputs)) ?? "", /revocation is on/);
  });
});
