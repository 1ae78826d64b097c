import { CHECKS, ContractContext, Skip, skipReason } from "../../../local/contract/checks";
import { LOCAL_DOORS, TestDoor, removeDir, startTestDoor } from "../../support/localStack";

/**
 * The contract suite against each local door, one `it` per check: the same black-box calls a
 * user's tools make, from outputs.json alone. Another door's checks are not listed; a check this
 * door's config cannot give is skipped with its reason.
 */
for (const [label, config] of Object.entries(LOCAL_DOORS)) {
  describe(`contract suite: the local ${label} door`, function () {
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
    for (const check of CHECKS.filter((c) => !c.doors || c.doors.includes(config.mode))) {
      it(check.title, async function () {
        // A skipped check says why, in its title.
        const skip = (reason: string) => {
          this.test!.title = `${check.title} (skipped: ${reason})`;
          this.skip();
        };
        const reason = skipReason(check, ctx);
        if (reason) skip(reason);
        try {
          await check.run(ctx);
        } catch (err) {
          if (err instanceof Skip) skip(err.message);
          throw err;
        } finally {
          await ctx.cleanup();
        }
      });
    }
  });
}
