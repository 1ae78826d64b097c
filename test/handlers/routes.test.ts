import * as assert from "assert";
import { match } from "../../handlers/routes";
import { API_ROUTES } from "../../handlers/contract/routeTable";

describe("handler: routing from the shared route table", () => {
  it("serves every (method, path) the doors expose", () => {
    for (const r of API_ROUTES) {
      const path = r.path.replace("{id}", "11111111-1111-4111-8111-111111111111");
      const found = match(r.method, path);
      assert.equal(typeof found.fn, "function", `${r.method} ${r.path}`);
      if (r.path.includes("{id}")) assert.equal(found.params.id, "11111111-1111-4111-8111-111111111111");
    }
  });
  it("answers 404 for unknown paths and 405 with Allow for other methods", () => {
    assert.throws(
      () => match("GET", "/nope"),
      (err: any) => err.status === 404,
    );
    assert.throws(
      () => match("GET", "/notesx"),
      (err: any) => err.status === 404,
    );
    assert.throws(
      () => match("PATCH", "/notes/x"),
      (err: any) => err.status === 405 && err.headers.Allow === "GET, PUT, DELETE",
    );
    assert.equal(match("GET", "/notes/").fn.name, "listNotes", "a trailing slash is the same route");
  });
});
