import * as http from "http";
import type { AddressInfo } from "net";
import { NotEmulatedYet, RecordedProgram } from "../recorded";
import { html, loginAs } from "./loginPage";

/**
 * The upstream IdPs' stand-in: for each recorded `aws:cognito/identityProvider:IdentityProvider` of type OIDC or a
 * social type (Google, Facebook, SignInWithApple, LoginWithAmazon), a second OpenID provider on loopback
 * (oidc-provider, as the pool's own stand-in in idp.ts), with its own test user, that the local pool's hosted UI
 * federates into as Cognito federates into the real IdP:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation.html
 * Its client is the recorded one (`client_id`, `client_secret`, `authorize_scopes` of `providerDetails`); its issuer
 * replaces the recorded `oidc_issuer` (or Google's, …: the stand-in plays that provider, always speaking OpenID
 * Connect), as local mode replaces every recorded endpoint. A SAML provider is not emulated: local mode stops at
 * start and names it.
 */

/** A person at the upstream IdP (not a user of the pool until they sign in through it). */
export interface UpstreamUser {
  sub: string;
  email: string;
  password: string;
  name: string;
  /** What the IdP sends in its `groups` claim (a pool maps it with `groupsClaim`). */
  groups: string[];
}

/** The stand-in's one test user, whatever provider it plays. */
export const UPSTREAM_USERS: UpstreamUser[] = [
  {
    sub: "7d3c8a52-5f1e-4b7a-9c0d-2e6f4a1b8c90",
    email: "dana@corp.example",
    password: "Dana-upstream-1",
    name: "Dana Upstream",
    groups: ["engineering", "notes-readers"],
  },
];

/** A recorded identity provider of a pool, with its secret revealed (recordedProgram does). */
export interface RecordedIdentityProvider {
  poolId: string;
  name: string;
  type: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Pool attribute to the IdP's claim, as recorded (`custom:idp_groups` included when `groupsClaim` is set). */
  attributeMapping: Record<string, string>;
}

/** The identity provider types the stand-in plays (all but SAML). */
export const EMULATED_PROVIDER_TYPES = ["OIDC", "Google", "Facebook", "SignInWithApple", "LoginWithAmazon"];

/** The recorded identity providers; a SAML one (or an unknown type) stops local mode, naming it. */
export function recordedIdentityProviders(program: RecordedProgram): RecordedIdentityProvider[] {
  return program.ofType("aws:cognito/identityProvider:IdentityProvider").map((r) => {
    const type = String(r.inputs.providerType);
    if (!EMULATED_PROVIDER_TYPES.includes(type))
      throw new NotEmulatedYet(
        `the ${type} identity provider ${r.inputs.providerName} (identityProviders: local mode plays ` +
          `${EMULATED_PROVIDER_TYPES.join(", ")}; remove it, or run against AWS)`,
      );
    const details: Record<string, string> = r.inputs.providerDetails ?? {};
    return {
      poolId: String(r.inputs.userPoolId),
      name: String(r.inputs.providerName),
      type,
      clientId: String(details.client_id ?? ""),
      // Sign in with Apple signs its client assertion with `private_key`; the stand-in takes it as the secret.
      clientSecret: String(details.client_secret ?? details.private_key ?? ""),
      scopes: [
        ...new Set([
          "openid",
          ...String(details.authorize_scopes ?? "")
            .split(/[ ,]+/)
            .filter(Boolean),
        ]),
      ],
      attributeMapping: r.inputs.attributeMapping ?? {},
    };
  });
}

/** A running stand-in for one recorded provider. */
export interface Upstream {
  provider: RecordedIdentityProvider;
  /** http://127.0.0.1:<port>: `iss` of its ID tokens, in place of the recorded issuer. */
  issuer: string;
  authorizeEndpoint: string;
  users: UpstreamUser[];
  /** Exchanges the code the IdP sent to `redirectUri` for its verified ID token's claims (as Cognito does). */
  redeem(code: string, redirectUri: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in for one recorded provider, whose one client may return to `redirectUris`: `Provider` is
 * oidc-provider's class and `signingKey` its RS256 JWK (idp.ts loads and makes both, as for the pool).
 */
export async function startUpstream(
  Provider: any,
  signingKey: object,
  provider: RecordedIdentityProvider,
  redirectUris: string[],
): Promise<Upstream> {
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = UPSTREAM_USERS;
  const oidc = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: provider.clientId,
        client_secret: provider.clientSecret,
        redirect_uris: redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    scopes: provider.scopes,
    claims: { openid: ["sub", "groups"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: false,
    pkce: { required: () => false },
    findAccount: async (_ctx: unknown, sub: string) => {
      const u = users.find((x) => x.sub === sub);
      return (
        u && {
          accountId: sub,
          claims: async () => ({ sub, email: u.email, email_verified: true, name: u.name, groups: u.groups }),
        }
      );
    },
    // An IdP the person already consented to: the grant is what the pool's client asks for.
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(String(ctx.oidc.params.scope ?? "openid"));
      grant.addOIDCClaims(["sub", "email", "email_verified", "name", "groups"]);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    ttl: { AccessToken: 3600, IdToken: 3600, AuthorizationCode: 300, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  const callback = oidc.callback();
  server.on("request", (req, res) => {
    if (!req.url!.startsWith("/interaction/")) return void callback(req, res);
    void (async () => {
      try {
        await oidc.interactionDetails(req, res);
        if (req.method === "GET") {
          res
            .writeHead(200, { "content-type": "text/html; charset=utf-8" })
            .end(
              `<!doctype html><title>${html(provider.name)} (local stand-in)</title>` +
                `<h1>Sign in to ${html(provider.name)}</h1><form method="post">` +
                `<label>email <input name="email" type="email"></label>` +
                `<label>password <input name="password" type="password"></label><button>Sign in</button></form>` +
                `<p>Test users: ${users.map((u) => html(u.email)).join(", ")} (local/services/upstream.ts)</p>`,
            );
          return;
        }
        let body = "";
        for await (const chunk of req) body += chunk;
        const form = new URLSearchParams(body);
        const user = users.find(
          (u) => u.email === String(form.get("email")).trim().toLowerCase() && u.password === form.get("password"),
        );
        if (!user) return void res.writeHead(401, { "content-type": "text/plain" }).end("Wrong email or password.\n");
        await loginAs(oidc, req, res, user.sub);
      } catch (err) {
        res.writeHead(400, { "content-type": "text/plain" }).end(`${err instanceof Error ? err.message : err}\n`);
      }
    })();
  });
  // The ID token is checked as any OIDC relying party checks it: the issuer's JWKS, `iss`, `aud` = the client.
  const jose = await import("jose");
  const jwks = jose.createRemoteJWKSet(new URL(`${issuer}/jwks`));
  return {
    provider,
    issuer,
    authorizeEndpoint: `${issuer}/auth`,
    users,
    redeem: async (code, redirectUri) => {
      const res = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString("base64")}`,
        },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri }).toString(),
      });
      const tokens = (await res.json()) as { id_token?: string; error?: string; error_description?: string };
      if (!res.ok || !tokens.id_token)
        throw new Error(
          `${provider.name} refused the code: ${tokens.error ?? res.status} ${tokens.error_description ?? ""}`,
        );
      const { payload } = await jose.jwtVerify(tokens.id_token, jwks, { issuer, audience: provider.clientId });
      return payload;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
