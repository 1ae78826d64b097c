import * as assert from "assert";
import * as path from "path";
import * as ts from "typescript";

/**
 * The browser app's sources are `.mts` files (tsconfig.json's `**\/*.ts` leaves them out, so the DOM
 * library never joins the Node program's types): this spec type-checks them as the browser's own
 * program, with the DOM library and the settings of a bundler (esbuild bundles them).
 */
describe("the browser app's sources", function () {
  this.timeout(60000);

  it("given main.mts and what it imports, when type-checked with the DOM library, then there is no error", () => {
    const program = ts.createProgram([path.join(__dirname, "../../../../local/app/browser/main.mts")], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: [],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    assert.deepEqual(errors, []);
  });
});
