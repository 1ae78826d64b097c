import * as assert from "assert";
import * as fs from "fs";
import { AUTH_MODES } from "../../../components/config";
import { REPORT_FILE, REVOCATION_CACHE_SECONDS, parseCompareArgs } from "../../../tools/compare/cli";
import { runDoors } from "../../../tools/compare/runs";
import {
  RevocationRun,
  describeRun,
  documentedWindows,
  readRevocationRecord,
  revocationSection,
  tokenDoors,
} from "../../../tools/compare/revocation";
import type { DoorRuns } from "../../../tools/compare/runs";

describe("the comparison's revocation window", function () {
  this.timeout(180_000);
  let runs: DoorRuns;
  before(async () => {
    runs = await runDoors(AUTH_MODES);
  });

  it("given the recorded runs, then the token doors are those whose clients present one (api-key: with users)", () => {
    assert.deepEqual(
      tokenDoors(runs).map((d) => [d.door, d.variant]),
      [
        ["cognito", undefined],
        ["http-jwt", undefined],
        ["api-key", "users"],
        ["lambda-authorizer", undefined],
      ],
    );
  });

  it("given tools/compare/revocation-windows.json, then docs/comparison.md's table is what it renders", () => {
    const section = revocationSection(
      readRevocationRecord(),
      tokenDoors(runs),
      documentedWindows(runs, REVOCATION_CACHE_SECONDS),
    ).join("\n");
    assert.ok(
      fs.readFileSync(REPORT_FILE, "utf8").includes(section),
      "docs/comparison.md's revocation table is stale: run npm run compare",
    );
  });

  it(
    "given tools/compare/revocation-windows.json, then every token door has a measured run with and without " +
      "revocation, every check of it passed, and each measured what its outcome says",
    () => {
      const record = readRevocationRecord();
      assert.ok(record, "no tools/compare/revocation-windows.json: run npm run compare -- --measure-revocation");
      for (const d of tokenDoors(runs))
        for (const revocation of [true, false]) {
          const what = `${d.door}${d.variant ? ` (${d.variant})` : ""} with revocation ${revocation ? "on" : "off"}`;
          const run = record.runs.find(
            (r) => r.door === d.door && r.variant === d.variant && r.revocation === revocation,
          );
          assert.ok(run, `${what}: not measured`);
          assert.deepEqual(
            run.checks.filter((c) => c.outcome === "failed"),
            [],
            what,
          );
          const outcomes = run.measurements.map((m) => m.value.outcome);
          assert.ok(outcomes.includes(revocation ? "refused" : "accepted"), `${what}: measured ${outcomes}`);
          if (revocation && d.door === "lambda-authorizer")
            assert.ok(outcomes.includes("refused-despite-cached-allow"), `${what}: the cached Allow`);
          for (const { value } of run.measurements)
            if (value.outcome === "refused") assert.ok(value.refusedAfterMs <= value.boundMs, what);
        }
    },
  );

  it("given a run whose check failed, then its cell says failed and why, never a window", () => {
    const run: RevocationRun = {
      door: "cognito",
      revocation: true,
      config: { revocation: true },
      checks: [{ id: "revocation-sign-out", outcome: "failed", detail: "still accepted 7001 ms after" }],
      measurements: [],
    };
    assert.equal(describeRun(run), "**failed**: revocation-sign-out (still accepted 7001 ms after)");
    assert.equal(describeRun(undefined), "not measured");
  });

  it("given --measure-revocation with --mode, then it is refused (it measures every token door)", () => {
    assert.equal(parseCompareArgs(["--measure-revocation", "--no-write"]).measureRevocation, true);
    assert.throws(() => parseCompareArgs(["--measure-revocation", "--mode", "iam"]), /measures every token door/);
  });
});
