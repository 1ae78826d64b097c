import * as assert from "assert";
import { printChecks } from "../../../local/contract/runner";
import { ContractContext } from "../../../local/contract/context";
import { TestDoor, removeDir, startTestDoor } from "../../support/localStack";

/** What `npm run contract` prints (local/contract/runner.ts): a door's own results first, not buried under others'. */
describe("the contract suite's report", function () {
  this.timeout(30000);
  let door: TestDoor;
  before(async () => (door = await startTestDoor("cognito")));
  after(async () => {
    await door?.close();
    if (door) removeDir(door.dataDir);
  });
  // one check of every door, and three about doors that sign (iam), take keys (api-key) or cookies (alb-oidc)
  const ONLY = ["whoami", "iam-tampered-signature", "apikey-missing-or-unknown", "alb-login-redirect"];
  const report = async (opts: { verbose?: boolean } = {}) => {
    let out = "";
    const failed = await printChecks(new ContractContext(door.outputs), (t) => void (out += t), ONLY, opts);
    return { failed, out };
  };

  it(
    "given checks about other doors, when the suite runs, " + "then one line counts them and the summary follows",
    async () => {
      const { failed, out } = await report();
      assert.equal(failed, 0, out);
      assert.match(out, /^ {2}ok {4}whoami: /m);
      assert.deepEqual(
        out.split("\n").filter((l) => l.startsWith("  skip")),
        ["  skip  3 checks about other doors than cognito (--verbose lists them, with why)"],
      );
      assert.match(out, /^1 passed, 0 failed, 3 skipped$/m);
    },
  );

  it(
    "given --verbose, when the suite runs, then each check " + "about another door has its line and its reason",
    async () => {
      const { out } = await report({ verbose: true });
      for (const id of ONLY.slice(1)) assert.match(out, new RegExp(`^ {2}skip {2}${id}: .*\\n {8}a check of `, "m"));
      assert.doesNotMatch(out, /checks about other doors than/);
    },
  );
});
