import * as assert from "assert";
import * as crypto from "crypto";
import { authorization, combine, doorToken, withHeader } from "../../clients/doorClient";
import { Check, notAbout } from "../check";
import { expectStatus } from "../context";
import type { DoorFacts } from "../facts";
import { titles } from "../helpers";

/** The API key checks are about doors that ask for an API key. */
const keyDoor = (facts: DoorFacts) =>
  facts.apiKey ? undefined : notAbout(facts, "doors that ask for an API key (client.credential)");

/** API Gateway's API keys: a missing or unknown key, each application its own principal, a key with a user's token. */
export const API_KEY_CHECKS: Check[] = [
  {
    id: "apikey-missing-or-unknown",
    title:
      "given a request with no API key or with a key the API does not have, when it calls the door, then API " +
      "Gateway answers 403 Forbidden and nothing is written",
    whyNotAbout: keyDoor,
    async run(ctx) {
      const user = ctx.parties.a.user;
      // With apiKeyWithCognito, a valid token goes along: the key alone is what is missing.
      const token = user
        ? [withHeader("authorization", authorization(ctx.outputs, doorToken(ctx.outputs, await ctx.signIn(user))))]
        : [];
      const title = `keyless ${crypto.randomUUID()}`;
      for (const [what, key] of [
        ["no key", undefined],
        ["an unknown key", crypto.randomBytes(20).toString("hex")],
      ] as const) {
        const auth = combine(...token, ...(key ? [withHeader("x-api-key", key)] : []));
        const r = await ctx.call("/notes", { method: "POST", auth, body: { title, content: "x" } });
        expectStatus(r, 403, what);
        assert.equal(r.json?.message, "Forbidden", what);
      }
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "nothing was written");
    },
  },
  {
    id: "apikey-principals",
    title:
      "given two applications' keys, when each calls /me, then each is its own principal, apikey:<its key id>, " +
      "and neither is admin",
    whyNotAbout: keyDoor,
    skip: (ctx) =>
      ctx.takesTokens ? "with apiKeyWithCognito the token, not the key, identifies the caller" : undefined,
    async run(ctx) {
      for (const p of [ctx.parties.a, ctx.parties.b]) {
        const me = await ctx.call("/me", { auth: await ctx.as(p) });
        expectStatus(me, 200, `${p.label}'s /me`);
        assert.deepEqual([me.json.id, me.json.kind, me.json.isAdmin], [`apikey:${p.key!.keyId}`, "machine", false]);
      }
    },
  },
  {
    id: "apikey-with-token",
    title:
      "given apiKeyWithCognito, when a caller sends the key without a token, then the authorizer answers 401; a " +
      "token without the key gets 403 Forbidden",
    whyNotAbout: keyDoor,
    skip: (ctx) => (ctx.takesTokens ? undefined : "the door asks for no token (apiKeyWithCognito is off)"),
    async run(ctx) {
      expectStatus(
        await ctx.call("/me", { auth: withHeader("x-api-key", ctx.parties.a.key!.value) }),
        401,
        "a key without a token",
      );
      const r = await ctx.call("/me", {
        auth: authorization(ctx.outputs, doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!))),
      });
      expectStatus(r, 403, "a token without a key");
      assert.equal(r.json?.message, "Forbidden");
    },
  },
];
