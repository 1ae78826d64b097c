import { CHECKS } from "./checks";
import { Check, appliesTo, skipReason } from "./check";
import { ContractContext, Skip } from "./context";

/**
 * The contract suite's runner (`npm run contract`, `npm run smoke`): every check one after another
 * against a running door, each reported as passed, failed or skipped with the reason.
 */

/** Not a check of the door: the suite's own tidying up, reported only when it fails. */
const CLEANUP: Check = { id: "cleanup", title: "the checks delete every note they wrote", async run() {} };

/** Runs the checks one after another (a CLI's runner; mocha maps each to an `it`). */
export async function runChecks(
  ctx: ContractContext,
  report: (check: Check, outcome: "passed" | "failed" | "skipped", detail?: string) => void,
  onlyIds?: string[],
): Promise<{ passed: number; failed: number; skipped: number }> {
  const tally = { passed: 0, failed: 0, skipped: 0 };
  for (const check of CHECKS.filter((c) => !onlyIds || onlyIds.includes(c.id))) {
    const reason = skipReason(check, ctx);
    if (reason) {
      tally.skipped++;
      report(check, "skipped", reason);
      continue;
    }
    try {
      try {
        await check.run(ctx);
      } finally {
        // Each check's notes go right after it, before a later check spends a quota they need.
        const left = await ctx.cleanup();
        if (left.length > 0) {
          tally.failed++;
          report(CLEANUP, "failed", `notes ${check.id} wrote and the suite could not delete: ${left.join(", ")}`);
        }
      }
      tally.passed++;
      report(check, "passed");
    } catch (err) {
      if (err instanceof Skip) {
        tally.skipped++;
        report(check, "skipped", err.message);
        continue;
      }
      tally.failed++;
      report(check, "failed", err instanceof Error ? err.message : String(err));
    }
  }
  return tally;
}

/**
 * Runs the checks and prints one line per check (and why, when it failed or was skipped), then the summary; the number
 * that failed. The checks about other doors (`whyNotAbout`) are one line, unless `verbose` lists each with its reason.
 */
export async function printChecks(
  ctx: ContractContext,
  write: (text: string) => void,
  onlyIds?: string[],
  opts: { verbose?: boolean } = {},
): Promise<number> {
  let otherDoors = 0;
  const tally = await runChecks(
    ctx,
    (check, outcome, detail) => {
      if (outcome === "skipped" && !opts.verbose && !appliesTo(check, ctx.facts)) {
        otherDoors++;
        return;
      }
      write(
        `${outcome === "passed" ? "  ok  " : outcome === "failed" ? "  FAIL" : "  skip"}  ${check.id}: ` +
          `${check.title}${detail ? `\n        ${detail}` : ""}\n`,
      );
    },
    onlyIds,
  );
  if (otherDoors)
    write(`  skip  ${otherDoors} checks about other doors than ${ctx.facts.name} (--verbose lists them, with why)\n`);
  write(`${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`);
  return tally.failed;
}

/**
 * The checks at each of several doors (`atDoor` views of one stack's outputs): a heading, the checks and their
 * summary per door, then one line for them all; the number that failed.
 */
export async function printEveryDoor<T extends { authMode: string; url: string }>(
  doors: T[],
  write: (text: string) => void,
  heading: (door: T) => string,
  check: (door: T) => Promise<number>,
): Promise<number> {
  let failed = 0;
  for (const door of doors) {
    write(`${doors.length > 1 ? "\n" : ""}${heading(door)}\n`);
    failed += await check(door);
  }
  if (doors.length > 1)
    write(`\n${doors.length} doors: ${failed ? `${failed} checks failed` : "every check passed"}\n`);
  return failed;
}
