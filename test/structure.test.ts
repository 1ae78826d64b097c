import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";

const ROOT = path.join(__dirname, "..");
/** The source folders (not test/): what the structure rules are about. */
const SOURCES = ["index.ts", "awsRules", "components", "handlers", "local", "offline", "policy", "tools"];

/** Each source file's imports (type-only imports included), by madge (https://github.com/pahen/madge). */
async function importGraph(): Promise<{ graph: Record<string, string[]>; circles: string[][] }> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const madge = require("madge");
  const result = await madge(
    SOURCES.map((s) => path.join(ROOT, s)),
    { baseDir: ROOT, fileExtensions: ["ts"], tsConfig: path.join(ROOT, "tsconfig.json") },
  );
  return { graph: result.obj(), circles: result.circular() };
}

const under = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);

describe("the source tree's structure", function () {
  this.timeout(60_000);
  let graph: Record<string, string[]>;
  let circles: string[][];
  before(async () => ({ graph, circles } = await importGraph()));

  it("given every source file's imports (type-only ones too), then no file reaches itself again", () => {
    assert.deepEqual(
      circles.map((c) => c.join(" > ")),
      [],
    );
    assert.ok(Object.keys(graph).length > 100, "madge found the source files");
  });

  it("given local mode's files, then none imports tools/ (tools build on local mode, never the reverse)", () => {
    const upward = Object.entries(graph).flatMap(([file, deps]) =>
      under(file, "local") ? deps.filter((d) => under(d, "tools")).map((d) => `${file} -> ${d}`) : [],
    );
    assert.deepEqual(upward, []);
  });

  it(
    "given every TypeScript file, then no line is longer than Prettier's print width (120) unless it holds " + "a URL",
    () => {
      const files = execFileSync("git", ["ls-files", "*.ts"], { cwd: ROOT, encoding: "utf8" })
        .split("\n")
        .filter(Boolean);
      const long = files.flatMap((f) =>
        fs
          .readFileSync(path.join(ROOT, f), "utf8")
          .split("\n")
          .flatMap((line, i) => (line.length > 120 && !/https?:\/\//.test(line) ? [`${f}:${i + 1}`] : [])),
      );
      assert.deepEqual(long, []);
    },
  );
});
