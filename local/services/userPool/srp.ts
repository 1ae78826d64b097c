import * as crypto from "crypto";

/**
 * The server side of Cognito's SRP sign-in (`USER_SRP_AUTH`, challenge `PASSWORD_VERIFIER`), computing what
 * Amazon Cognito computes so that the official clients (amazon-cognito-identity-js's AuthenticationHelper, which
 * Amplify v6 reuses) sign in unchanged:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html#amazon-cognito-user-pools-authentication-flow-methods-srp
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 *
 * Cognito's variant of SRP-6a (RFC 5054's 3072-bit group, g = 2, SHA-256):
 * - k = H(PAD(N) | PAD(g)), u = H(PAD(A) | PAD(B)), x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password)),
 *   where PAD is the client's `padHex` (the shortest even-length two's-complement hex: a leading 00 byte when the
 *   high bit is set), not RFC 5054's padding to the length of N;
 * - the session key is HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key"), 16 bytes;
 * - the client proves it with PASSWORD_CLAIM_SIGNATURE = base64 HMAC-SHA256(key, poolName | userIdForSrp |
 *   secretBlock | timestamp).
 *
 * Why no SRP package: the maintained SRP-6a libraries on npm (fast-srp-hap, tssrp6a, secure-remote-password, jsrp)
 * implement RFC 5054 / RFC 2945 (PAD to the length of N, K = H(S), M1 = H(H(N) xor H(g) | …)), which Cognito's
 * clients do not speak, and the one Cognito-compatible server (cognito-srp) has had no release since 2018. So the
 * arithmetic is BigInt's modular exponentiation and every primitive is Node's crypto (SHA-256, HMAC, HKDF, random
 * bytes); the spec test/local/services/userPool/srp.test.ts has the official client's AuthenticationHelper judge it.
 */

/** RFC 5054's 3072-bit group (the prime of RFC 3526 group 15), as Cognito's clients carry it. */
const N = BigInt(
  "0x" +
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const g = 2n;

/** The client's padHex of a non-negative integer: even-length hex, with a 00 byte when the high bit is set. */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest();
const hexHash = (hex: string) => sha256(Buffer.from(hex, "hex")).toString("hex");
const toBig = (hex: string) => BigInt(`0x${hex}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

const k = toBig(hexHash(padHex(N) + padHex(g)));

/** The pool's name in SRP: the part of the pool id after the region (`us-east-1_AbC` -> `AbC`). */
export const srpPoolName = (poolId: string) => poolId.split("_")[1] ?? poolId;

/** x = H(PAD(salt) | H(poolName | userId | ":" | password)). */
function privateKey(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = sha256(`${poolName}${userId}:${password}`).toString("hex");
  return toBig(hexHash(padHex(toBig(saltHex)) + inner));
}

/** What the server keeps between InitiateAuth and RespondToAuthChallenge, and what it sends (SRP_B, SALT). */
export interface SrpChallenge {
  /** SRP_B, hex. */
  B: string;
  /** SALT, hex. */
  salt: string;
  /** The session key the client must prove it knows (16 bytes). */
  key: Buffer;
}

/**
 * The server's step for a client's SRP_A: a fresh salt and b, B = k·v + g^b, and the key both sides derive,
 * S = (A · v^u)^b. Throws on an A that is 0 mod N (the client's check, made by the server too, RFC 5054 2.5.4).
 */
export function srpChallenge(poolName: string, userId: string, password: string, aHex: string): SrpChallenge {
  const A = toBig(aHex);
  if (A % N === 0n) throw new Error("SRP_A mod N is 0");
  const salt = crypto.randomBytes(16).toString("hex");
  const v = modPow(g, privateKey(poolName, userId, password, salt), N);
  const b = toBig(crypto.randomBytes(128).toString("hex"));
  const B = (k * v + modPow(g, b, N)) % N;
  const u = toBig(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) throw new Error("u is 0");
  const S = modPow(A * modPow(v, u, N), b, N);
  const key = Buffer.from(
    crypto.hkdfSync("sha256", Buffer.from(padHex(S), "hex"), Buffer.from(padHex(u), "hex"), "Caldera Derived Key", 16),
  );
  return { B: B.toString(16), salt, key };
}

/** PASSWORD_CLAIM_SIGNATURE as the client computes it: HMAC(key, poolName | userId | secretBlock | timestamp). */
export function claimSignature(
  key: Buffer,
  poolName: string,
  userId: string,
  secretBlock: string,
  timestamp: string,
): string {
  return crypto
    .createHmac("sha256", key)
    .update(
      Buffer.concat([
        Buffer.from(poolName),
        Buffer.from(userId),
        Buffer.from(secretBlock, "base64"),
        Buffer.from(timestamp),
      ]),
    )
    .digest("base64");
}

/** Whether a claimed signature is the expected one (compared in constant time). */
export function signatureMatches(expected: string, claimed: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(String(claimed));
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
