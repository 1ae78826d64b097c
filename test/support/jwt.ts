import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

/** An RSA signing key of the test's own, with its public JWK (kid set). */
export function rsaKey(kid: string = crypto.randomUUID()) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" } };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An RS256 JWT signed with `key` (claims as given: tests choose iss, exp, token_use, …). */
export function signJwt(key: { kid: string; privateKey: crypto.KeyObject }, claims: Record<string, unknown>): string {
  const input = `${b64({ kid: key.kid, alg: "RS256" })}.${b64(claims)}`;
  return `${input}.${crypto.sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
}

/** A JWKS endpoint on a loopback port: `${issuer}/.well-known/jwks.json` serves the given keys; counts fetches. */
export async function jwksServer(keys: { jwk: object }[]): Promise<{ issuer: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/pool/.well-known/jwks.json") {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool`, fetches: () => fetches, close: () => new Promise((r) => server.close(() => r())) };
}
