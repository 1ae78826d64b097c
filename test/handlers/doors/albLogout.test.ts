import * as assert from "assert";
import { normalize, respond } from "../../../handlers/http/request";
import { logoutAnswer } from "../../../handlers/doors";
import { ALB_COOKIE_SHARDS } from "../../../handlers/doors/albLogout";
import { ALB_SESSION_COOKIE } from "../../../handlers/contract/doors/alb-oidc";
import { albEvent, envFor, httpEvent } from "../../support/handler";
import { createHandler } from "../../../handlers/app";
import { endSessionUrl } from "../../../components/doors/alb-oidc/component";

const POOL_LOGOUT =
  "https://notes.auth.us-east-1.amazoncognito.com/logout?client_id=albclient&logout_uri=https%3A%2F%2Fnotes.example.com%2F";

describe("handler: the alb-oidc door's logout route", () => {
  const env = envFor("alb-oidc", { ALB_LOGOUT_URL: POOL_LOGOUT });
  const logout = (event: any, at = env) => logoutAnswer(normalize(event), at);

  it("given GET /logout at the door, then every session cookie shard is expired as the load balancer set it", () => {
    const res = logout(albEvent({ method: "GET", path: "/logout" }))!;
    assert.equal(res.cookies!.length, ALB_COOKIE_SHARDS);
    res.cookies!.forEach((cookie, i) => {
      const [pair, ...attributes] = cookie.split("; ");
      assert.equal(pair, `${ALB_SESSION_COOKIE}-${i}=`);
      assert.deepEqual(attributes.sort(), [
        "Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "HttpOnly",
        "Max-Age=0",
        "Path=/",
        "Secure",
      ]);
    });
  });

  it("given a session in more shards than four, then those are expired too", () => {
    const cookie = [0, 1, 2, 3, 4].map((i) => `${ALB_SESSION_COOKIE}-${i}=x`).join("; ");
    const res = logout(albEvent({ method: "GET", path: "/logout", headers: { cookie } }))!;
    assert.equal(res.cookies!.length, 5);
  });

  it("given GET /logout, then it is a 302 to the IdP's logout endpoint the door was given", () => {
    const res = logout(albEvent({ method: "GET", path: "/logout" }))!;
    assert.deepEqual([res.status, res.headers!.Location], [302, POOL_LOGOUT]);
  });

  it("given a door without a logout URL, then the logout ends at the door's own root", () => {
    const res = logout(albEvent({ method: "GET", path: "/logout" }), envFor("alb-oidc"))!;
    assert.equal(res.headers!.Location, "/");
  });

  it("given multi-value headers, then the answer carries one Set-Cookie per shard (the target group's shape)", () => {
    const event = albEvent({ method: "GET", path: "/logout" }, undefined, true);
    const result: any = respond(event, logout(event)!);
    assert.equal(result.statusCode, 302);
    assert.equal(result.multiValueHeaders["Set-Cookie"].length, ALB_COOKIE_SHARDS);
    assert.deepEqual(result.multiValueHeaders.Location, [POOL_LOGOUT]);
  });

  it(
    "given an outside IdP's end-session URL as the component builds it (oidcEndSessionEndpoint), then the logout " +
      "sends the browser there with the load balancer's client_id and the door's root as post_logout_redirect_uri",
    () => {
      const endSession = endSessionUrl(
        "https://idp.example.com/oidc/logout",
        "alb-client",
        "https://notes.example.com/",
      );
      const res = logout(
        albEvent({ method: "GET", path: "/logout" }),
        envFor("alb-oidc", { ALB_LOGOUT_URL: endSession }),
      )!;
      const to = new URL(res.headers!.Location);
      assert.deepEqual(
        [res.status, `${to.origin}${to.pathname}`, to.searchParams.get("client_id")],
        [302, "https://idp.example.com/oidc/logout", "alb-client"],
      );
      assert.equal(to.searchParams.get("post_logout_redirect_uri"), "https://notes.example.com/");
      assert.equal(res.cookies!.length, ALB_COOKIE_SHARDS);
    },
  );

  describe("another site's page (Fetch Metadata)", () => {
    const from = (headers: Record<string, string>) => () =>
      logout(albEvent({ method: "GET", path: "/logout", headers }));
    const refused = (headers: Record<string, string>, what: RegExp) =>
      assert.throws(from(headers), (err: any) => err.status === 403 && what.test(err.message), JSON.stringify(headers));

    it("given a cross-site image, script, fetch or frame, then the logout is refused (403), no cookie expired", () => {
      refused({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" }, /image/);
      refused({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" }, /script/);
      refused({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" }, /cors/);
      refused({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" }, /iframe/);
      refused({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "embed" }, /embed/);
    });

    it("given a same-site (sibling subdomain) image, fetch or frame, then the logout is refused (403) too", () => {
      refused({ "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" }, /image/);
      refused({ "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" }, /no-cors/);
      refused({ "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" }, /iframe/);
    });

    it("given a prefetch (Sec-Purpose, or Chrome's older Purpose), from any page, then the logout is refused", () => {
      refused({ "sec-purpose": "prefetch", "sec-fetch-site": "same-origin", "sec-fetch-dest": "empty" }, /prefetch/);
      refused({ "sec-purpose": "prefetch;prerender", "sec-fetch-site": "none", "sec-fetch-mode": "navigate" }, /pref/);
      refused({ purpose: "prefetch", "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }, /prefetch/);
      refused({ purpose: "Prefetch" }, /prefetch/);
    });

    it(
      "given a top-level navigation from another site (a link) or a same-site page (the browser app's " +
        "location.assign), any request of the door's own pages, a typed URL, or no Fetch Metadata, then it is " +
        "the logout",
      () => {
        for (const headers of <Record<string, string>[]>[
          { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
          { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
          { "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
          { "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate" },
          { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" },
          { "sec-fetch-site": "none", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
          {},
        ])
          assert.equal(from(headers)()!.status, 302, JSON.stringify(headers));
      },
    );

    it("given the handler, then a refused logout is a 403 answer without Set-Cookie", async () => {
      const event = albEvent({
        method: "GET",
        path: "/logout",
        headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
      });
      const untouched = () => Promise.reject(new Error("a logout touches no storage"));
      const result: any = await createHandler({
        env,
        store: { get: untouched } as any,
        presign: untouched,
        removeObjects: untouched,
        maxAttachmentBytes: 1,
        now: () => new Date(),
        newId: () => "x",
        log: () => undefined,
      })(event);
      assert.equal(result.statusCode, 403);
      assert.equal(JSON.stringify(result).includes(`${ALB_SESSION_COOKIE}-0=`), false);
    });
  });

  it("given another method, path or door, then it is no logout (the API's router answers)", () => {
    assert.equal(logout(albEvent({ method: "POST", path: "/logout" })), undefined);
    assert.equal(logout(albEvent({ method: "GET", path: "/me" })), undefined);
    assert.equal(logout(httpEvent({ method: "GET", path: "/logout" }), envFor("http-jwt")), undefined);
  });
});
