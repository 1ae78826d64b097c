import * as assert from "assert";
import { HttpError, ServiceUnavailable, errorResponse } from "../../../handlers/http/errors";

describe("typed HTTP errors", () => {
  it(
    "given a cause (ErrorOptions, as Powertools' errors take it), then the error keeps it for the log while " +
      "the client sees only the status and the message",
    () => {
      const cause = new Error("connect ECONNREFUSED 127.0.0.1:8000");
      const err = new ServiceUnavailable(undefined, 2, { cause });
      assert.equal(err.cause, cause);
      assert.ok(err instanceof HttpError);
      assert.equal(err.name, "ServiceUnavailable");
      const res = errorResponse(err);
      assert.deepEqual(res, {
        status: 503,
        body: { message: "storage is not answering; try again" },
        headers: { "Retry-After": "2" },
      });
      assert.ok(!JSON.stringify(res).includes("ECONNREFUSED"));
    },
  );

  it("given anything that is no HttpError, then a bare 500 that says nothing of it", () => {
    assert.deepEqual(errorResponse(new Error("secret detail")), {
      status: 500,
      body: { message: "internal error" },
      headers: {},
    });
  });
});
