import * as assert from "assert";
import { LocalClient, LocalIdp, mappedAttributes, startIdp } from "../../../local/services/idp";
import { UPSTREAM_USERS } from "../../../local/services/upstream";
import { NotEmulatedYet, recordedProgram } from "../../../local/recorded";
import { loadUsers } from "../../../local/clients/seedUsers";
import { Browser, browse, signInWithCode } from "../../../local/clients/oauth";
import { runMode } from "../../support/stack";
import { AUTH_MODES } from "../../../components/config";
import { DOORS } from "../../../components/doors/registry";
import { DOOR_REPORTS } from "../../../components/doors/reportRegistry";
import { atDoor, userCredential } from "../../../local/clients/doorClient";
import { ContractContext } from "../../../local/contract/context";
import { CORP_IDP, TestDoor, useTestDoor } from "../../support/localStack";

/** A corporate OIDC IdP federated into the pool, its groups claim mapped (components/userDirectory.ts). */
const CORP = {
  name: "Corp",
  type: "OIDC",
  settings: { clientId: "notes", issuer: "https://login.corp.example" },
  attributeMapping: { email: "email", email_verified: "email_verified", name: "name" },
  groupsClaim: "groups",
};
const GOOGLE = {
  name: "Google",
  type: "Google",
  settings: { clientId: "123.apps.googleusercontent.com" },
  attributeMapping: { email: "email" },
};
const federated = (...providers: object[]) => ({
  identityProviders: providers,
  identityProviderSecrets: JSON.stringify(
    Object.fromEntries(providers.filter((p: any) => p.type !== "SAML").map((p: any) => [p.name, `${p.name}-secret`])),
  ),
});
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

describe("the local user pool federating into an upstream IdP stand-in", function () {
  this.timeout(60000);
  let idp: LocalIdp;
  let spa: LocalClient;
  const dana = UPSTREAM_USERS[0];
  const signInWith = (identityProvider: string, who = { username: dana.email, password: dana.password }) =>
    signInWithCode({
      authorizeEndpoint: idp.pools[0].authorizeEndpoint,
      tokenEndpoint: idp.pools[0].tokenEndpoint,
      clientId: spa.clientId,
      redirectUri: spa.callbackUrls[0],
      scopes: ["openid", "email"],
      ...who,
      identityProvider,
    });

  before(async () => {
    const program = recordedProgram(await runMode("cognito", federated(CORP, GOOGLE)));
    idp = await startIdp({ program, users: loadUsers() });
    spa = idp.pools[0].clients.find((c) => c.flows.includes("code") && c.identityProviders.includes("Corp"))!;
  });
  after(() => idp?.close());

  it(
    "given identity_provider=Corp, when Dana signs in at the stand-in, then the pool's tokens name a new " +
      "EXTERNAL_PROVIDER user Corp_<sub> with its own sub, the identities claim and the mapped attributes",
    async () => {
      const tokens = await signInWith("Corp");
      const id = claimsOf(tokens.id_token!);
      assert.equal(id.iss, idp.pools[0].issuer, "the pool signs, not the IdP");
      assert.equal(id["cognito:username"], `Corp_${dana.sub}`);
      assert.notEqual(id.sub, dana.sub, "the pool's own sub");
      assert.equal(id.email, dana.email);
      assert.equal(id.name, dana.name);
      assert.equal(id["custom:idp_groups"], `[${dana.groups.join(", ")}]`);
      assert.deepEqual(
        id.identities.map((i: any) => [i.userId, i.providerName, i.providerType, i.primary]),
        [[dana.sub, "Corp", "OIDC", "true"]],
      );
      assert.equal(claimsOf(tokens.access_token).sub, id.sub);
      const user = idp.pools[0].users.find((u) => u.sub === id.sub)!;
      assert.equal(user.status, "EXTERNAL_PROVIDER");
      assert.deepEqual(id["cognito:groups"], [`${idp.pools[0].poolId}_Corp`], "Cognito's automatic group of the IdP");
      assert.equal(id.email_verified, true, "mapped from the IdP's email_verified");
    },
  );

  it("given identity_provider=Google, when Dana signs in, then she is another user, Google_<sub>", async () => {
    const google = claimsOf((await signInWith("Google")).id_token!);
    const corp = claimsOf((await signInWith("Corp")).id_token!);
    assert.equal(google["cognito:username"], `Google_${dana.sub}`);
    assert.equal(google.identities[0].providerType, "Google");
    assert.notEqual(google.sub, corp.sub, "one user per provider (Cognito links them only when asked)");
    assert.equal(google.email_verified, false, "email_verified is not mapped");
  });

  it("given Dana signed in before, when she signs in again, then the pool finds the same user", async () => {
    const first = claimsOf((await signInWith("Corp")).id_token!);
    const count = idp.pools[0].users.length;
    const again = claimsOf((await signInWith("Corp")).id_token!);
    assert.equal(again.sub, first.sub);
    assert.equal(idp.pools[0].users.length, count);
  });

  it("given the pool's sign-in page, when it shows, then its Sign in with Corp link signs in there", async () => {
    const query = new URLSearchParams({
      client_id: spa.clientId,
      response_type: "code",
      redirect_uri: spa.callbackUrls[0],
      scope: "openid",
    });
    const browser = new Browser();
    let url = `${idp.pools[0].authorizeEndpoint}?${query}`;
    let page = await browser.go(url);
    while (page.headers.get("location"))
      page = await browser.go((url = new URL(page.headers.get("location")!, url).href));
    const link = /<a href="([^"]*identity_provider=Corp)">Sign in with Corp<\/a>/.exec(await page.text())?.[1];
    assert.ok(link, "the page links to the provider");
    const back = await browse(
      browser,
      new URL(link.replace(/&amp;/g, "&"), url).href,
      {
        username: dana.email,
        password: dana.password,
      },
      (l) => l.startsWith(spa.callbackUrls[0]),
    );
    assert.match(back.location ?? "", /[?&]code=/, "the link signs in at the stand-in and returns with a code");
  });

  it("given a wrong password at the stand-in, or a provider the client lacks, then no tokens", async () => {
    await assert.rejects(signInWith("Corp", { username: dana.email, password: "wrong" }), /sign-in refused \(401\)/);
    await assert.rejects(
      signInWith("Nope"),
      /400 .*identity_provider Nope is not in the app client's supportedIdentityProviders/,
    );
  });

  it("given a mapping and the IdP's claims, then attributes are strings and lists are Cognito's [a, b]", () => {
    assert.deepEqual(
      mappedAttributes(
        { email: "mail", "custom:idp_groups": "groups", name: "absent" },
        {
          mail: "x@corp.example",
          groups: ["a", "b"],
        },
      ),
      { email: "x@corp.example", "custom:idp_groups": "[a, b]" },
    );
  });

  it("given a SAML provider in the program, when local mode starts, then it refuses, naming the provider", async () => {
    const saml = {
      name: "Staff",
      type: "SAML",
      settings: { metadataUrl: "https://idp.corp.example/metadata" },
      attributeMapping: { email: "email" },
    };
    const program = recordedProgram(await runMode("cognito", federated(CORP, saml)));
    await assert.rejects(
      startIdp({ program, users: loadUsers() }),
      (e: Error) => e instanceof NotEmulatedYet && /SAML identity provider Staff/.test(e.message),
    );
  });
});

describe("a federated user's notes at every user door of one local stack", function () {
  this.timeout(60000);
  let stack: TestDoor;
  const dana = UPSTREAM_USERS[0];
  // Every door, the api-key one with its users (apiKeyWithCognito), the load balancer beside the others.
  useTestDoor((started) => (stack = started), "cognito", {
    extra: {
      doors: AUTH_MODES,
      authMode: undefined,
      ...DOOR_REPORTS["api-key"].variants.users,
      apiKeyClients: DOORS["api-key"].minimalConfig.apiKeyClients,
      albWithoutDomainName: true,
      domainCertificateArn: DOORS["alb-oidc"].minimalConfig.domainCertificateArn,
      ...CORP_IDP,
    },
  });

  it(
    "given Dana signed in through the Corp stand-in at each door with its credential (token, SigV4, session), " +
      "when she writes a note at each, then every door serves her as one sub and lists every note she wrote",
    async () => {
      const doors = AUTH_MODES.map((door) => ({ door, ctx: new ContractContext(atDoor(stack.outputs, door)) }));
      const signedIn = await Promise.all(
        doors.map(({ ctx }) =>
          userCredential(ctx.outputs, dana, {
            identityProvider: "Corp",
            region: ctx.region,
            awsEndpoint: ctx.options.awsEndpoint,
            apiKey: ctx.parties.a.key?.value,
          }),
        ),
      );
      const written: string[] = [];
      const subs = new Set<string>();
      for (const [i, { door, ctx }] of doors.entries()) {
        const me = await ctx.call("/me", { auth: signedIn[i] });
        assert.equal(me.status, 200, `${door}: ${me.text}`);
        assert.deepEqual([me.json.door, me.json.kind], [door, "user"]);
        subs.add(me.json.id);
        const note = await ctx.call("/notes", {
          method: "POST",
          auth: signedIn[i],
          body: { title: `written at ${door}`, content: "Dana, federated" },
        });
        assert.equal(note.status, 201, `${door}: ${note.text}`);
        written.push(note.json.noteId);
      }
      assert.equal(subs.size, 1, `one sub at every door: ${[...subs].join(", ")}`);
      assert.deepEqual(
        stack.idp!.pools[0].users.filter((u) => u.status === "EXTERNAL_PROVIDER").map((u) => [u.username, u.sub]),
        [[`Corp_${dana.sub}`, [...subs][0]]],
        "the pool's one user for Dana, whose sub every door serves",
      );
      for (const [i, { door, ctx }] of doors.entries()) {
        const list = await ctx.call("/notes", { auth: signedIn[i] });
        assert.equal(list.status, 200, `${door}: ${list.text}`);
        const ids = (list.json.items as { noteId: string }[]).map((n) => n.noteId);
        assert.deepEqual(
          written.filter((id) => !ids.includes(id)),
          [],
          `${door} lists every note Dana wrote`,
        );
      }
    },
  );
});
