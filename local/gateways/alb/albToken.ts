import * as crypto from "crypto";

/**
 * The `x-amzn-oidc-data` header as an ALB signs it: a JWT with ES256, `kid`, `signer` (the load
 * balancer's ARN), `client`, `iss` and `exp` in the header, base64url segments that may keep
 * '=' padding, and the signature over the text as sent.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding
 */
export interface AlbSigningKey {
  kid: string;
  privateKey: crypto.KeyObject;
}

export interface AlbTokenFields {
  signer: string;
  client: string;
  iss: string;
  /** Seconds since the epoch. */
  exp: number;
  /** The IdP's user claims (sub, email, …). */
  claims: Record<string, unknown>;
  /** Header alg; ES256 unless a test wants another. */
  alg?: string;
}

/** base64 with '=' padding kept and the URL-safe alphabet, as the ALB sends it. */
const b64padded = (buf: Buffer) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");

export function signAlbData(key: AlbSigningKey, f: AlbTokenFields): string {
  const header = {
    typ: "JWT",
    kid: key.kid,
    alg: f.alg ?? "ES256",
    iss: f.iss,
    client: f.client,
    signer: f.signer,
    exp: f.exp,
  };
  // The claims may override exp and iss (tests send tokens the ALB never would).
  const payload = { exp: f.exp, iss: f.iss, ...f.claims };
  const input = `${b64padded(Buffer.from(JSON.stringify(header)))}.${b64padded(Buffer.from(JSON.stringify(payload)))}`;
  const sig = crypto.sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return `${input}.${b64padded(sig)}`;
}

/** A fresh P-256 key pair standing in for the ALB's regional key, with its PEM public key. */
export function newAlbKey(kid: string = crypto.randomUUID()): AlbSigningKey & { pem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { kid, privateKey, pem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}
