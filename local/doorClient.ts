import type { AuthMode } from "../handlers/authModes";
import type { LocalOutputs } from "./localStack";
import { TokenSet, clientCredentials, signInWithCode } from "./oauth";
import type { SeedUser } from "./seedUsers";

/**
 * How a client calls each door, as the README's "Calling each door" says, from the stack
 * outputs alone: which token the door expects, how it is sent, and how to get it.
 */

/** Stack outputs as a client reads them (`.local/outputs.json`, or a deployed stack's). */
export type StackOutputs = Pick<LocalOutputs, "authMode" | "url" | "client" | "secrets"> & { local?: LocalOutputs["local"] };

/** Local mode for these doors comes in "Local mode, part 2". */
export class DoorNotLocalYet extends Error {
  constructor(mode: string) {
    super(`local mode for the ${mode} door comes in "Local mode, part 2"; today it serves cognito and http-jwt`);
    this.name = "DoorNotLocalYet";
  }
}

/** What a user presents at a door that takes user pool tokens. */
export interface UserTokenKind {
  /** Which token of the sign-in the door takes. */
  token: "id" | "access";
  /** How it goes in the Authorization header. */
  scheme: "raw" | "bearer";
}

/**
 * - cognito: the ID token, as is (`Authorization: <idToken>`);
 * - http-jwt: an access token with the notes scopes, as a bearer token.
 */
export function userTokenKind(mode: AuthMode): UserTokenKind {
  switch (mode) {
    case "cognito":
      return { token: "id", scheme: "raw" };
    case "http-jwt":
      return { token: "access", scheme: "bearer" };
    case "iam":
    case "api-key":
    case "alb-oidc":
    case "lambda-authorizer":
      throw new DoorNotLocalYet(mode);
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown authMode ${unreachable}`);
    }
  }
}

/** The scopes a sign-in asks for: OpenID, plus the door's API scopes when it checks scopes. */
export function signInScopes(outputs: StackOutputs, only?: string[]): string[] {
  const api = only ?? Object.values((outputs.client.scopes ?? {}) as Record<string, string>);
  return ["openid", "email", "profile", ...api];
}

/** The local user pool's sign-in endpoints and the app client's callback, from outputs.json. */
function codeFlowOf(outputs: StackOutputs, clientId: string) {
  const idp = outputs.local?.idp;
  if (!idp) throw new Error("outputs.json has no local identity provider (is this a local stack of a door with a user pool?)");
  const client = idp.clients.find((c) => c.clientId === clientId);
  const redirectUri = client?.callbackUrls[0] ?? idp.clients.find((c) => c.callbackUrls.length)?.callbackUrls[0];
  if (!redirectUri) throw new Error(`no callback URL for client ${clientId}`);
  return { authorizeEndpoint: idp.authorizeEndpoint, tokenEndpoint: idp.tokenEndpoint, redirectUri };
}

/** A user's tokens from the door's app client (or `clientId`), through the code flow with PKCE. */
export function signIn(outputs: StackOutputs, user: Pick<SeedUser, "email" | "password">, opts: { clientId?: string; scopes?: string[] } = {}): Promise<TokenSet> {
  const clientId = opts.clientId ?? String(outputs.client.userPoolClientId);
  return signInWithCode({ ...codeFlowOf(outputs, clientId), clientId, scopes: signInScopes(outputs, opts.scopes), username: user.email, password: user.password });
}

/** The machine client's access token (client credentials), when the stack has one. */
export function machineSignIn(outputs: StackOutputs, scopes: string[] = []): Promise<TokenSet> {
  const clientId = outputs.client.machineClientId;
  const secret = outputs.secrets.machineClientSecret;
  if (!clientId || !secret) throw new Error("this stack has no machine client (m2mClient: true at http-jwt)");
  return clientCredentials(String(outputs.local?.idp?.tokenEndpoint ?? outputs.client.tokenEndpoint), String(clientId), String(secret), scopes);
}

/** The token of a sign-in this door takes. */
export function doorToken(mode: AuthMode, tokens: TokenSet): string {
  const token = userTokenKind(mode).token === "id" ? tokens.id_token : tokens.access_token;
  if (!token) throw new Error("the sign-in gave no such token");
  return token;
}

/** The Authorization header value for a token at this door. */
export function authorization(mode: AuthMode, token: string): string {
  return userTokenKind(mode).scheme === "bearer" ? `Bearer ${token}` : token;
}
