import * as assert from "assert";
import { normalize, respond, shapeOf } from "../../../handlers/http/request";
import { eventSources, load, ownFixture } from "../../support/events";

describe("handler: event normalization", () => {
  for (const source of eventSources()) {
    const x = source.samples;
    describe(`on ${source.label}`, () => {
      it("recognizes each payload by its shape", () => {
        for (const sample of [x.restIdToken, x.restGroups, x.restIamRole, x.restApiKey])
          assert.equal(shapeOf(load(source, sample.file)), "rest-v1", sample.file);
        for (const sample of [x.httpIdToken, x.httpIam])
          assert.equal(shapeOf(load(source, sample.file)), "http-v2", sample.file);
        for (const sample of [x.albSingle, x.albMulti, x.albHealthCheck])
          assert.equal(shapeOf(load(source, sample.file)), "alb", sample.file);
        assert.equal(shapeOf({ hello: "world" }), undefined);
      });

      it("reads method, path, lower-case headers and query from REST v1", () => {
        const e = load(source, x.restIdToken.file);
        const req = normalize(e);
        assert.equal(req.shape, "rest-v1");
        assert.equal(req.method, e.httpMethod);
        assert.ok(req.path.startsWith("/"));
        for (const k of Object.keys(req.headers)) assert.equal(k, k.toLowerCase());
      });

      it("reads HTTP v2 and strips a named stage from rawPath using the gateway's stage field", () => {
        const e = load(source, x.httpIdToken.file);
        assert.equal(normalize(e).path, x.httpIdToken.path);
        assert.equal(normalize(e).method, x.httpIdToken.method);
        e.requestContext.stage = "prod";
        e.rawPath = "/prod/notes";
        assert.equal(normalize(e).path, "/notes");
      });

      it("reads ALB single- and multi-value headers and query strings alike", () => {
        const single = normalize(load(source, x.albSingle.file));
        const multi = normalize(load(source, x.albMulti.file));
        assert.equal(single.headers[x.albSingle.header[0]], x.albSingle.header[1]);
        assert.equal(multi.headers[x.albMulti.header[0]], x.albMulti.header[1]);
        assert.equal(single.query[x.albSingle.query[0]], x.albSingle.query[1]);
        assert.equal(multi.query[x.albMulti.query[0]], x.albMulti.query[1]);
      });

      it("answers ALB events with a status line, multi-value headers when asked that way", () => {
        const single: any = respond(load(source, x.albSingle.file), { status: 404, body: { message: "x" } });
        assert.equal(single.statusDescription, "404 Not Found");
        assert.equal(single.headers["Content-Type"], "application/json");
        const multi: any = respond(load(source, x.albMulti.file), { status: 200, body: {} });
        assert.deepEqual(multi.multiValueHeaders["Content-Type"], ["application/json"]);
        assert.equal(multi.headers, undefined);
        const rest: any = respond(load(source, x.restApiKey.file), { status: 201, body: { ok: true } });
        assert.equal(rest.statusDescription, undefined);
        assert.equal(rest.body, '{"ok":true}');
      });
    });
  }

  it("decodes base64 bodies, and rejects a body over the limit with 413 before parsing", () => {
    const e = ownFixture("rest-cognito-authorizer.json");
    e.body = Buffer.from('{"a":1}').toString("base64");
    e.isBase64Encoded = true;
    assert.equal(normalize(e).body, '{"a":1}');
    e.body = "x".repeat(128 * 1024 + 1);
    e.isBase64Encoded = false;
    assert.throws(
      () => normalize(e),
      (err: any) => err.status === 413,
    );
  });

  it("answers 400 to an event of no known shape", () => {
    assert.throws(
      () => normalize({ foo: 1 }),
      (err: any) => err.status === 400,
    );
  });
});
