import * as assert from "assert";
import { TokenBucket, matchTemplate, proxyResult } from "../../../local/gateways/http";

describe("local gateways: routing, throttling, proxy results", () => {
  it("given literal and parameter paths, when a path matches both, then the literal one wins and parameters are read", () => {
    const paths = ["/notes", "/notes/{id}", "/notes/{id}/attachment", "/notes/shared", "/{proxy+}"];
    assert.deepEqual(matchTemplate(paths, "/notes/shared"), { template: "/notes/shared", params: {} });
    assert.deepEqual(matchTemplate(paths, "/notes/42"), { template: "/notes/{id}", params: { id: "42" } });
    assert.deepEqual(matchTemplate(paths, "/notes/42/attachment"), { template: "/notes/{id}/attachment", params: { id: "42" } });
    assert.deepEqual(matchTemplate(paths, "/a/b/c"), { template: "/{proxy+}", params: { proxy: "a/b/c" } });
    assert.equal(matchTemplate(["/notes"], "/notes/1"), undefined);
  });

  it("given a token bucket of burst 2 and rate 1/s, when 3 requests come at once, then the third waits a second", () => {
    let t = 0;
    const bucket = new TokenBucket(1, 2, () => t);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
    t = 1000;
    assert.equal(bucket.take(), true);
  });

  it("given Lambda proxy results, when mapped, then REST needs a statusCode and HTTP APIs take a bare body as 200 JSON", () => {
    assert.equal(proxyResult({ body: "x" }, "1.0"), undefined, "REST: malformed");
    assert.equal(proxyResult({ hello: 1 }, "2.0")?.status, 200);
    const r = proxyResult({ statusCode: 201, headers: { "Content-Type": "application/json" }, body: Buffer.from("{}").toString("base64"), isBase64Encoded: true }, "1.0")!;
    assert.equal(r.status, 201);
    assert.equal(r.body.toString(), "{}");
    assert.equal(r.headers["content-type"], "application/json");
  });
});
