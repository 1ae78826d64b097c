import type { Test } from "mocha";
import { appliesTo, skipReason } from "../../../local/contract/check";
import { CHECKS } from "../../../local/contract/checks";
import { ContractContext, Skip } from "../../../local/contract/context";
import { LOCAL_DOORS, TestDoor, removeDir, startTestDoor } from "../../support/localStack";

/**
 * The contract suite against each local door, one `it` per check: the same black-box calls a
 * user's tools make, from outputs.json alone. Each check selects itself from the door's outputs:
 * the checks not about this door are not listed (they are dropped once the door's outputs are
 * known, before any runs); a check this door's config cannot give is skipped with its reason.
 */
for (const [label, config] of Object.entries(LOCAL_DOORS)) {
  describe(`contract suite: the local ${label} door`, function () {
    this.timeout(30000);
    const suite = this;
    const checkOf = new Map<Test, (typeof CHECKS)[number]>();
    let door: TestDoor;
    let ctx: ContractContext;
    before(async () => {
      door = await startTestDoor(config.mode, { extra: config.extra });
      ctx = new ContractContext(door.outputs);
      // Mocha runs the tests the suite holds once its before hooks are done.
      suite.tests = suite.tests.filter((t) => appliesTo(checkOf.get(t)!, ctx.facts));
    });
    after(async () => {
      await door?.close();
      if (door) removeDir(door.dataDir);
    });
    for (const check of CHECKS) {
      const test = it(check.title, async function () {
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
      checkOf.set(test, check);
    }
  });
}
