import { CHECKS, ContractContext } from "../../../local/contract/checks";
import { TestDoor, removeDir, startTestDoor } from "../../support/localStack";

/**
 * The contract suite against each local door, one `it` per check: the same black-box calls a
 * user's tools make, from outputs.json alone.
 */
const CONFIGS = [
  { label: "cognito", mode: "cognito" as const, extra: {} },
  { label: "http-jwt", mode: "http-jwt" as const, extra: {} },
  { label: "http-jwt with m2mClient", mode: "http-jwt" as const, extra: { m2mClient: true } },
];

for (const config of CONFIGS) {
  describe(`contract suite: the local ${config.label} door`, function () {
    this.timeout(30000);
    let door: TestDoor;
    let ctx: ContractContext;
    before(async () => {
      door = await startTestDoor(config.mode, { extra: config.extra });
      ctx = new ContractContext(door.outputs);
    });
    after(async () => {
      await door?.close();
      if (door) removeDir(door.dataDir);
    });
    for (const check of CHECKS) {
      it(check.title, async function () {
        const reason = check.skip?.(ctx);
        if (reason) this.skip();
        await check.run(ctx);
      });
    }
  });
}
