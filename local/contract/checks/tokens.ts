import * as assert from "assert";
import * as crypto from "crypto";
import type { ClientCredential } from "../../../components/doors/door";
import { authorization, doorToken, machineSignIn, userTokenKind } from "../../clients/doorClient";
import { decodeJwt } from "../../clients/oauth";
import { Check, notAbout } from "../check";
import { ContractContext, expectStatus } from "../context";
import { DoorFacts, whoChecks } from "../facts";
import { titles } from "../helpers";

let ownKey: crypto.KeyObject | undefined;

/** A token signed by a key of our own, with the header and claims of a genuine one. */
function forge(token: string): string {
  const [header, payload] = token.split(".");
  const privateKey = (ownKey ??= crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
  const signature = crypto.sign("sha256", Buffer.from(`${header}.${payload}`), privateKey).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The same token with one signature byte changed. */
function tamper(token: string): string {
  const [h, p, s] = token.split(".");
  const sig = Buffer.from(s, "base64url");
  sig[sig.length >> 1] ^= 0xff;
  return `${h}.${p}.${sig.toString("base64url")}`;
}

const refused = (r: { status: number; text: string }, what: string) =>
  assert.ok(r.status === 401, `${what}: expected 401, got ${r.status} ${r.text.slice(0, 200)}`);

/** Where the checks of a door that takes no bearer token are, by what its clients present instead. */
function instead(credential: ClientCredential): string {
  switch (credential.kind) {
    case "identity-pool-sigv4":
      return "SigV4: see the iam-* checks";
    case "alb-session":
      return "a session cookie: see the alb-* checks";
    case "api-key":
      return "an API key: see the api-key checks";
    case "user-token":
      return "a bearer token: see the checks above";
    default: {
      const unknown: never = credential;
      throw new Error(`unknown credential ${JSON.stringify(unknown)}`);
    }
  }
}

/** Why the token checks cannot run: the door takes no bearer token. */
const tokenDoor = (ctx: ContractContext) =>
  ctx.takesTokens ? undefined : `the ${ctx.mode} door takes no bearer token (${instead(ctx.facts.credential)})`;

/** The scope checks are about doors whose authorizer checks each route's scopes. */
const scopedRoutes = (facts: DoorFacts) =>
  facts.authorizer === "jwt"
    ? undefined
    : notAbout(
        facts,
        "doors whose authorizer checks each route's scopes (client.routeScopes)",
        whoChecks(facts.authorizer),
      );

/** A check that a door's genuine token, altered by `alter`, is refused with 401. */
function alteredTokenCheck(id: string, given: string, alter: (token: string) => string): Check {
  return {
    id,
    title: `given ${given}, when it is presented, then the door answers 401`,
    skip: tokenDoor,
    async run(ctx) {
      const real = doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!));
      refused(await ctx.call("/notes", { auth: ctx.withToken(alter(real)) }), id);
    },
  };
}

/**
 * The user pool's tokens and OAuth's: forged, tampered, expired, another client's, the other kind
 * of token, a route's scopes, the machine client's token. Listed at every door; a door that takes
 * no bearer token skips them.
 */
export const TOKEN_CHECKS: Check[] = [
  alteredTokenCheck(
    "forged-token",
    "a token signed by a key of the caller's own (same header and claims as a real one)",
    forge,
  ),
  alteredTokenCheck("tampered-signature", "a genuine token with one signature byte changed", tamper),
  {
    id: "expired-token",
    title: "given a genuine token of the pool whose exp has passed, when it is presented, then the door answers 401",
    skip: (ctx) =>
      tokenDoor(ctx) ??
      (ctx.outputs.local?.idp
        ? undefined
        : "needs the local pool's expired-copy endpoint (a deployed pool's tokens live at least 5 minutes)"),
    async run(ctx) {
      const real = doorToken(ctx.outputs, await ctx.signIn(ctx.parties.a.user!));
      const res = await fetch(ctx.outputs.local!.idp!.expiredCopyEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: real }),
      });
      const { token } = (await res.json()) as { token: string };
      assert.ok(decodeJwt(token).exp * 1000 < Date.now(), "the copy has expired");
      refused(await ctx.call("/notes", { auth: ctx.withToken(token) }), "expired token");
    },
  },
  {
    id: "other-client-token",
    title:
      "given a token that another app client of the same user pool got for the user, when it is presented, then " +
      "the door answers 401 (the gateway's audience check at http-jwt, the authorizer's at lambda-authorizer, " +
      "the handler's at cognito)",
    skip: (ctx) =>
      tokenDoor(ctx) ??
      (ctx.outputs.local?.idp ? undefined : "needs a second app client of the pool (local mode adds one)"),
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.parties.a.user!, { clientId: ctx.outputs.local!.idp!.otherClientId });
      refused(
        await ctx.call("/notes", { auth: ctx.withToken(doorToken(ctx.outputs, tokens)) }),
        "another client's token",
      );
    },
  },
  {
    id: "wrong-token-type",
    title:
      "given the other token of the same sign-in, when it is presented, then the door refuses it: 401 where the " +
      "ID or the access token is required, 403 at http-jwt (an ID token has none of the route's scopes)",
    skip: tokenDoor,
    async run(ctx) {
      const tokens = await ctx.signIn(ctx.parties.a.user!);
      const wantsId = userTokenKind(ctx.outputs)!.token === "id";
      const r = await ctx.call("/notes", { auth: ctx.withToken(wantsId ? tokens.access_token : tokens.id_token!) });
      expectStatus(r, ctx.facts.authorizer === "jwt" ? 403 : 401, "the other kind of token");
    },
  },
  {
    id: "read-only-token",
    title:
      "given an access token with only notes/read, when it lists and then creates a note, then the list is 200 " +
      "and the write is refused by the gateway with 403",
    whyNotAbout: scopedRoutes,
    async run(ctx) {
      const read = String(ctx.outputs.client.scopes?.read ?? "notes/read");
      const auth = authorization(ctx.outputs, (await ctx.signIn(ctx.parties.a.user!, { scopes: [read] })).access_token);
      expectStatus(await ctx.call("/notes", { auth }), 200, "list with notes/read");
      const title = `read-only ${crypto.randomUUID()}`;
      const r = await ctx.call("/notes", { method: "POST", auth, body: { title, content: "x" } });
      expectStatus(r, 403, "create with notes/read only");
      assert.deepEqual(r.json, { message: "Forbidden" }, "the gateway's own 403");
      assert.ok(!(await titles(ctx, ctx.parties.a)).includes(title), "nothing was written");
    },
  },
  {
    id: "machine-client",
    title:
      "given the machine client's client-credentials token, when it calls /me and creates a note, then it is " +
      "client:<id>, a machine, and it may write; /admin/stats follows its scopes",
    skip: (ctx) => (ctx.outputs.client.machineClientId ? undefined : "the stack has no machine client (m2mClient)"),
    async run(ctx) {
      const tokens = await machineSignIn(ctx.outputs);
      const auth = authorization(ctx.outputs, tokens.access_token);
      const me = await ctx.call("/me", { auth });
      expectStatus(me, 200, "the machine's /me");
      assert.equal(me.json.id, `client:${ctx.outputs.client.machineClientId}`);
      assert.equal(me.json.kind, "machine");
      expectStatus(
        await ctx.call("/notes", { method: "POST", auth, body: { title: "from a machine", content: "x" } }),
        201,
        "a machine creates a note",
      );
      const admin = String(ctx.outputs.client.scopes?.admin ?? "notes/admin");
      expectStatus(
        await ctx.call("/admin/stats", { auth }),
        String(tokens.scope ?? "")
          .split(" ")
          .includes(admin)
          ? 200
          : 403,
        "the machine on /admin/stats",
      );
    },
  },
];
