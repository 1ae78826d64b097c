import * as assert from "assert";
import { normalize, respond, shapeOf } from "../../handlers/http/request";
import { fixture } from "./support";

describe("handler: event normalization", () => {
  it("recognizes each published payload by its shape", () => {
    assert.equal(shapeOf(fixture("apigw-rest-cognito-authorizer.json")), "rest-v1");
    assert.equal(shapeOf(fixture("apigw-rest-iam-sigv4-role.json")), "rest-v1");
    assert.equal(shapeOf(fixture("apigw-rest-apikey.json")), "rest-v1");
    assert.equal(shapeOf(fixture("apigw-http-jwt.json")), "http-v2");
    assert.equal(shapeOf(fixture("apigw-http-iam-cognito-identity.json")), "http-v2");
    assert.equal(shapeOf(fixture("alb-single-value-headers.json")), "alb");
    assert.equal(shapeOf(fixture("alb-multi-value-headers.json")), "alb");
    assert.equal(shapeOf(fixture("alb-healthcheck.json")), "alb");
    assert.equal(shapeOf({ hello: "world" }), undefined);
  });

  it("reads method, path, lower-case headers and query from REST v1", () => {
    const req = normalize(fixture("apigw-rest-cognito-authorizer.json"));
    assert.equal(req.shape, "rest-v1");
    assert.equal(req.method, "POST");
    assert.ok(req.path.startsWith("/"));
    for (const k of Object.keys(req.headers)) assert.equal(k, k.toLowerCase());
  });

  it("reads HTTP v2 and strips a named stage from rawPath using the gateway's stage field", () => {
    const e = fixture("apigw-http-jwt.json");
    assert.equal(normalize(e).path, "/cognito");
    assert.equal(normalize(e).method, "POST");
    e.requestContext.stage = "prod";
    e.rawPath = "/prod/notes";
    assert.equal(normalize(e).path, "/notes");
  });

  it("reads ALB single- and multi-value headers and query strings alike", () => {
    const single = normalize(fixture("alb-single-value-headers.json"));
    const multi = normalize(fixture("alb-multi-value-headers.json"));
    assert.equal(single.headers["x-myheader"], "123");
    assert.equal(multi.headers["x-myheader"], "123");
    assert.equal(single.query.key, "hello");
    assert.equal(multi.query.key, "hello");
  });

  it("decodes base64 bodies, and rejects a body over the limit with 413 before parsing", () => {
    const e = fixture("apigw-rest-cognito-authorizer.json");
    e.body = Buffer.from('{"a":1}').toString("base64");
    e.isBase64Encoded = true;
    assert.equal(normalize(e).body, '{"a":1}');
    e.body = "x".repeat(128 * 1024 + 1);
    e.isBase64Encoded = false;
    assert.throws(() => normalize(e), (err: any) => err.status === 413);
  });

  it("answers 400 to an event of no known shape", () => {
    assert.throws(() => normalize({ foo: 1 }), (err: any) => err.status === 400);
  });

  it("answers ALB events with a status line, multi-value headers when asked that way", () => {
    const single: any = respond(fixture("alb-single-value-headers.json"), { status: 404, body: { message: "x" } });
    assert.equal(single.statusDescription, "404 Not Found");
    assert.equal(single.headers["Content-Type"], "application/json");
    const multi: any = respond(fixture("alb-multi-value-headers.json"), { status: 200, body: {} });
    assert.deepEqual(multi.multiValueHeaders["Content-Type"], ["application/json"]);
    assert.equal(multi.headers, undefined);
    const rest: any = respond(fixture("apigw-rest-apikey.json"), { status: 201, body: { ok: true } });
    assert.equal(rest.statusDescription, undefined);
    assert.equal(rest.body, '{"ok":true}');
  });
});

describe("handler: routing from the shared route table", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { match } = require("../../handlers/routes");
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { API_ROUTES } = require("../../handlers/routeTable");

  it("serves every (method, path) the doors expose", () => {
    for (const r of API_ROUTES) {
      const path = r.path.replace("{id}", "11111111-1111-4111-8111-111111111111");
      const found = match(r.method, path);
      assert.equal(typeof found.fn, "function", `${r.method} ${r.path}`);
      if (r.path.includes("{id}")) assert.equal(found.params.id, "11111111-1111-4111-8111-111111111111");
    }
  });
  it("answers 404 for unknown paths and 405 with Allow for other methods", () => {
    assert.throws(() => match("GET", "/nope"), (err: any) => err.status === 404);
    assert.throws(() => match("GET", "/notesx"), (err: any) => err.status === 404);
    assert.throws(() => match("PATCH", "/notes/x"), (err: any) => err.status === 405 && err.headers.Allow === "GET, PUT, DELETE");
    assert.equal(match("GET", "/notes/").fn.name, "listNotes", "a trailing slash is the same route");
  });
});
