import * as crypto from "crypto";
import type { IncomingRequest } from "../events";

/** Cookies over 4 KB are sharded. */
const SHARD = 4000;

/** What the session cookie holds (encrypted and authenticated with the load balancer's own key). */
export interface AlbSession {
  /** The user-info claims. */
  claims: Record<string, unknown>;
  accessToken: string;
  /** Seconds since the epoch: the session's end (the recorded session timeout after sign-in). */
  exp: number;
}

/** Seals and opens session cookies: AES-256-GCM, so a changed byte is no session. */
export class SessionCodec {
  constructor(private readonly key: Buffer = crypto.randomBytes(32)) {}
  seal(session: AlbSession): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(session)), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }
  open(value: string): AlbSession | undefined {
    try {
      const raw = Buffer.from(value, "base64url");
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
    } catch {
      return undefined;
    }
  }
}

/** Cookies of a request, by name. */
export function cookiesOf(req: IncomingRequest): Map<string, string> {
  const out = new Map<string, string>();
  const raw = Object.entries(req.headers)
    .filter(([k]) => k.toLowerCase() === "cookie")
    .flatMap(([, v]) => (Array.isArray(v) ? v : [v ?? ""]));
  for (const part of raw.join(";").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The session cookie's value from its shards `<name>-0`, `<name>-1`, … */
export function joinShards(cookies: Map<string, string>, name: string): string | undefined {
  const parts: string[] = [];
  for (let i = 0; cookies.has(`${name}-${i}`); i++) parts.push(cookies.get(`${name}-${i}`)!);
  return parts.length ? parts.join("") : undefined;
}

/** Set-Cookie headers for a session value, in shards. The ALB's cookies are always Secure. */
export function shardCookies(name: string, value: string): string[] {
  const shards = value.match(new RegExp(`.{1,${SHARD}}`, "g")) ?? [""];
  return shards.map((part, i) => `${name}-${i}=${part}; Path=/; Secure; HttpOnly`);
}
