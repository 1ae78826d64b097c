import { randomUUID } from "crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { createHandler } from "../../handlers/app";
import { AuthMode } from "../../handlers/authModes";
import { HANDLER_DOORS, DoorSettings } from "../../handlers/doors";
import { createAlbVerifier } from "../../handlers/doors/albVerifier";
import { backendSettings, readEnv, stackSettings } from "../../handlers/env";
import { DynamoNotesStore, NotesStore } from "../../handlers/notes/store";
import { DynamoClient } from "../../handlers/notes/dynamo";
import { newId } from "../../handlers/routes";
import type { SettingsCodec } from "../../handlers/settings";
import { newAlbKey, signAlbData } from "../../local/albToken";
import { NOTES_KEY_SCHEMA, startDynalite } from "../../local/dynamo";
import { IncomingRequest, albTargetEvent, httpV2Event, restV1Event } from "../../local/events";
import { MemoryNotesStore } from "./memoryStore";
import { Summary, roundSummary, summarize } from "./stats";

export const SHAPES = ["rest-v1", "http-v2", "alb"] as const;
export type Shape = (typeof SHAPES)[number];
export const ROUTES = ["create", "get", "list100", "update", "delete"] as const;
export type RouteName = (typeof ROUTES)[number];

export type RequestFigures = Record<"dynalite" | "stubbedStorage", Record<Shape, Record<RouteName, Summary>>>;

const REGION = "us-east-1";
const POOL = "us-east-1_Bench0001";
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL}`;
const SPA_CLIENT = "benchspaclient00000000000";
const ALB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bench/0123456789abcdef";
const ALB_CLIENT = "benchalbclient0000000000";
const TABLE = "notes";
const key = newAlbKey();
const keyFetcher = { fetch: async () => { const b = Buffer.from(key.pem); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); } };
const albVerifier = () => createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher: keyFetcher });

/** One call of the benchmark, as a client makes it. */
interface Call {
  method: string;
  path: string;
  body?: unknown;
  query?: Record<string, string>;
}

/** The handler of a door, configured through its environment as the stack configures it. */
function handlerOf<M extends AuthMode>(mode: M, settings: DoorSettings<M>, store: NotesStore, client: DynamoDBClient, state?: unknown) {
  const env = readEnv({
    ...backendSettings.encode({ table: TABLE, bucket: "bench-attachments", maxAttachmentBytes: 1024 }),
    ...stackSettings.encode({ authMode: mode, adminGroup: "admins", corsOrigins: [], cognitoIssuer: ISSUER, userPoolId: POOL }),
    ...(HANDLER_DOORS[mode].settings as SettingsCodec<DoorSettings<M>>).encode(settings),
    AWS_REGION: REGION,
  });
  void client;
  return createHandler({
    env, store, newId, now: () => new Date(), maxAttachmentBytes: env.maxAttachmentBytes, doorState: state,
    presign: async (k) => `https://bench.invalid/${k}`, removeObjects: async (keys) => ({ deleted: keys, failed: [] }), log: () => undefined,
  });
}

function incoming(c: Call): IncomingRequest {
  const body = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body));
  return { method: c.method, path: c.path, rawQuery: new URLSearchParams(c.query ?? {}).toString(), headers: body ? { "content-type": "application/json" } : {}, body };
}

const parse = async (res: Promise<any>) => {
  const r = await res;
  return { status: r.statusCode as number, body: r.body ? JSON.parse(r.body) : undefined };
};

function doorFor(shape: Shape, store: NotesStore, client: DynamoDBClient) {
  const user = "44444444-4444-4444-8444-444444444444";
  const lister = "55555555-5555-4555-8555-555555555555";
  const base = { apiId: "bench", accountId: "123456789012" };
  switch (shape) {
    case "rest-v1": {
      const h = handlerOf("cognito", { allowedClientIds: [SPA_CLIENT] }, store, client);
      const claims = (u: string) => ({ sub: u, aud: SPA_CLIENT, token_use: "id", iss: ISSUER, "cognito:username": u });
      return { call: (c: Call, u = user) => parse(h(restV1Event(incoming(c), { ...base, stage: "v1", resourcePath: c.path, pathParameters: null, authorizer: { claims: claims(u) } }) as any)), lister };
    }
    case "http-v2": {
      const h = handlerOf("http-jwt", { allowedClientIds: [SPA_CLIENT], adminScope: "notes/admin" }, store, client);
      const jwt = (u: string) => ({ jwt: { claims: { sub: u, client_id: SPA_CLIENT, token_use: "access", iss: ISSUER, username: u, scope: "notes/read notes/write" }, scopes: null } });
      return { call: (c: Call, u = user) => parse(h(httpV2Event(incoming(c), { ...base, stage: "$default", routeKey: `${c.method} ${c.path}`, authorizer: jwt(u) }) as any)), lister };
    }
    case "alb": {
      const h = handlerOf("alb-oidc", { albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT }, store, client, albVerifier());
      const tokens = new Map<string, string>();
      const token = (u: string) => tokens.get(u) ?? (tokens.set(u, signAlbData(key, { signer: ALB_ARN, client: ALB_CLIENT, iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 3600, claims: { sub: u } })), tokens.get(u)!);
      return {
        call: (c: Call, u = user) => {
          const req = incoming(c);
          req.headers["x-amzn-oidc-data"] = token(u);
          return parse(h(albTargetEvent(req, { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bench/0123456789abcdef", multiValueHeaders: false }) as any));
        },
        lister,
      };
    }
  }
}

async function timed(fn: () => Promise<{ status: number }>, expect: number): Promise<number> {
  const start = process.hrtime.bigint();
  const res = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== expect) throw new Error(`benchmark request answered ${res.status}, expected ${expect}`);
  return ms;
}

/** p50/p99 per route for one shape and store, after a warm-up. */
async function measure(shape: Shape, n: number, store: NotesStore, client: DynamoDBClient): Promise<Record<RouteName, Summary>> {
  const door = doorFor(shape, store, client);
  const body = { title: "benchmark note", content: "x".repeat(200), tags: ["bench"] };
  for (let i = 0; i < Math.min(100, n); i++) await door.call({ method: "GET", path: "/me" });
  for (let i = 0; i < 100; i++) await door.call({ method: "POST", path: "/notes", body }, door.lister);
  const ids: string[] = [];
  const samples: Record<RouteName, number[]> = { create: [], get: [], list100: [], update: [], delete: [] };
  for (let i = 0; i < n; i++) {
    let id = "";
    samples.create.push(await timed(async () => {
      const r = await door.call({ method: "POST", path: "/notes", body });
      id = r.body?.noteId;
      return r;
    }, 201));
    ids.push(id);
  }
  for (let i = 0; i < n; i++) samples.get.push(await timed(() => door.call({ method: "GET", path: `/notes/${ids[i]}` }), 200));
  for (let i = 0; i < n; i++) samples.list100.push(await timed(() => door.call({ method: "GET", path: "/notes", query: { limit: "100" } }, door.lister), 200));
  for (let i = 0; i < n; i++) samples.update.push(await timed(() => door.call({ method: "PUT", path: `/notes/${ids[i]}`, body: { content: `v${i}` } }), 200));
  for (let i = 0; i < n; i++) samples.delete.push(await timed(() => door.call({ method: "DELETE", path: `/notes/${ids[i]}` }), 204));
  return Object.fromEntries(ROUTES.map((r) => [r, roundSummary(summarize(samples[r]), 4)])) as Record<RouteName, Summary>;
}

/** Per-request handler time against dynalite on loopback, and with storage stubbed out. */
export async function requestFigures(n: number): Promise<RequestFigures> {
  const db = await startDynalite();
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: REGION, credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
  try {
    await client.send(new CreateTableCommand({ TableName: TABLE, BillingMode: "PAY_PER_REQUEST", ...NOTES_KEY_SCHEMA }));
    const out = { dynalite: {}, stubbedStorage: {} } as RequestFigures;
    for (const shape of SHAPES) {
      out.dynalite[shape] = await measure(shape, n, new DynamoNotesStore(TABLE, new DynamoClient({ endpoint: db.endpoint, region: REGION, credentials: () => ({ accessKeyId: "bench", secretAccessKey: "bench" }) })), client);
      out.stubbedStorage[shape] = await measure(shape, n, new MemoryNotesStore(), client);
    }
    return out;
  } finally {
    client.destroy();
    await db.close();
  }
}

export interface AlbVerifyFigures {
  cachedKey: Summary;
  cacheMiss: Summary;
}

/** ALB identity verification in the handler: with the key cached, and on a cache miss. */
export async function albVerifyFigures(n: number): Promise<AlbVerifyFigures> {
  const token = signAlbData(key, { signer: ALB_ARN, client: ALB_CLIENT, iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 3600, claims: { sub: randomUUID() } });
  const cached = albVerifier();
  await cached.verify(token);
  const hit: number[] = [];
  const miss: number[] = [];
  for (let i = 0; i < n; i++) {
    let start = process.hrtime.bigint();
    await cached.verify(token);
    hit.push(Number(process.hrtime.bigint() - start) / 1e6);
    const fresh = albVerifier();
    start = process.hrtime.bigint();
    await fresh.verify(token);
    miss.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { cachedKey: roundSummary(summarize(hit), 4), cacheMiss: roundSummary(summarize(miss), 4) };
}
