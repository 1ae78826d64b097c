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

/**
 * A user pool's key endpoints on a loopback port, as Cognito serves them: `${issuer}/.well-known/jwks.json`
 * serves the given keys (fetches counted), and `${issuer}/.well-known/openid-configuration` names it.
 */
export async function jwksServer(
  keys: { jwk: object }[],
): Promise<{ issuer: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    const issuer = `http://${req.headers.host}/pool`;
    if (req.url === "/pool/.well-known/jwks.json") {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else if (req.url === "/pool/.well-known/openid-configuration") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pool`,
    fetches: () => fetches,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * An IdP's https documents (discovery, JWKS), served from loopback: `documents` maps each full
 * https URL to its JSON, and `send` is a fetch for handlers/http/keyFetcher.ts that takes any
 * https URL to the stand-in (the URL kept in the path), so a spec can use the IdP's real issuer
 * and key URLs. `fetched` lists the URLs asked for, in order; an unknown one answers 404.
 */
export async function idpStandIn(
  documents: Record<string, unknown>,
): Promise<{ send: typeof fetch; fetched: string[]; close: () => Promise<void> }> {
  const fetched: string[] = [];
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? "/").slice(1));
    fetched.push(url);
    if (!(url in documents)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(documents[url]));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const send = ((input: string | URL, init?: RequestInit) =>
    fetch(`${base}${encodeURIComponent(String(input))}`, init)) as typeof fetch;
  return { send, fetched, close: () => new Promise((r) => server.close(() => r())) };
}
