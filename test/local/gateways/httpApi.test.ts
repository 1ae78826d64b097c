import * as assert from "assert";
import { corsPreflight, withCors } from "../../../local/gateways/httpApi";

describe("local gateways: HTTP API CORS", () => {
  const cors = {
    allowOrigins: ["https://app.example.com"],
    allowMethods: ["GET", "POST"],
    allowHeaders: ["authorization"],
    maxAge: 600,
  };

  it("given a preflight, when the origin is listed, then the configuration's headers come back; otherwise none", () => {
    const ok = corsPreflight(cors, "https://app.example.com");
    assert.equal(ok.status, 204);
    assert.deepEqual(ok.headers, {
      "access-control-allow-origin": "https://app.example.com",
      "access-control-allow-methods": "GET,POST",
      "access-control-allow-headers": "authorization",
      "access-control-max-age": "600",
    });
    assert.deepEqual(corsPreflight(cors, "https://evil.example").headers, {});
  });

  it(
    "given an integration's own CORS headers, when the API has a CORS configuration, then they are replaced " +
      "by the configuration's",
    () => {
      const reply = withCors(cors, "https://evil.example", {
        status: 200,
        headers: { "access-control-allow-origin": "*", "content-type": "application/json" },
        body: Buffer.alloc(0),
      });
      assert.deepEqual(reply.headers, { "content-type": "application/json" });
    },
  );
});
