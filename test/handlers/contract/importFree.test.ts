import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");
const CONTRACT = path.join(ROOT, "handlers", "contract");
/** Where the program lives: it may reach into handlers/ only through the contract and the entries. */
const PROGRAM = ["components", "local", "tools", "offline", "policy", "index.ts"];
const ENTRIES = ["handlers/entries/api", "handlers/entries/authorizer", "handlers/entries/preTokenGeneration"];

const tsFiles = (p: string): string[] =>
  fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).flatMap((f) => (f === "node_modules" ? [] : tsFiles(path.join(p, f))))
    : p.endsWith(".ts")
      ? [p]
      : [];
const specifiers = (file: string) =>
  [...fs.readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);

describe("the seam between the program and the Lambda code (handlers/contract/)", () => {
  it("given a contract file, then it imports only other contract files (and no package)", () => {
    for (const file of tsFiles(CONTRACT))
      for (const spec of specifiers(file)) {
        const target = path.resolve(path.dirname(file), spec);
        assert.ok(spec.startsWith(".") && target.startsWith(CONTRACT + path.sep), `${file} imports ${spec}`);
      }
  });

  it("given the program, then it imports handlers/ only through the contract and the entry files", () => {
    const handlers = path.join(ROOT, "handlers") + path.sep;
    for (const file of PROGRAM.flatMap((p) => tsFiles(path.join(ROOT, p))))
      for (const spec of specifiers(file).filter((s) => s.startsWith("."))) {
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(handlers)) continue;
        const rel = path.relative(ROOT, target).split(path.sep).join("/");
        assert.ok(rel.startsWith("handlers/contract/") || ENTRIES.includes(rel), `${file} imports ${spec}`);
      }
  });
});
