import { generateKeyPairSync, randomUUID, sign } from "crypto";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { NotesStore, createAlbVerifier, createTokenVerifier, handlerFromEnvironment } from "../../handlers/entries/api";
import type { AuthMode } from "../../handlers/contract/authModes";
import { DOOR_SETTINGS, DoorSettings } from "../../handlers/contract/doors";
import { backendSettings, stackSettings } from "../../handlers/contract/stack";
import type { SettingsCodec } from "../../handlers/contract/settings";
import { newAlbKey, signAlbData } from "../../local/gateways/alb/albToken";
import { NOTES_KEY_SCHEMA, startDynalite } from "../../local/services/dynamo";
import { IncomingRequest, albTargetEvent, httpV2Event, restV1Event } from "../../local/gateways/events";
import { MemoryNotesStore } from "./memoryStore";
import { Summary, roundSummary, summarize } from "./stats";

export const SHAPES = ["rest-v1", "http-v2", "alb"] as const;
export type Shape = (typeof SHAPES)[number];
export const ROUTES = ["create", "get", "list100", "update", "delete"] as const;
export type RouteName = (typeof ROUTES)[number];

export type RequestFigures = Record<"dynalite" | "stubbedStorage", Record<Shape, Record<RouteName, Summary>>> & {
  /** The conventional handler (tools/bench/conventional.ts, AWS SDK v3) against the same dynalite, REST v1 events. */
  conventional: { "rest-v1": Record<RouteName, Summary> };
};

export const REGION = "us-east-1";
const POOL = "us-east-1_Bench0001";
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
export const SPA_CLIENT = "benchspaclient00000000000";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bench/0123456789abcdef";
const ALB_CLIENT = "benchalbclient0000000000";
const TABLE = "notes";
const key = newAlbKey();
const keyFetcher = {
  fetch: async () => {
    const b = Buffer.from(key.pem);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  },
};
/** Our pool's access-token key (RS256), served as its JWKS: the ALB door verifies the forwarded access token too. */
const poolKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
const POOL_KID = "bench-pool-key";
const jwksFetcher = {
  fetch: async () => {
    const b = Buffer.from(
      JSON.stringify({
        keys: [{ ...poolKey.publicKey.export({ format: "jwk" }), kid: POOL_KID, alg: "RS256", use: "sig" }],
      }),
    );
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  },
};
const albState = () => ({
  identity: createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher: keyFetcher }),
  accessToken: createTokenVerifier({ issuer: ISSUER, audiences: [ALB_CLIENT], tokenUse: "access" }, jwksFetcher),
});
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** An access token of our pool for the ALB's client, as the ALB forwards it in x-amzn-oidc-accesstoken. */
function poolAccessToken(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub,
    iss: ISSUER,
    client_id: ALB_CLIENT,
    token_use: "access",
    scope: "openid",
    "cognito:groups": ["readers"],
    iat: now,
    exp: now + 3600,
  };
  const input = `${b64url({ kid: POOL_KID, alg: "RS256" })}.${b64url(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), poolKey.privateKey).toString("base64url")}`;
}

/** One call of the benchmark, as a client makes it. */
export interface Call {
  method: string;
  path: string;
  body?: unknown;
  query?: Record<string, string>;
}

/** A door's environment, as the stack sets it. */
function doorEnv<M extends AuthMode>(mode: M, settings: DoorSettings<M>): Record<string, string> {
  return {
    ...backendSettings.encode({ table: TABLE, bucket: "bench-attachments", maxAttachmentBytes: 1024 }),
    ...stackSettings.encode({
      authMode: mode,
      adminGroup: "admins",
      corsOrigins: [],
      cognitoIssuer: ISSUER,
      userPoolId: POOL,
      mtlsRequiredForMachines: false,
    }),
    ...(DOOR_SETTINGS[mode] as SettingsCodec<DoorSettings<M>>).encode(settings),
    AWS_REGION: REGION,
  };
}

export const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };

/** What Lambda adds to a function's environment, with its storage at `endpoint` (dynalite on loopback). */
function storageEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
  };
}

/**
 * The environment of the deployed function at the cognito door, with its storage at `endpoint`:
 * what a cold process gets.
 */
export function deployedEnv(endpoint: string): Record<string, string> {
  return { ...doorEnv("cognito", { allowedClientIds: [SPA_CLIENT] }), ...storageEnv(endpoint) };
}

const cognitoClaims = (u: string) => ({ sub: u, aud: SPA_CLIENT, token_use: "id", iss: ISSUER, "cognito:username": u });
const restBase = { apiId: "bench", accountId: "123456789012" };

/** A REST v1 event through the cognito door, for a user (with more claims, as the gateway renders them). */
export function restEvent(c: Call, user: string, claims: Record<string, string> = {}): Record<string, unknown> {
  return restV1Event(incoming(c), {
    ...restBase,
    stage: "v1",
    resourcePath: c.path,
    pathParameters: null,
    authorizer: { claims: { ...cognitoClaims(user), ...claims } },
  });
}

/** The table the benchmark uses, at a fresh dynalite. */
export async function benchTable(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const db = await startDynalite();
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({ TableName: TABLE, BillingMode: "PAY_PER_REQUEST", ...NOTES_KEY_SCHEMA }),
    );
  } finally {
    client.destroy();
  }
  return db;
}

/** Where a door's handler keeps its notes: the table at a dynalite endpoint, or a store in this process. */
export type Storage = { endpoint: string } | { store: NotesStore };

/**
 * The handler of a door, configured through its environment as the stack configures it (its
 * storage too, at a dynalite endpoint), with attachments stubbed out and, when given, the store
 * and the door state in place of what the environment would build.
 */
export function handlerOf<M extends AuthMode>(
  mode: M,
  settings: DoorSettings<M>,
  storage: Storage,
  state?: unknown,
  env: Record<string, string> = {},
) {
  const vars = { ...doorEnv(mode, settings), ...("endpoint" in storage ? storageEnv(storage.endpoint) : {}), ...env };
  return handlerFromEnvironment(vars, {
    ...("store" in storage ? { store: storage.store } : {}),
    doorState: state,
    presign: async (k) => `https://bench.invalid/${k}`,
    removeObjects: async (keys) => ({ deleted: keys, failed: [] }),
    log: () => undefined,
  });
}

export function incoming(c: Call): IncomingRequest {
  const body = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body));
  return {
    method: c.method,
    path: c.path,
    rawQuery: new URLSearchParams(c.query ?? {}).toString(),
    headers: body ? { "content-type": "application/json" } : {},
    body,
  };
}

export const parse = async (res: Promise<any>) => {
  const r = await res;
  return { status: r.statusCode as number, body: r.body ? JSON.parse(r.body) : undefined };
};

interface Door {
  call: (c: Call, user?: string) => Promise<{ status: number; body: any }>;
  lister: string;
}

const USER = "44444444-4444-4444-8444-444444444444";
const LISTER = "55555555-5555-4555-8555-555555555555";

function doorFor(shape: Shape, storage: Storage): Door {
  const user = USER;
  const lister = LISTER;
  const base = restBase;
  switch (shape) {
    case "rest-v1": {
      const h = handlerOf("cognito", { allowedClientIds: [SPA_CLIENT] }, storage);
      return { call: (c: Call, u = user) => parse(h(restEvent(c, u) as any)), lister };
    }
    case "http-v2": {
      const h = handlerOf("http-jwt", { allowedClientIds: [SPA_CLIENT], adminScope: "notes/admin" }, storage);
      const jwt = (u: string) => ({
        jwt: {
          claims: {
            sub: u,
            client_id: SPA_CLIENT,
            token_use: "access",
            iss: ISSUER,
            username: u,
            scope: "notes/read notes/write",
          },
          scopes: null,
        },
      });
      return {
        call: (c: Call, u = user) =>
          parse(
            h(
              httpV2Event(incoming(c), {
                ...base,
                stage: "$default",
                routeKey: `${c.method} ${c.path}`,
                authorizer: jwt(u),
              }) as any,
            ),
          ),
        lister,
      };
    }
    case "alb": {
      const h = handlerOf("alb-oidc", { albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT }, storage, albState());
      const tokens = new Map<string, string>();
      const accessTokens = new Map<string, string>();
      const token = (u: string) =>
        tokens.get(u) ??
        (tokens.set(
          u,
          signAlbData(key, {
            signer: ALB_ARN,
            client: ALB_CLIENT,
            iss: ISSUER,
            exp: Math.floor(Date.now() / 1000) + 3600,
            claims: { sub: u },
          }),
        ),
        tokens.get(u)!);
      return {
        call: (c: Call, u = user) => {
          const req = incoming(c);
          req.headers["x-amzn-oidc-data"] = token(u);
          req.headers["x-amzn-oidc-accesstoken"] =
            accessTokens.get(u) ?? (accessTokens.set(u, poolAccessToken(u)), accessTokens.get(u)!);
          return parse(
            h(
              albTargetEvent(req, {
                targetGroupArn:
                  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bench/0123456789abcdef",
                multiValueHeaders: false,
              }) as any,
            ),
          );
        },
        lister,
      };
    }
  }
}

export async function timed(fn: () => Promise<{ status: number }>, expect: number): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== expect) throw new Error(`benchmark request answered ${res.status}, expected ${expect}`);
  return ms;
}

/** p50/p99 per route through one door, after a warm-up. */
async function measure(door: Door, n: number): Promise<Record<RouteName, Summary>> {
  const body = { title: "benchmark note", content: "x".repeat(200), tags: ["bench"] };
  for (let i = 0; i < Math.min(100, n); i++) await door.call({ method: "GET", path: "/me" });
  for (let i = 0; i < 100; i++) await door.call({ method: "POST", path: "/notes", body }, door.lister);
  const ids: string[] = [];
  const samples: Record<RouteName, number[]> = { create: [], get: [], list100: [], update: [], delete: [] };
  for (let i = 0; i < n; i++) {
    let id = "";
    samples.create.push(
      await timed(async () => {
        const r = await door.call({ method: "POST", path: "/notes", body });
        id = r.body?.noteId;
        return r;
      }, 201),
    );
    ids.push(id);
  }
  for (let i = 0; i < n; i++)
    samples.get.push(await timed(() => door.call({ method: "GET", path: `/notes/${ids[i]}` }), 200));
  for (let i = 0; i < n; i++)
    samples.list100.push(
      await timed(() => door.call({ method: "GET", path: "/notes", query: { limit: "100" } }, door.lister), 200),
    );
  for (let i = 0; i < n; i++)
    samples.update.push(
      await timed(() => door.call({ method: "PUT", path: `/notes/${ids[i]}`, body: { content: `v${i}` } }), 200),
    );
  for (let i = 0; i < n; i++)
    samples.delete.push(await timed(() => door.call({ method: "DELETE", path: `/notes/${ids[i]}` }), 204));
  return Object.fromEntries(ROUTES.map((r) => [r, roundSummary(summarize(samples[r]), 4)])) as Record<
    RouteName,
    Summary
  >;
}

/**
 * The conventional handler in this process, configured by the environment its module reads at
 * load (as guides write it), answering REST v1 events of the cognito door.
 */
function conventionalDoor(endpoint: string): Door {
  Object.assign(process.env, {
    NOTES_TABLE: TABLE,
    ATTACHMENTS_BUCKET: "bench-attachments",
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { handler } = require("./conventional") as { handler: (e: unknown) => Promise<unknown> };
  return { call: (c: Call, u = USER) => parse(handler(restEvent(c, u))), lister: LISTER };
}

/** Per-request handler time against dynalite on loopback, with storage stubbed out, and the conventional handler's. */
export async function requestFigures(n: number): Promise<RequestFigures> {
  const db = await benchTable();
  const saved = { ...process.env };
  try {
    const out = { dynalite: {}, stubbedStorage: {} } as RequestFigures;
    for (const shape of SHAPES) {
      out.dynalite[shape] = await measure(doorFor(shape, { endpoint: db.endpoint }), n);
      out.stubbedStorage[shape] = await measure(doorFor(shape, { store: new MemoryNotesStore() }), n);
    }
    out.conventional = { "rest-v1": await measure(conventionalDoor(db.endpoint), n) };
    return out;
  } finally {
    process.env = saved;
    await db.close();
  }
}

export interface AlbVerifyFigures {
  cachedKey: Summary;
  cacheMiss: Summary;
}

/** ALB identity verification in the handler: with the key cached, and on a cache miss. */
export async function albVerifyFigures(n: number): Promise<AlbVerifyFigures> {
  const token = signAlbData(key, {
    signer: ALB_ARN,
    client: ALB_CLIENT,
    iss: ISSUER,
    exp: Math.floor(Date.now() / 1000) + 3600,
    claims: { sub: randomUUID() },
  });
  const cached = albState().identity;
  await cached.verify(token);
  const hit: number[] = [];
  const miss: number[] = [];
  for (let i = 0; i < n; i++) {
    let start = process.hrtime.bigint();
    await cached.verify(token);
    hit.push(Number(process.hrtime.bigint() - start) / 1e6);
    const fresh = albState().identity;
    start = process.hrtime.bigint();
    await fresh.verify(token);
    miss.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { cachedKey: roundSummary(summarize(hit), 4), cacheMiss: roundSummary(summarize(miss), 4) };
}
