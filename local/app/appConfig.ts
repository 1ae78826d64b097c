import type { LocalOutputs } from "../localStack";
import type { ClientCredential } from "../../components/doors/door";
import type { AppConfig } from "./appTypes";
import { signInScopes } from "../clients/doorClient";
import { ALB_LOGOUT_ROUTE } from "../../handlers/contract/routeTable";

export type { AppConfig };

/** The page reads the door's credential as components/doors/door.ts publishes it (a compile-time check). */
const sameCredential: [ClientCredential, AppConfig["credential"]] extends [AppConfig["credential"], ClientCredential]
  ? true
  : never = true;
void sameCredential;

/** The default port of the browser app (`npm start`); its origin is `http://localhost:<port>`. */
export const DEFAULT_APP_PORT = 5173;

/** The app's origin: `http://localhost` is the one plain-HTTP origin Cognito callback URLs and corsOrigins accept. */
export const appOrigin = (port: number) => `http://localhost:${port}`;

/** Where the hosted UI sends the browser back with the code. */
export const callbackUrl = (origin: string) => `${origin}/callback`;

/** Where the user pool's sign-out endpoint sends the browser back (a sign-out URL of the SPA client). */
export const logoutUrl = (origin: string) => `${origin}/`;

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === "string" && v.startsWith("[") ? JSON.parse(v) : [];
const union = (...lists: string[][]) => [...new Set(lists.flat())];

/**
 * The config overrides local mode adds so the program records the app's origin: in `corsOrigins`
 * (the gateways' preflights, the function's `Access-Control-Allow-Origin`, the bucket's CORS
 * rules) and in the SPA client's callback and sign-out URLs. `config` is the stack's config
 * (Pulumi.<stack>.yaml with `--set` overrides): its lists are kept, the app's origin added.
 */
export function appOverrides(origin: string, config: Record<string, unknown> = {}): Record<string, string[]> {
  return {
    corsOrigins: union(list(config.corsOrigins), [origin]),
    oauthCallbackUrls: union(list(config.oauthCallbackUrls), [callbackUrl(origin)]),
    oauthLogoutUrls: union(list(config.oauthLogoutUrls), [logoutUrl(origin)]),
  };
}

/** The app's view of the stack outputs, for an app served at `origin`. */
export function appConfig(outputs: LocalOutputs, origin: string): AppConfig {
  const credential = outputs.client.credential as ClientCredential;
  const idp = outputs.local.idp;
  const clientId = outputs.client.userPoolClientId ? String(outputs.client.userPoolClientId) : undefined;
  const region = String(outputs.region ?? outputs.client.region ?? "us-east-1");
  const signsIn = credential.kind === "user-token" || credential.kind === "identity-pool-sigv4";
  return {
    authMode: outputs.authMode,
    api: outputs.url.replace(/\/$/, ""),
    region,
    credential,
    ...(signsIn && idp && clientId
      ? {
          signIn: {
            authorizeEndpoint: idp.authorizeEndpoint,
            tokenEndpoint: idp.tokenEndpoint,
            clientId,
            scopes: signInScopes(outputs),
            redirectUri: callbackUrl(origin),
            // The sign-out endpoint sits beside /oauth2 on the pool's domain:
            // https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
            logoutEndpoint: new URL("../logout", idp.authorizeEndpoint).href,
            logoutUri: logoutUrl(origin),
          },
        }
      : {}),
    ...(signsIn && clientId && outputs.client.userPoolId
      ? {
          amplify: {
            userPoolId: String(outputs.client.userPoolId),
            userPoolClientId: clientId,
            ...(credential.kind === "identity-pool-sigv4" && outputs.client.identityPoolId
              ? { identityPoolId: String(outputs.client.identityPoolId) }
              : {}),
            endpoint: outputs.local.endpoints.aws,
          },
        }
      : {}),
    ...(credential.kind === "identity-pool-sigv4" && outputs.client.identityPoolId
      ? {
          identityPool: {
            id: String(outputs.client.identityPoolId),
            // The Logins key of a user pool: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-integrating-user-pools-with-identity-pools.html
            providerName: `cognito-idp.${region}.amazonaws.com/${outputs.client.userPoolId}`,
            // The local AWS endpoint answers browsers' preflights, as Cognito identity does.
            endpoint: outputs.local.endpoints.aws,
          },
        }
      : {}),
    ...(credential.kind === "alb-session"
      ? { albSignOut: `${outputs.url.replace(/\/$/, "")}${ALB_LOGOUT_ROUTE.path}` }
      : {}),
    identityProviders: (idp?.identityProviders ?? []).map(({ name, users }) => ({
      name,
      users: users.map(({ email, password }) => ({ email, password })),
    })),
    users: outputs.local.users.map(({ username, password }) => ({ username, password })),
    apiKeyClients: Object.keys((outputs.client.clients ?? {}) as Record<string, unknown>),
    tiers: (outputs.client.tiers ?? {}) as AppConfig["tiers"],
  };
}

/**
 * The app page's Content-Security-Policy: its own script and style only, and connections only to
 * the door, the user pool's token endpoint, the local AWS endpoint (the user pools and identity pool
 * APIs Amplify and the SDK call) and the local S3 (presigned uploads); no frames, no plugins, forms
 * post nowhere. https://www.w3.org/TR/CSP3/
 */
export function contentSecurityPolicy(outputs: LocalOutputs): string {
  const originOf = (u: string) => new URL(u).origin;
  const connect = [
    "'self'",
    originOf(outputs.url),
    originOf(outputs.local.endpoints.s3),
    originOf(outputs.local.endpoints.aws),
    ...(outputs.local.idp ? [originOf(outputs.local.idp.tokenEndpoint)] : []),
  ];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src ${[...new Set(connect)].join(" ")}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}
