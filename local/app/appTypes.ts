/**
 * What the browser app knows about the stack: the public part of `.local/outputs.json` (never a
 * secret: no client secret, no API key value), in the shape the app's script reads from
 * `/config.json`.
 */
export interface AppConfig {
  authMode: string;
  /** The door's base URL, without a trailing slash. */
  api: string;
  region: string;
  /** The door's `client.credential` output (ClientCredential of components/doors/door.ts; appConfig.ts checks). */
  credential:
    | { kind: "user-token"; token: "id" | "access"; scheme: "raw" | "bearer"; apiKey: boolean }
    | { kind: "identity-pool-sigv4" }
    | { kind: "api-key" }
    | { kind: "alb-session" };
  /** The hosted UI's authorization-code flow with PKCE (the SPA client; no secret). */
  signIn?: {
    authorizeEndpoint: string;
    tokenEndpoint: string;
    clientId: string;
    scopes: string[];
    redirectUri: string;
    /** The user pool's sign-out endpoint (`/logout`) and the app's registered sign-out URL it redirects back to. */
    logoutEndpoint: string;
    logoutUri: string;
  };
  /**
   * Amplify JS v6's settings (SRP sign-in through the user pools API): the pool, the SPA client, the `iam` door's
   * identity pool, and the endpoint of both APIs (`userPoolEndpoint`, `identityPoolEndpoint`: the local AWS endpoint).
   */
  amplify?: { userPoolId: string; userPoolClientId: string; identityPoolId?: string; endpoint: string };
  /** `iam`: the identity pool, its Logins key for the user pool, and and the Cognito identity endpoint. */
  identityPool?: { id: string; providerName: string; endpoint: string };
  /**
   * `alb-oidc`: the door's logout route (ALB_LOGOUT_ROUTE), which expires the load balancer's session cookie and sends
   * the browser to the user pool's logout: the page cannot end that HttpOnly cookie itself.
   */
  albSignOut?: string;
  /**
   * The identity providers federated into the pool that the outputs list (local mode: each one's stand-in, with its
   * test users as a hint): a "Sign in with <name>" button each, `identity_provider=<name>` on the authorize endpoint.
   */
  identityProviders: { name: string; users: { email: string; password: string }[] }[];
  /** The local test users (local mode prints them too), as a hint on the sign-in page. */
  users: { username: string; password: string }[];
  /** `api-key`: the names of the stack's API key clients (their values stay out of the page). */
  apiKeyClients: string[];
  /** The door's published tiers (lambda-authorizer: each a usage plan, picked by group). */
  tiers: Record<string, { group?: string }>;
}
