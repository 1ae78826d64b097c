import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { GatewayReply } from "../../gateways/http";
import {
  IssuedTokens,
  LocalClient,
  LocalIdp,
  LocalUser,
  LocalUserPool,
  RefreshGrant,
  findUser,
  passwordPolicyMessage,
  tokenDigest,
} from "../idp";
import { jsonError, jsonReply } from "../protocol";
import { claimSignature, signatureMatches, srpChallenge, srpPoolName } from "./srp";
import { totpMatches, newTotpSecret } from "./totp";
import { PreTokenGenerationFailed } from "./preTokenGeneration";
import type { TriggerSource } from "../../../handlers/preTokenGeneration";
import { MAPPABLE_ATTRIBUTES } from "../../../awsRules/federation";

/**
 * The user pools API that a pool's own users call, unsigned (no SigV4: the app client id names the pool), as
 * amazon-cognito-identity-js and Amplify speak it, for the recorded pool and app clients (their auth flows, token
 * validities, MFA and self sign-up settings, attributes):
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResendConfirmationCode.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmForgotPassword.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html
 * Errors are Cognito's `__type` names and messages (each page's Errors section).
 */

export const PUBLIC_OPERATIONS = [
  "InitiateAuth",
  "RespondToAuthChallenge",
  "SignUp",
  "ConfirmSignUp",
  "ResendConfirmationCode",
  "ForgotPassword",
  "ConfirmForgotPassword",
  "GetUser",
  "GlobalSignOut",
  "UpdateUserAttributes",
  "RevokeToken",
  "GetTokensFromRefreshToken",
  "AssociateSoftwareToken",
  "VerifySoftwareToken",
  "SetUserMFAPreference",
];

/** The file under the data folder where codes sent to users are written (one line each), beside the log. */
export const CODES_FILE = "user-pool-codes.txt";

/** A challenge in progress (between InitiateAuth and RespondToAuthChallenge): Cognito's `Session`, 3 minutes. */
interface Challenge {
  poolId: string;
  clientId: string;
  /** Undefined for an unknown user whose sign-in fails at the password step (preventUserExistenceErrors). */
  sub?: string;
  name: string;
  /** The SRP session key (PASSWORD_VERIFIER). */
  key?: Buffer;
  /** MFA_SETUP: set once VerifySoftwareToken accepted the user's first code. */
  verified?: boolean;
  exp: number;
}

const SESSION_SECONDS = 180;

export interface UserPoolPublicDeps {
  idp(): LocalIdp | undefined;
  log(line: string): void;
}

type Reply = GatewayReply | Promise<GatewayReply>;
type Body = Record<string, any>;

const now = () => Math.floor(Date.now() / 1000);
const incorrect = () => jsonError("NotAuthorizedException", "Incorrect username or password.");

/** Answers the public operations; `operation` is one of PUBLIC_OPERATIONS. */
export function userPoolPublicApi(deps: UserPoolPublicDeps): (operation: string, body: Body) => Promise<GatewayReply> {
  const challenges = new Map<string, Challenge>();
  const startChallenge = (c: Omit<Challenge, "exp">, key = crypto.randomBytes(48).toString("base64")) => {
    for (const [k, v] of challenges) if (v.exp < now()) challenges.delete(k);
    challenges.set(key, { ...c, exp: now() + SESSION_SECONDS });
    return key;
  };

  return async (operation, body) => {
    const idp = deps.idp();
    if (!idp) return jsonError("ResourceNotFoundException", "the stack has no user pool");
    const ctx: Ctx = { idp, log: deps.log, challenges, startChallenge };
    if (["GetUser", "GlobalSignOut"].includes(operation) || (body.AccessToken && !body.Session))
      return withAccessToken(ctx, operation, body);
    // During sign-in (MFA_SETUP) these take the challenge's Session, and no ClientId.
    if (["AssociateSoftwareToken", "VerifySoftwareToken"].includes(operation))
      return softwareTokenBySession(ctx, operation, body);
    const found = clientById(idp, String(body.ClientId ?? ""));
    if (!found) return jsonError("ResourceNotFoundException", `User pool client ${body.ClientId} does not exist.`);
    return byClient(ctx, operation, body, found.pool, found.client);
  };
}

interface Ctx {
  idp: LocalIdp;
  log(line: string): void;
  challenges: Map<string, Challenge>;
  startChallenge(c: Omit<Challenge, "exp">, key?: string): string;
}

function clientById(idp: LocalIdp, clientId: string): { pool: LocalUserPool; client: LocalClient } | undefined {
  for (const pool of idp.pools) {
    const client = pool.clients.find((c) => c.clientId === clientId);
    if (client) return { pool, client };
  }
  return undefined;
}

/**
 * SECRET_HASH for a client with a secret: Base64(HMAC-SHA256(secret, username + clientId)).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
 */
function secretHashRefusal(client: LocalClient, username: string, given: unknown): GatewayReply | undefined {
  if (!client.secret) return undefined;
  if (!given)
    return jsonError(
      "NotAuthorizedException",
      `Client ${client.clientId} is configured for secret but secret was not received`,
    );
  const expected = crypto
    .createHmac("sha256", client.secret)
    .update(username + client.clientId)
    .digest("base64");
  return signatureMatches(expected, String(given))
    ? undefined
    : jsonError("NotAuthorizedException", `Unable to verify secret hash for client ${client.clientId}`);
}

/** The client's ALLOW_* value for an InitiateAuth flow. */
const FLOW_PERMISSIONS: Record<string, string> = {
  USER_SRP_AUTH: "ALLOW_USER_SRP_AUTH",
  USER_PASSWORD_AUTH: "ALLOW_USER_PASSWORD_AUTH",
  REFRESH_TOKEN_AUTH: "ALLOW_REFRESH_TOKEN_AUTH",
  REFRESH_TOKEN: "ALLOW_REFRESH_TOKEN_AUTH",
  CUSTOM_AUTH: "ALLOW_CUSTOM_AUTH",
};

function byClient(ctx: Ctx, operation: string, body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  switch (operation) {
    case "InitiateAuth":
      return initiateAuth(ctx, body, pool, client);
    case "RespondToAuthChallenge":
      return respond(ctx, body, pool, client);
    case "SignUp":
      return signUp(ctx, body, pool, client);
    case "RevokeToken":
      return revokeToken(body, pool, client);
    case "GetTokensFromRefreshToken":
      return getTokensFromRefreshToken(ctx, body, pool, client);
    default:
      return codes(ctx, operation, body, pool, client);
  }
}

function initiateAuth(ctx: Ctx, body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  const flow = String(body.AuthFlow ?? "");
  const params: Record<string, string> = body.AuthParameters ?? {};
  if (!FLOW_PERMISSIONS[flow]) return jsonError("InvalidParameterException", "Initiate Auth method not supported.");
  if (!client.authFlows.includes(FLOW_PERMISSIONS[flow]))
    return jsonError("InvalidParameterException", `${flow} flow not enabled for this client`);
  if (flow === "CUSTOM_AUTH")
    return jsonError("InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.");
  if (flow === "REFRESH_TOKEN_AUTH" || flow === "REFRESH_TOKEN")
    return refreshTokenAuth(ctx, String(params.REFRESH_TOKEN ?? ""), pool, client, (user) =>
      secretHashRefusal(client, user.username, params.SECRET_HASH),
    );
  const name = String(params.USERNAME ?? "");
  if (!name) return jsonError("InvalidParameterException", "Missing required parameter USERNAME");
  const refused = secretHashRefusal(client, name, params.SECRET_HASH);
  if (refused) return refused;
  const user = findUser(pool, name);
  if (flow === "USER_PASSWORD_AUTH") {
    if (!user) return unknownUser(client);
    if (user.password !== params.PASSWORD) return incorrect();
    return afterPassword(ctx, pool, client, user);
  }
  // USER_SRP_AUTH: the PASSWORD_VERIFIER challenge, with Cognito's SRP (srp.ts).
  if (!params.SRP_A) return jsonError("InvalidParameterException", "Missing required parameter SRP_A");
  if (!user && !client.hidesUnknownUsers) return unknownUser(client);
  const userId = user?.username ?? name;
  let challenge;
  try {
    // An unknown user gets a challenge no password answers, so the refusal comes where a wrong password's does.
    challenge = srpChallenge(
      srpPoolName(pool.poolId),
      userId,
      user?.password ?? crypto.randomBytes(16).toString("hex"),
      params.SRP_A,
    );
  } catch {
    return jsonError("InvalidParameterException", "Invalid SRP_A value");
  }
  const secretBlock = ctx.startChallenge({
    poolId: pool.poolId,
    clientId: client.clientId,
    sub: user?.sub,
    name: userId,
    key: challenge.key,
  });
  return jsonReply({
    ChallengeName: "PASSWORD_VERIFIER",
    ChallengeParameters: {
      SALT: challenge.salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: challenge.B,
      USERNAME: userId,
      USER_ID_FOR_SRP: userId,
    },
  });
}

/** An unknown user: hidden as a wrong password when the client prevents user existence errors. */
const unknownUser = (client: LocalClient) =>
  client.hidesUnknownUsers ? incorrect() : jsonError("UserNotFoundException", "User does not exist.");

/** The step after a correct password: confirmation, a new password, MFA, or the tokens. */
function afterPassword(
  ctx: Ctx,
  pool: LocalUserPool,
  client: LocalClient,
  user: LocalUser,
  source?: TriggerSource,
): Reply {
  if (user.status === "UNCONFIRMED") return jsonError("UserNotConfirmedException", "User is not confirmed.");
  const base = { poolId: pool.poolId, clientId: client.clientId, sub: user.sub, name: user.username };
  if (user.status === "FORCE_CHANGE_PASSWORD")
    return jsonReply({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: ctx.startChallenge(base),
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: "[]",
        userAttributes: JSON.stringify({ email: user.email, email_verified: "true" }),
      },
    });
  // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html: with MFA ON every user
  // answers a code (one without an authenticator app sets it up first); with OPTIONAL, those who enabled one.
  if (user.totp?.verified && (user.totp.enabled || pool.mfa === "ON") && pool.mfa !== "OFF")
    return jsonReply({
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: ctx.startChallenge(base),
      ChallengeParameters: { USER_ID_FOR_SRP: user.username },
    });
  if (pool.mfa === "ON")
    return jsonReply({
      ChallengeName: "MFA_SETUP",
      Session: ctx.startChallenge(base),
      ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: user.username },
    });
  return tokens(ctx, pool, client, user, undefined, source);
}

/**
 * The tokens of a sign-in or a refresh. The pool's pre token generation trigger runs first (at `source`; by default
 * TokenGeneration_Authentication, or RefreshTokens when refreshing); when it fails, so does the sign-in, as Cognito
 * answers: UserLambdaValidationException.
 */
async function tokens(
  ctx: Ctx,
  pool: LocalUserPool,
  client: LocalClient,
  user: LocalUser,
  refreshing?: RefreshGrant,
  source?: TriggerSource,
) {
  let result: IssuedTokens;
  try {
    result = await ctx.idp.issueTokens(pool, client, user, refreshing, source);
  } catch (err) {
    if (err instanceof PreTokenGenerationFailed) return jsonError("UserLambdaValidationException", err.message);
    throw err;
  }
  return jsonReply({ AuthenticationResult: result, ChallengeParameters: {} });
}

/**
 * New ID and access tokens for a refresh token: InitiateAuth's REFRESH_TOKEN_AUTH (the client's secret as
 * SECRET_HASH) and GetTokensFromRefreshToken (the secret itself, ClientSecret), which Amplify v6 refreshes with.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
 */
async function refreshTokenAuth(
  ctx: Ctx,
  token: string,
  pool: LocalUserPool,
  client: LocalClient,
  secretRefusal: (user: LocalUser) => GatewayReply | undefined,
): Promise<GatewayReply> {
  if (pool.revokedTokens.has(tokenDigest(token)))
    return jsonError("NotAuthorizedException", "Refresh Token has been revoked");
  const grant: RefreshGrant | undefined = await pool.refreshTokens.find(token);
  if (!grant || grant.clientId !== client.clientId) return jsonError("NotAuthorizedException", "Invalid Refresh Token");
  const user = pool.users.find((u) => u.sub === grant.sub);
  if ((user?.signedOutAt ?? -1) >= grant.iat)
    return jsonError("NotAuthorizedException", "Refresh Token has been revoked");
  if (grant.exp <= now()) return jsonError("NotAuthorizedException", "Refresh Token has expired");
  if (!user || user.status !== "CONFIRMED") return jsonError("NotAuthorizedException", "User does not exist.");
  const refused = secretRefusal(user);
  if (refused) return refused;
  // A refresh answers new ID and access tokens, not a new refresh token (Cognito does not rotate them by default).
  return tokens(ctx, pool, client, user, grant);
}

function getTokensFromRefreshToken(ctx: Ctx, body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  if (!client.authFlows.includes(FLOW_PERMISSIONS.REFRESH_TOKEN_AUTH))
    return jsonError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client");
  if (!body.RefreshToken)
    return jsonError(
      "InvalidParameterException",
      "1 validation error detected: Value null at 'refreshToken' failed to satisfy constraint: Member must not be null",
    );
  return refreshTokenAuth(ctx, String(body.RefreshToken), pool, client, () =>
    !client.secret || signatureMatches(client.secret, String(body.ClientSecret ?? ""))
      ? undefined
      : jsonError("NotAuthorizedException", `Unable to verify secret hash for client ${client.clientId}`),
  );
}

/** The challenge a Session or SECRET_BLOCK names, for this client (undefined when expired or another's). */
function challengeOf(ctx: Ctx, key: unknown, client: LocalClient): Challenge | undefined {
  const c = ctx.challenges.get(String(key ?? ""));
  return c && c.clientId === client.clientId && c.exp >= now() ? c : undefined;
}

const invalidSession = () => jsonError("NotAuthorizedException", "Invalid session for the user, session is expired.");

/** InvalidPasswordException with Cognito's wording, when the password breaks the pool's policy. */
function passwordRefusal(pool: LocalUserPool, password: string): GatewayReply | undefined {
  const message = passwordPolicyMessage(pool.passwordPolicy, password);
  return message ? jsonError("InvalidPasswordException", message) : undefined;
}

async function respond(ctx: Ctx, body: Body, pool: LocalUserPool, client: LocalClient): Promise<GatewayReply> {
  const answers: Record<string, string> = body.ChallengeResponses ?? {};
  const name = String(body.ChallengeName ?? "");
  const key = name === "PASSWORD_VERIFIER" ? answers.PASSWORD_CLAIM_SECRET_BLOCK : body.Session;
  const challenge = challengeOf(ctx, key, client);
  if (!challenge) return invalidSession();
  const user = pool.users.find((u) => u.sub === challenge.sub);
  const refused = secretHashRefusal(client, String(answers.USERNAME ?? ""), answers.SECRET_HASH);
  if (refused) return refused;
  switch (name) {
    case "PASSWORD_VERIFIER": {
      ctx.challenges.delete(String(key));
      const expected = claimSignature(
        challenge.key!,
        srpPoolName(pool.poolId),
        challenge.name,
        String(answers.PASSWORD_CLAIM_SECRET_BLOCK),
        String(answers.TIMESTAMP ?? ""),
      );
      if (!user || !signatureMatches(expected, String(answers.PASSWORD_CLAIM_SIGNATURE ?? ""))) return incorrect();
      return afterPassword(ctx, pool, client, user);
    }
    case "NEW_PASSWORD_REQUIRED": {
      if (!user || user.status !== "FORCE_CHANGE_PASSWORD") return invalidSession();
      const password = String(answers.NEW_PASSWORD ?? "");
      const weak = passwordRefusal(pool, password);
      if (weak) return weak;
      ctx.challenges.delete(String(key));
      user.password = password;
      user.status = "CONFIRMED";
      return afterPassword(ctx, pool, client, user, "TokenGeneration_NewPasswordChallenge");
    }
    case "SOFTWARE_TOKEN_MFA": {
      if (!user?.totp?.verified) return invalidSession();
      if (!totpMatches(user.totp.secret, String(answers.SOFTWARE_TOKEN_MFA_CODE ?? "")))
        return jsonError("CodeMismatchException", "Invalid code received for user");
      ctx.challenges.delete(String(key));
      return tokens(ctx, pool, client, user);
    }
    case "MFA_SETUP": {
      if (!user || !challenge.verified) return invalidSession();
      ctx.challenges.delete(String(key));
      return tokens(ctx, pool, client, user);
    }
    default:
      return jsonError("InvalidParameterException", `Unsupported challenge ${name}`);
  }
}

/** AssociateSoftwareToken and VerifySoftwareToken during sign-in (MFA_SETUP), by the challenge's Session. */
function softwareTokenBySession(ctx: Ctx, operation: string, body: Body): GatewayReply {
  const challenge = ctx.challenges.get(String(body.Session ?? ""));
  const pool = challenge && ctx.idp.pools.find((p) => p.poolId === challenge.poolId);
  const user = challenge && challenge.exp >= now() ? pool?.users.find((u) => u.sub === challenge.sub) : undefined;
  if (!challenge || !user) return invalidSession();
  if (operation === "AssociateSoftwareToken") {
    user.totp = { secret: newTotpSecret(), verified: false };
    return jsonReply({ SecretCode: user.totp.secret, Session: body.Session });
  }
  if (!user.totp || !totpMatches(user.totp.secret, String(body.UserCode ?? "")))
    return jsonError("EnableSoftwareTokenMFAException", "Code mismatch");
  user.totp.verified = true;
  user.totp.enabled = true;
  challenge.verified = true;
  return jsonReply({ Status: "SUCCESS", Session: body.Session });
}

/** The attributes a client may read (all when it names none), as GetUser answers them. */
function attributesOf(user: LocalUser, client: LocalClient | undefined) {
  const all = [
    ...Object.entries(user.attributes ?? {})
      .filter(([name]) => !["sub", "email", "email_verified"].includes(name))
      .map(([Name, Value]) => ({ Name, Value })),
    { Name: "sub", Value: user.sub },
    { Name: "email", Value: user.email },
    { Name: "email_verified", Value: "true" },
  ];
  const readable = client?.readAttributes;
  return readable ? all.filter((a) => a.Name === "sub" || readable.includes(a.Name)) : all;
}

/** The operations a signed-in user makes with an access token of the pool (scope aws.cognito.signin.user.admin). */
async function withAccessToken(ctx: Ctx, operation: string, body: Body): Promise<GatewayReply> {
  const token = String(body.AccessToken ?? "");
  let claims: Record<string, any> | undefined;
  let pool: LocalUserPool | undefined;
  for (const p of ctx.idp.pools) {
    claims = await ctx.idp.verifyToken(p, token);
    if (claims) {
      pool = p;
      break;
    }
  }
  if (!claims || !pool || claims.token_use !== "access")
    return jsonError("NotAuthorizedException", "Invalid Access Token");
  if (
    !String(claims.scope ?? "")
      .split(" ")
      .includes("aws.cognito.signin.user.admin")
  )
    return jsonError("NotAuthorizedException", "Access Token does not have required scopes");
  const user = pool.users.find((u) => u.sub === claims!.sub);
  if (!user) return jsonError("UserNotFoundException", "User does not exist.");
  const revokedSession = pool.revokedOrigins.has(String(claims.origin_jti));
  if ((user.signedOutAt ?? -1) >= claims.iat || revokedSession)
    return jsonError("NotAuthorizedException", "Access Token has been revoked");
  const client = pool.clients.find((c) => c.clientId === claims!.client_id);
  switch (operation) {
    case "GetUser":
      return jsonReply({
        Username: user.username,
        UserAttributes: attributesOf(user, client),
        ...(user.totp?.enabled
          ? { UserMFASettingList: ["SOFTWARE_TOKEN_MFA"], PreferredMfaSetting: "SOFTWARE_TOKEN_MFA" }
          : {}),
      });
    case "GlobalSignOut": {
      // Every refresh token of the user stops working, and so do the access tokens issued until now.
      user.signedOutAt = now();
      ctx.log(`user pool ${pool.poolId}: ${user.email} signed out globally`);
      return jsonReply({});
    }
    case "AssociateSoftwareToken":
      user.totp = { secret: newTotpSecret(), verified: false };
      return jsonReply({ SecretCode: user.totp.secret });
    case "VerifySoftwareToken":
      if (!user.totp || !totpMatches(user.totp.secret, String(body.UserCode ?? "")))
        return jsonError("EnableSoftwareTokenMFAException", "Code mismatch");
      user.totp.verified = true;
      return jsonReply({ Status: "SUCCESS" });
    case "UpdateUserAttributes":
      return updateUserAttributes(pool, client, user, body);
    case "SetUserMFAPreference": {
      const wanted = body.SoftwareTokenMfaSettings;
      if (wanted?.Enabled && !user.totp?.verified)
        return jsonError("InvalidParameterException", "User has not verified software token mfa");
      if (wanted && user.totp) user.totp.enabled = Boolean(wanted.Enabled) || pool.mfa === "ON";
      return jsonReply({});
    }
    default:
      return jsonError("InvalidParameterException", `${operation} takes a ClientId`);
  }
}

/**
 * The standard attributes a user may change themselves (their `sub`, `username`, `identities`, the verified flags
 * and `cognito:` attributes are Cognito's). https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
 */
const SELF_WRITABLE = MAPPABLE_ATTRIBUTES.filter(
  (a) => !["username", "email_verified", "phone_number_verified"].includes(a),
);

/**
 * UpdateUserAttributes: a user writes their own attributes with an access token of scope
 * aws.cognito.signin.user.admin, each one the app client may write (WriteAttributes). Without WriteAttributes the
 * client's page names the standard attributes; the local pool lets the pool's custom attributes be written too, the
 * worst case a trigger reading them must withstand (a user writing `custom:idp_groups`). A changed email would need
 * verification, which is not emulated.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html (WriteAttributes)
 */
function updateUserAttributes(pool: LocalUserPool, client: LocalClient | undefined, user: LocalUser, body: Body) {
  const attributes: { Name?: unknown; Value?: unknown }[] = Array.isArray(body.UserAttributes)
    ? body.UserAttributes
    : [];
  const known = [...SELF_WRITABLE, ...pool.customAttributes] as string[];
  for (const { Name } of attributes) {
    const name = String(Name);
    if (!known.includes(name)) return jsonError("InvalidParameterException", "Attribute does not exist in the schema.");
    if (client?.writeAttributes && !client.writeAttributes.includes(name))
      return jsonError("NotAuthorizedException", "A client attempted to write unauthorized attribute");
    if (name === "email") return jsonError("InvalidParameterException", "local mode does not change a user's email");
  }
  user.attributes = {
    ...user.attributes,
    ...Object.fromEntries(attributes.map((a) => [String(a.Name), String(a.Value ?? "")])),
  };
  return jsonReply({ CodeDeliveryDetailsList: [] });
}

function revokeToken(body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  if (!client.tokenRevocation)
    return jsonError("UnsupportedOperationException", "Token revocation is not enabled for this client.");
  if (client.secret && !signatureMatches(client.secret, String(body.ClientSecret ?? "")))
    return jsonError("UnauthorizedException", "Client authentication failed.");
  const token = String(body.Token ?? "");
  if (token.split(".").length === 3)
    return jsonError("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.");
  return (async () => {
    const grant = await pool.refreshTokens.find(token);
    if (grant && grant.clientId !== client.clientId)
      return jsonError("UnauthorizedException", "Client authentication failed.");
    if (grant) await pool.refreshTokens.revoke(token);
    // As RFC 7009 answers: success, also for a token that was unknown or already revoked.
    return jsonReply({});
  })();
}

/** Cognito's masked destination of a code sent by email (`a***@e***`). */
const masked = (email: string) => email.replace(/^(.)[^@]*@(.).*$/, "$1***@$2***");

/** Sends a code to the user: the log and CODES_FILE under the data folder, where a developer reads it. */
function deliver(ctx: Ctx, pool: LocalUserPool, user: LocalUser, purpose: "SIGN_UP" | "FORGOT_PASSWORD") {
  const value = String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
  // Sign-up codes last 24 hours, password reset codes 1 hour:
  // https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
  user.code = { purpose, value, exp: now() + (purpose === "SIGN_UP" ? 86400 : 3600) };
  const line = `${new Date().toISOString()} ${pool.poolId} ${user.email} ${purpose} ${value}`;
  const what = purpose === "SIGN_UP" ? "confirmation" : "password reset";
  ctx.log(`user pool ${pool.poolId}: ${what} code for ${user.email}: ${value} (also in ${CODES_FILE})`);
  if (ctx.idp.dataDir) fs.appendFileSync(path.join(ctx.idp.dataDir, CODES_FILE), `${line}\n`, { mode: 0o600 });
  return { CodeDeliveryDetails: { Destination: masked(user.email), DeliveryMedium: "EMAIL", AttributeName: "email" } };
}

function signUp(ctx: Ctx, body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  if (!pool.selfSignUp) return jsonError("NotAuthorizedException", "SignUp is not permitted for this user pool");
  const name = String(body.Username ?? "").trim();
  const refused = secretHashRefusal(client, name, body.SecretHash);
  if (refused) return refused;
  const attributes: { Name: string; Value: string }[] = body.UserAttributes ?? [];
  const unwritable = attributes.find((a) => client.writeAttributes && !client.writeAttributes.includes(a.Name));
  if (unwritable) return jsonError("NotAuthorizedException", "A client attempted to write unauthorized attribute");
  const email = pool.signsInWithEmail ? name : (attributes.find((a) => a.Name === "email")?.Value ?? "");
  if (pool.signsInWithEmail && !/^[^@\s]+@[^@\s]+$/.test(name))
    return jsonError("InvalidParameterException", "Username should be an email.");
  if (findUser(pool, name) || (email && findUser(pool, email)))
    return jsonError(
      "UsernameExistsException",
      pool.signsInWithEmail ? "An account with the given email already exists." : "User already exists",
    );
  const weak = passwordRefusal(pool, String(body.Password ?? ""));
  if (weak) return weak;
  const sub = crypto.randomUUID();
  // With email as the sign-in name, Cognito names the user by a generated id (here its sub).
  const user: LocalUser = {
    username: pool.signsInWithEmail ? sub : name,
    email,
    password: String(body.Password),
    sub,
    groups: [],
    status: "UNCONFIRMED",
  };
  pool.users.push(user);
  ctx.log(`user pool ${pool.poolId}: ${email || name} signed up`);
  return jsonReply({ UserConfirmed: false, UserSub: sub, ...deliver(ctx, pool, user, "SIGN_UP") });
}

/** ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword: the codes sent by deliver(). */
function codes(ctx: Ctx, operation: string, body: Body, pool: LocalUserPool, client: LocalClient): Reply {
  const name = String(body.Username ?? "");
  const refused = secretHashRefusal(client, name, body.SecretHash);
  if (refused) return refused;
  const user = findUser(pool, name);
  if (!user) return jsonError("UserNotFoundException", "Username/client id combination not found.");
  const codeRefusal = (purpose: string) => {
    if (!user.code || user.code.purpose !== purpose || user.code.value !== String(body.ConfirmationCode ?? ""))
      return jsonError("CodeMismatchException", "Invalid verification code provided, please try again.");
    if (user.code.exp <= now())
      return jsonError("ExpiredCodeException", "Invalid code provided, please request a code again.");
    return undefined;
  };
  switch (operation) {
    case "ConfirmSignUp": {
      if (user.status !== "UNCONFIRMED")
        return jsonError("NotAuthorizedException", `User cannot be confirmed. Current status is ${user.status}`);
      const wrong = codeRefusal("SIGN_UP");
      if (wrong) return wrong;
      user.status = "CONFIRMED";
      user.code = undefined;
      ctx.log(`user pool ${pool.poolId}: ${user.email} confirmed`);
      return jsonReply({});
    }
    case "ResendConfirmationCode":
      if (user.status !== "UNCONFIRMED") return jsonError("InvalidParameterException", "User is already confirmed.");
      return jsonReply(deliver(ctx, pool, user, "SIGN_UP"));
    case "ForgotPassword":
      if (user.status !== "CONFIRMED")
        return jsonError(
          "InvalidParameterException",
          "Cannot reset password for the user as there is no registered/verified email or phone_number",
        );
      return jsonReply(deliver(ctx, pool, user, "FORGOT_PASSWORD"));
    case "ConfirmForgotPassword": {
      const wrong = codeRefusal("FORGOT_PASSWORD");
      if (wrong) return wrong;
      const weak = passwordRefusal(pool, String(body.Password ?? ""));
      if (weak) return weak;
      user.password = String(body.Password);
      user.code = undefined;
      return jsonReply({});
    }
    default:
      return jsonError("InvalidParameterException", `${operation} is not served`);
  }
}
