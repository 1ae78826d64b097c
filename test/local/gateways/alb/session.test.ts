import * as assert from "assert";
import { SessionCodec, cookiesOf, joinShards, shardCookies } from "../../../../local/gateways/alb/session";

describe("local gateways: the load balancer's session cookie", () => {
  const codec = new SessionCodec();
  const session = {
    claims: { sub: "s", email: "a@example.com", pad: "x".repeat(9000) },
    accessToken: "a.b.c",
    exp: 2_000_000_000,
  };

  it(
    "given a large session, when it is set, then it comes back in 4 KB shards <name>-0, -1, … that join " +
      "into the session",
    () => {
      const cookies = shardCookies("notes-auth-session", codec.seal(session));
      assert.ok(cookies.length >= 3, `${cookies.length} shards`);
      assert.ok(
        cookies.every(
          (c, i) => c.startsWith(`notes-auth-session-${i}=`) && c.includes("Secure") && c.includes("HttpOnly"),
        ),
      );
      const header = cookies.map((c) => c.split(";")[0]).join("; ");
      assert.deepEqual(
        codec.open(
          joinShards(cookiesOf({ method: "GET", path: "/", headers: { cookie: header } }), "notes-auth-session")!,
        ),
        session,
      );
    },
  );

  it(
    "given a session cookie, when one character changes or another load balancer's key opened it, then it " +
      "is no session",
    () => {
      const value = codec.seal(session);
      const at = value.length >> 1;
      assert.equal(
        codec.open(`${value.slice(0, at)}${value[at] === "A" ? "B" : "A"}${value.slice(at + 1)}`),
        undefined,
      );
      assert.equal(new SessionCodec().open(value), undefined);
    },
  );
});
