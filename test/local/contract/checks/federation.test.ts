import * as assert from "assert";
import { skipReason } from "../../../../local/contract/check";
import { FEDERATION_CHECKS } from "../../../../local/contract/checks/federation";
import { ContractContext } from "../../../../local/contract/context";
import { CORP_IDP, TestDoor, useTestDoor } from "../../../support/localStack";

describe("the contract's federation checks", function () {
  this.timeout(30000);
  let federated: TestDoor;
  let plain: TestDoor;
  useTestDoor((d) => (federated = d), "http-jwt", { extra: CORP_IDP });
  useTestDoor((d) => (plain = d), "cognito");

  for (const check of FEDERATION_CHECKS)
    it(`given the local http-jwt door with a Corp OIDC IdP: ${check.title}`, async () => {
      const ctx = new ContractContext(federated.outputs);
      assert.equal(skipReason(check, ctx), undefined);
      await check.run(ctx).finally(() => ctx.cleanup());
    });

  it("given outputs that list no identity provider, when the suite selects, then the checks skip, saying why", () => {
    const ctx = new ContractContext(plain.outputs);
    for (const check of FEDERATION_CHECKS) assert.match(skipReason(check, ctx) ?? "", /list no identity provider/);
  });
});
