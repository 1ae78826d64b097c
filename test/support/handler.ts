import * as crypto from "crypto";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readEnv, HandlerEnv } from "../../handlers/env";
import { createHandler, HandlerDeps } from "../../handlers/app";
import { DynamoNotesStore, NotesStore } from "../../handlers/notes/store";
import { DynamoClient } from "../../handlers/notes/dynamo";
import type { Clock, RetryPolicy } from "../../handlers/notes/aws";
import { AlbIdentityVerifier } from "../../handlers/doors/albVerifier";
import { AlbSigningKey, newAlbKey, signAlbData } from "../../local/gateways/alb/albToken";
import { NOTES_KEY_SCHEMA, startDynalite as startLocalDynamo } from "../../local/services/dynamo";
import { ownFixture } from "./events";
import { gatewayClaimStrings } from "../../awsRules/gatewayClaims";

export const POOL_ID = "us-east-1_Notes1234";
export const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
export const SPA_CLIENT = "spaclient0000000000000000";
export const M2M_CLIENT = "machineclient000000000000";
export const ALB_ARN =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/notes-alb/0123456789abcdef";
export const ALB_CLIENT = "albclient00000000000000000";
export const IDENTITY_POOL_ID = "us-east-1:0a1b2c3d-6666-4e5f-8a9b-0c1d2e3f4a5b";
export const ADMIN_ROLE_ARN = "arn:aws:iam::123456789012:role/notes-admin-role";
export const USER_A = "11111111-1111-4111-8111-111111111111";
export const USER_B = "22222222-2222-4222-8222-222222222222";

/** Handler environment for a door, as the infrastructure sets it. */
export function envFor(mode: HandlerEnv["authMode"], extra: Record<string, string> = {}): HandlerEnv {
  return readEnv({
    NOTES_TABLE: "notes",
    ATTACHMENTS_BUCKET: "notes-attachments",
    AWS_REGION: "us-east-1",
    AUTH_MODE: mode,
    ADMIN_GROUP: "admins",
    USER_POOL_ID: POOL_ID,
    COGNITO_ISSUER: ISSUER,
    CORS_ALLOWED_ORIGINS: "https://app.example.com",
    ...(mode === "cognito" ? { ALLOWED_CLIENT_IDS: SPA_CLIENT } : {}),
    ...(mode === "http-jwt" ? { ALLOWED_CLIENT_IDS: `${SPA_CLIENT},${M2M_CLIENT}`, ADMIN_SCOPE: "notes/admin" } : {}),
    ...(mode === "iam" ? { IAM_ADMIN_ROLE_ARN: ADMIN_ROLE_ARN, IAM_IDENTITY_POOL_ID: IDENTITY_POOL_ID } : {}),
    ...(mode === "api-key" ? { ADMIN_API_KEY_IDS: "opskey123" } : {}),
    ...(mode === "alb-oidc" ? { ALB_ARN, ALB_ISSUER: ISSUER, ALB_CLIENT_ID: ALB_CLIENT } : {}),
    ...(mode === "lambda-authorizer" ? { ADMIN_SCOPE: "notes/admin" } : {}),
    ...extra,
  });
}

export interface Call {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

const bodyText = (body: unknown) =>
  body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body);
const jsonHeaders = (c: Call) => ({
  ...(c.body !== undefined ? { "Content-Type": "application/json" } : {}),
  ...c.headers,
});

/**
 * A REST v1 proxy event (from our Cognito-authorizer fixture) for a request. With `claims` (an
 * ID token's payload), the event carries what API Gateway does: the token in the Authorization
 * header and its claims flattened to strings under requestContext.authorizer.claims.
 */
export function restEvent(
  c: Call,
  context: { claims?: Record<string, unknown>; identity?: Record<string, unknown> } = {},
): any {
  const e = ownFixture("rest-cognito-authorizer.json");
  e.httpMethod = c.method;
  e.path = c.path;
  e.resource = c.path;
  e.headers = { ...jsonHeaders(c), ...(context.claims ? { Authorization: idToken(context.claims) } : {}) };
  e.multiValueHeaders = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, [v]]));
  e.queryStringParameters = c.query ?? null;
  e.multiValueQueryStringParameters = c.query
    ? Object.fromEntries(Object.entries(c.query).map(([k, v]) => [k, [v]]))
    : null;
  e.body = bodyText(c.body);
  e.isBase64Encoded = false;
  e.requestContext.httpMethod = c.method;
  // As API Gateway gives it: the path the client called, the stage included (/v1/notes).
  e.requestContext.path = `/${e.requestContext.stage}${c.path}`;
  e.requestContext.authorizer = context.claims ? { claims: gatewayClaimStrings(context.claims, "rest") } : null;
  e.requestContext.identity = { ...e.requestContext.identity, ...(context.identity ?? {}) };
  return e;
}

/** A JWT-shaped token carrying `payload` (API Gateway verified it; the handler only reads it back). */
export function idToken(payload: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64({ kid: "test", alg: "RS256" })}.${b64(payload)}.c2lnbmF0dXJl`;
}

/** ID-token claims of a user of our SPA client. */
export function idClaims(sub: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub,
    aud: SPA_CLIENT,
    token_use: "id",
    iss: ISSUER,
    "cognito:username": sub,
    email: `${sub.slice(0, 4)}@example.com`,
    jti: `jti-${sub}`,
    exp: 1764046800,
    iat: 1764043200,
    ...extra,
  };
}

/** An HTTP API payload 2.0 event (from our JWT-authorizer fixture). */
export function httpEvent(c: Call, jwt?: { claims: Record<string, unknown>; scopes: string[] | null }): any {
  const e = ownFixture("http-jwt.json");
  e.rawPath = c.path;
  e.routeKey = `${c.method} ${c.path}`;
  e.rawQueryString = new URLSearchParams(c.query ?? {}).toString();
  e.queryStringParameters = c.query;
  e.headers = Object.fromEntries(Object.entries(jsonHeaders(c)).map(([k, v]) => [k.toLowerCase(), v]));
  e.body = bodyText(c.body) ?? undefined;
  e.isBase64Encoded = false;
  e.requestContext.http.method = c.method;
  e.requestContext.http.path = c.path;
  e.requestContext.routeKey = e.routeKey;
  if (jwt) e.requestContext.authorizer = { jwt };
  else delete e.requestContext.authorizer;
  return e;
}

/** Access-token claims of a Cognito user of the SPA client. */
export function accessClaims(
  sub: string,
  scopes: string[],
  extra: Record<string, unknown> = {},
): { claims: Record<string, unknown>; scopes: string[] | null } {
  return {
    claims: {
      sub,
      client_id: SPA_CLIENT,
      token_use: "access",
      iss: ISSUER,
      username: sub,
      scope: scopes.join(" "),
      ...extra,
    },
    scopes: null,
  };
}

/** Client-credentials access-token claims of the machine client. */
export function machineClaims(
  scopes: string[],
  extra: Record<string, unknown> = {},
): { claims: Record<string, unknown>; scopes: string[] | null } {
  return {
    claims: {
      sub: M2M_CLIENT,
      client_id: M2M_CLIENT,
      token_use: "access",
      iss: ISSUER,
      scope: scopes.join(" "),
      ...extra,
    },
    scopes: null,
  };
}

/** An ALB target event (from our single- or multi-value fixtures). */
export function albEvent(c: Call, oidcData?: string, multi = false): any {
  const e = ownFixture(multi ? "alb-multi-value.json" : "alb-single-value.json");
  e.httpMethod = c.method;
  e.path = c.path;
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, v]) => [k, String(v)])),
    ...Object.fromEntries(Object.entries(jsonHeaders(c)).map(([k, v]) => [k.toLowerCase(), v])),
  };
  if (multi) {
    headers.accept = "*/*";
    for (const [k, v] of Object.entries(e.multiValueHeaders)) headers[k] ??= (v as string[])[0];
  }
  if (oidcData) {
    headers["x-amzn-oidc-data"] = oidcData;
    headers["x-amzn-oidc-identity"] = "spoofable";
  }
  if (multi) {
    e.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
    e.multiValueQueryStringParameters = Object.fromEntries(Object.entries(c.query ?? {}).map(([k, v]) => [k, [v]]));
  } else {
    e.headers = headers;
    e.queryStringParameters = c.query ?? {};
  }
  e.body = bodyText(c.body) ?? "";
  e.isBase64Encoded = false;
  return e;
}

/** An ES256 key pair standing in for the ALB's regional signing key. */
export const albKey = (kid?: string) => newAlbKey(kid);

/** Signs an x-amzn-oidc-data token the way the ALB does, with this suite's defaults. */
export function signAlbToken(
  key: AlbSigningKey,
  opts: {
    sub?: string;
    signer?: string;
    client?: string;
    iss?: string;
    exp?: number;
    alg?: string;
    claims?: Record<string, unknown>;
  } = {},
): string {
  return signAlbData(key, {
    signer: opts.signer ?? ALB_ARN,
    client: opts.client ?? ALB_CLIENT,
    iss: opts.iss ?? ISSUER,
    exp: opts.exp ?? Math.floor(Date.now() / 1000) + 60,
    alg: opts.alg,
    claims: { sub: opts.sub ?? USER_A, email: "a@example.com", ...opts.claims },
  });
}

/** A key fetcher serving PEMs by kid from memory, counting calls; unknown kids fail like a 404. */
export function memoryKeyFetcher(keys: { kid: string; pem: string }[]) {
  const fetcher = {
    calls: 0,
    async fetch(uri: string): Promise<ArrayBuffer> {
      fetcher.calls++;
      const kid = decodeURIComponent(uri.split("/").pop()!);
      const key = keys.find((k) => k.kid === kid);
      if (!key) throw new Error(`404 for ${uri}`);
      const bytes = Buffer.from(key.pem);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  };
  return fetcher;
}

/** A store that records calls and fails the test if the handler touches it. */
export function forbiddenStore(): NotesStore & { calls: string[] } {
  const calls: string[] = [];
  const no = (name: string) => async () => {
    calls.push(name);
    throw new Error(`the store was called (${name})`);
  };
  return {
    calls,
    create: no("create"),
    get: no("get"),
    list: no("list"),
    update: no("update"),
    addAttachment: no("addAttachment"),
    remove: no("remove"),
    stats: no("stats"),
  } as any;
}

/** dynalite on a loopback port with the notes table (userId, noteId), plus a client for it. */
export async function startDynalite(): Promise<{
  endpoint: string;
  client: DynamoDBClient;
  table: string;
  close: () => Promise<void>;
}> {
  const local = await startLocalDynamo();
  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const table = "notes";
  await client.send(new CreateTableCommand({ TableName: table, BillingMode: "PAY_PER_REQUEST", ...NOTES_KEY_SCHEMA }));
  return {
    endpoint: local.endpoint,
    client,
    table,
    close: () => {
      client.destroy();
      return local.close();
    },
  };
}

/**
 * The handler's own DynamoDB client at an endpoint (dynalite or a stand-in), with test credentials and optionally a
 * short policy.
 */
export function dynamoAt(endpoint: string, policy?: Partial<RetryPolicy>, clock?: Clock): DynamoClient {
  return new DynamoClient({
    endpoint,
    region: "us-east-1",
    credentials: () => ({ accessKeyId: "test", secretAccessKey: "test" }),
    policy,
    clock,
  });
}

/** The notes store over the table "notes" at an endpoint. */
export function storeAt(endpoint: string, policy?: Partial<RetryPolicy>, clock?: Clock): DynamoNotesStore {
  return new DynamoNotesStore("notes", dynamoAt(endpoint, policy, clock));
}

/** A handler over dynalite (or `opts.store`) for a door, with a fake presigner and an optional ALB verifier. */
export function handlerFor(
  mode: HandlerEnv["authMode"],
  db: { endpoint: string } | undefined,
  opts: {
    alb?: AlbIdentityVerifier;
    env?: Record<string, string>;
    store?: NotesStore;
    removed?: string[];
    removeObjects?: HandlerDeps["removeObjects"];
    log?: (e: Record<string, unknown>) => void;
    now?: () => Date;
  } = {},
) {
  const env = envFor(mode, opts.env);
  const deps: HandlerDeps = {
    env,
    store: opts.store ?? storeAt(db!.endpoint),
    presign: async (key, contentType, size, expires) =>
      `https://notes-attachments.s3.amazonaws.com/${key}?ct=${encodeURIComponent(contentType)}&len=${size}&exp=${expires}`,
    removeObjects:
      opts.removeObjects ??
      (async (keys) => {
        opts.removed?.push(...keys);
        return { deleted: keys, failed: [] };
      }),
    maxAttachmentBytes: env.maxAttachmentBytes,
    now: opts.now ?? (() => new Date("2026-11-23T12:00:00Z")),
    newId: () => crypto.randomUUID(),
    doorState: opts.alb && { identity: opts.alb },
    log: opts.log ?? (() => undefined),
  };
  const handler = createHandler(deps);
  return async (event: any) => {
    const res: any = await handler(event);
    const headers =
      res.headers ??
      Object.fromEntries(Object.entries(res.multiValueHeaders ?? {}).map(([k, v]) => [k, (v as string[])[0]]));
    return { status: res.statusCode as number, body: res.body ? JSON.parse(res.body) : undefined, headers, raw: res };
  };
}
