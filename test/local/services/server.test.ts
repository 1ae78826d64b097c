import * as assert from "assert";
import { LocalAwsServer, listenForAws } from "../../../local/services/server";
import { jsonError, jsonReply } from "../../../local/services/protocol";

describe("the local AWS endpoint", () => {
  let server: LocalAwsServer;
  before(async () => {
    server = await listenForAws(0, () => undefined);
    server.add(async (req) =>
      req.headers["x-amz-target"] === "Test.Fail" ? jsonError("NotAuthorizedException", "no") : jsonReply({ ok: true }),
    );
  });
  after(() => server.close());

  it(
    "given a browser's preflight for a JSON-protocol call, when it reaches the endpoint, then any origin may " +
      "send the headers it asks for",
    async () => {
      const res = await fetch(server.origin, {
        method: "OPTIONS",
        headers: {
          origin: "http://localhost:5173",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,x-amz-target,x-amz-user-agent,cache-control",
        },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(
        res.headers.get("access-control-allow-headers"),
        "content-type,x-amz-target,x-amz-user-agent,cache-control",
      );
      assert.match(String(res.headers.get("access-control-allow-methods")), /POST/);
    },
  );

  it(
    "given a call from a page, when it is answered (or refused), then the page may read the answer and its " +
      "error type; a call without an origin gets no CORS headers",
    async () => {
      const from = (target: string, origin?: string) =>
        fetch(server.origin, {
          method: "POST",
          headers: {
            "x-amz-target": target,
            "content-type": "application/x-amz-json-1.1",
            ...(origin ? { origin } : {}),
          },
          body: "{}",
        });
      const refused = await from("Test.Fail", "http://localhost:5173");
      assert.equal(refused.status, 400);
      assert.equal(refused.headers.get("access-control-allow-origin"), "*");
      assert.match(String(refused.headers.get("access-control-expose-headers")), /x-amzn-errortype/);
      assert.equal((await from("Test.Ok")).headers.get("access-control-allow-origin"), null);
    },
  );
});
