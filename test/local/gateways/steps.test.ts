import * as assert from "assert";
import { Step, runSteps } from "../../../local/gateways/steps";

describe("local gateways: the step runner", () => {
  const ran: string[] = [];
  const step = (name: string, answer?: string, runs?: "always"): Step<string[], string> => ({
    name,
    runs,
    run: (ctx, seen) => {
      ctx.push(`${name}${seen ? ` saw ${seen}` : ""}`);
      return answer;
    },
  });
  beforeEach(() => ran.splice(0));

  it(
    "given steps that do not answer, when they run, then each runs once, in order, and there is no " + "answer",
    async () => {
      assert.equal(await runSteps([step("a"), step("b"), step("c")], ran), undefined);
      assert.deepEqual(ran, ["a", "b", "c"]);
    },
  );

  it(
    "given a step that answers, when the steps run, then the steps after it are skipped and its " +
      "answer is the answer",
    async () => {
      assert.equal(await runSteps([step("a"), step("b", "403"), step("c", "200")], ran), "403");
      assert.deepEqual(ran, ["a", "b"]);
    },
  );

  it(
    "given an always step after the answer, when the steps run, then it runs with the answer and may " + "replace it",
    async () => {
      const steps = [step("a", "403"), step("b"), step("respond", "rendered 403", "always")];
      assert.equal(await runSteps(steps, ran), "rendered 403");
      assert.deepEqual(ran, ["a", "respond saw 403"]);
    },
  );
});
