import { createAlbVerifier } from "../../handlers/principal/alb";
import { NotesStore } from "../../handlers/notes/store";
import { ALB_ARN, ALB_CLIENT, Call, ISSUER, accessClaims, albEvent, albKey, handlerFor, httpEvent, idClaims, memoryKeyFetcher, restEvent, signAlbToken, startDynalite } from "../../test/handlers/support";
import { MemoryNotesStore } from "./memoryStore";
import { Summary, roundSummary, summarize } from "./stats";

export const SHAPES = ["rest-v1", "http-v2", "alb"] as const;
export type Shape = (typeof SHAPES)[number];
export const ROUTES = ["create", "get", "list100", "update", "delete"] as const;
export type RouteName = (typeof ROUTES)[number];

export type RequestFigures = Record<"dynalite" | "stubbedStorage", Record<Shape, Record<RouteName, Summary>>>;

const key = albKey();

function doorFor(shape: Shape, store: NotesStore | undefined, client: any) {
  const user = "44444444-4444-4444-8444-444444444444";
  const lister = "55555555-5555-4555-8555-555555555555";
  switch (shape) {
    case "rest-v1": {
      const h = handlerFor("cognito", client, { store });
      return { call: (c: Call, u = user) => h(restEvent(c, { claims: idClaims(u) })), lister };
    }
    case "http-v2": {
      const h = handlerFor("http-jwt", client, { store });
      return { call: (c: Call, u = user) => h(httpEvent(c, accessClaims(u, ["notes/read", "notes/write"]))), lister };
    }
    case "alb": {
      const alb = createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher: memoryKeyFetcher([key]) });
      const h = handlerFor("alb-oidc", client, { store, alb });
      const tokens = new Map<string, string>();
      const token = (u: string) => tokens.get(u) ?? (tokens.set(u, signAlbToken(key, { sub: u, exp: Math.floor(Date.now() / 1000) + 3600 })), tokens.get(u)!);
      return { call: (c: Call, u = user) => h(albEvent(c, token(u))), lister };
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
async function measure(shape: Shape, n: number, store: NotesStore | undefined, client: any): Promise<Record<RouteName, Summary>> {
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
  try {
    const out = { dynalite: {}, stubbedStorage: {} } as RequestFigures;
    for (const shape of SHAPES) {
      out.dynalite[shape] = await measure(shape, n, undefined, db.client);
      out.stubbedStorage[shape] = await measure(shape, n, new MemoryNotesStore(), db.client);
    }
    return out;
  } finally {
    await db.close();
  }
}

export interface AlbVerifyFigures {
  cachedKey: Summary;
  cacheMiss: Summary;
}

/** ALB identity verification in the handler: with the key cached, and on a cache miss. */
export async function albVerifyFigures(n: number): Promise<AlbVerifyFigures> {
  const token = signAlbToken(key, { exp: Math.floor(Date.now() / 1000) + 3600 });
  const cached = createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher: memoryKeyFetcher([key]) });
  await cached.verify(token);
  const hit: number[] = [];
  const miss: number[] = [];
  for (let i = 0; i < n; i++) {
    let start = process.hrtime.bigint();
    await cached.verify(token);
    hit.push(Number(process.hrtime.bigint() - start) / 1e6);
    const fresh = createAlbVerifier({ albArn: ALB_ARN, issuer: ISSUER, clientId: ALB_CLIENT, fetcher: memoryKeyFetcher([key]) });
    start = process.hrtime.bigint();
    await fresh.verify(token);
    miss.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { cachedKey: roundSummary(summarize(hit), 4), cacheMiss: roundSummary(summarize(miss), 4) };
}
