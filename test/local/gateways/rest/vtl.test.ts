import * as assert from "assert";
import { corsPreflightTemplate } from "../../../../components/rest/cors";
import { TemplateError, renderTemplate } from "../../../../local/gateways/rest/vtl";

describe("local gateways: mapping templates (VTL)", () => {
  const req = (origin?: string) => ({ method: "OPTIONS", path: "/notes", headers: origin ? { Origin: origin } : {} });

  it(
    "given the program's preflight template, when rendered for a listed and an unlisted origin, then only " +
      "the listed one is echoed",
    () => {
      const template = corsPreflightTemplate(["https://app.example.com", "http://localhost:3000"]);
      assert.equal(
        renderTemplate(template, req("http://localhost:3000"), {}).override.header["Access-Control-Allow-Origin"],
        "http://localhost:3000",
      );
      assert.deepEqual(renderTemplate(template, req("https://evil.example"), {}).override.header, {});
      assert.deepEqual(renderTemplate(template, req(), {}).override.header, {});
    },
  );

  it("given a method called on a list literal, when parsed as Velocity does, then it is a template error", () => {
    assert.throws(() => renderTemplate('#if(["a"].contains($x))yes#end', req(), {}), TemplateError);
  });
});
