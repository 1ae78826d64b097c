/**
 * Loaded first by .mocharc.json ("file"): when the whole suite runs, the stack runs it asked for
 * last time (stackRuns.json, in the order first asked) start at once, behind the runs asked for
 * now, so both cores work while the suite does other things (offline/runStack.ts prefetchStacks).
 * At the end the list is rewritten if the suite asked for other runs: commit it with the spec that
 * changed it. A stale list costs time, never correctness: a run missing from it is made when
 * asked, and one no spec asks for any more is never waited for.
 */
import * as fs from "fs";
import * as path from "path";
import { RunRequest, askedRuns, prefetchStacks } from "../../offline/runStack";
import { startEarly } from "./early";

const LIST = path.join(__dirname, "stackRuns.json");
const TEST_ROOT = path.join(__dirname, "..");

const specFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? specFiles(path.join(dir, e.name)) : e.name.endsWith(".test.ts") ? [path.join(dir, e.name)] : [],
    );

const loadedFiles = (suite: Mocha.Suite): string[] => [
  ...(suite.file ? [suite.file] : []),
  ...suite.suites.flatMap(loadedFiles),
];

let wholeSuite = false;
let last: RunRequest[] = [];

before(function () {
  const loaded = new Set(loadedFiles(this.test!.parent!));
  wholeSuite = specFiles(TEST_ROOT).every((f) => loaded.has(f));
  if (!wholeSuite) return;
  last = fs.existsSync(LIST) ? (JSON.parse(fs.readFileSync(LIST, "utf8")) as RunRequest[]) : [];
  // Once the workers are through the list, the specs' early work takes the core they leave (test/support/early.ts).
  void prefetchStacks(last).then(startEarly);
});

after(function () {
  if (!wholeSuite) return;
  const now = askedRuns();
  if (JSON.stringify(now) === JSON.stringify(last)) return;
  fs.writeFileSync(LIST, `${JSON.stringify(now, null, 1)}\n`);
  console.log(`test/support/stackRuns.json: the suite asked for other stack runs than last time; rewrote the list`);
});
