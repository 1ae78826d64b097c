import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DOORS } from "../../../components/doors/registry";
import { DOOR_REPORTS } from "../../../components/doors/reportRegistry";

const ROOT = path.join(__dirname, "..", "..", "..");

/** Every project file index.ts reaches through relative imports, `import type` included (repo-relative). */
function programGraph(): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    const rel = path.relative(ROOT, file);
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = fs.readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(/(?:from|import|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, "index.ts"), base].find(
        (f) => fs.existsSync(f) && f.endsWith(".ts"),
      );
      if (target) visit(target);
    }
  };
  visit(path.join(ROOT, "index.ts"));
  return seen;
}

describe("The door registries", function () {
  it("given both registries, then they name the same doors, each under its own mode", () => {
    assert.deepEqual(Object.keys(DOOR_REPORTS), Object.keys(DOORS));
    for (const [mode, report] of Object.entries(DOOR_REPORTS)) assert.equal(report.mode, mode);
    for (const [mode, door] of Object.entries(DOORS)) assert.equal(door.mode, mode);
  });

  it("given the program's import graph (index.ts), then it holds every door's build half and no report file", () => {
    const graph = programGraph();
    for (const mode of Object.keys(DOORS)) assert.ok(graph.has(`components/doors/${mode}/door.ts`), mode);
    assert.ok(graph.has("components/doors/registry.ts"));
    const reports = [...graph].filter((f) => /(^|\/)report\.ts$|reportRegistry\.ts$|restReport\.ts$/.test(f));
    assert.deepEqual(reports, []);
  });

  it("given components/rest/, then it imports neither a door nor an authorizer implementation", () => {
    for (const f of fs.readdirSync(path.join(ROOT, "components", "rest"))) {
      const text = fs.readFileSync(path.join(ROOT, "components", "rest", f), "utf8");
      const specs = [...text.matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
      assert.deepEqual(
        specs.filter((s) => /restAuthorizers|doors\//.test(s)),
        [],
        f,
      );
    }
  });
});
