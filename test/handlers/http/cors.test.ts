import * as assert from "assert";
import { API_ROUTES } from "../../../handlers/contract/routeTable";
import { PREFLIGHT_METHODS, corsGrant, corsHeaders, preflightHeaders } from "../../../handlers/http/cors";

describe("handler: CORS grants (handlers/http/cors.ts)", () => {
  const LISTED = ["https://app.example.com", "http://localhost:5173"];

  it("given an Origin that is listed, then the grant names it exactly; another, a prefix or none gets none", () => {
    assert.deepEqual(corsGrant("http://localhost:5173", LISTED, true), {
      origin: "http://localhost:5173",
      credentials: true,
    });
    for (const origin of ["https://evil.example.net", "https://app.example.com.evil.net", "null", "*", undefined])
      assert.equal(corsGrant(origin, LISTED, true), undefined, String(origin));
  });

  it("given a grant with credentials, then Allow-Credentials is true beside the exact origin, never *", () => {
    const h = corsHeaders({ origin: "https://app.example.com", credentials: true });
    assert.equal(h["Access-Control-Allow-Origin"], "https://app.example.com");
    assert.equal(h["Access-Control-Allow-Credentials"], "true");
    assert.equal(h.Vary, "Origin");
  });

  it("given a grant without credentials, or none, then no Allow-Credentials (and no CORS headers without one)", () => {
    assert.equal(
      corsHeaders({ origin: "https://app.example.com", credentials: false })["Access-Control-Allow-Credentials"],
      undefined,
    );
    assert.deepEqual(corsHeaders(undefined), {});
  });

  it("given the API's routes, then a preflight allows exactly their methods and the API's request headers", () => {
    assert.deepEqual([...PREFLIGHT_METHODS].sort(), ["DELETE", "GET", "POST", "PUT"]);
    for (const r of API_ROUTES) assert.ok(PREFLIGHT_METHODS.includes(r.method), `${r.method} ${r.path}`);
    const h = preflightHeaders();
    assert.deepEqual(h["Access-Control-Allow-Methods"].split(",").sort(), [...PREFLIGHT_METHODS].sort());
    assert.deepEqual(h["Access-Control-Allow-Headers"].split(","), ["content-type", "if-match"]);
    assert.ok(Number(h["Access-Control-Max-Age"]) > 0);
  });
});
