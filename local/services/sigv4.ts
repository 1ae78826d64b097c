import { timingSafeEqual, createHash } from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

/**
 * SigV4 as an AWS service checks it, for every local endpoint that takes signed requests
 * (API Gateway's AWS_IAM methods, STS, the user pool's admin API, Lambda Invoke). The signature is
 * recomputed with @smithy/signature-v4, the AWS SDK's own signer, over exactly the headers the
 * caller says it signed, and compared in constant time. A presigned request (the signature in the
 * query string) is recomputed with the signer's own presign() and is good until X-Amz-Expires.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
 */

/** A signed request as a local endpoint received it. */
export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded), with any stage. */
  rawPath: string;
  rawQuery?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  /** Where the local server received it: the Host it signed must name that server (`hostNamesThisServer`). */
  receivedOn?: { port: number; tls: boolean };
}

/** Credentials a local service issued, as the verifier needs them. */
export interface KnownCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials carry one, and the request must present it. */
  sessionToken?: string;
  /** Epoch milliseconds; undefined for long-term keys. */
  expiration?: number;
}

/** Why a signed request was refused, in the terms AWS uses (each maps to an error the service sends). */
export type SigV4Failure =
  /** No Authorization header with AWS4-HMAC-SHA256 (API Gateway: MissingAuthenticationToken). */
  | "missing"
  /** The header lacks a part, or the date is malformed (IncompleteSignature). */
  | "incomplete"
  /** An access key no local service issued, or a session token that is not its own (UnrecognizedClient). */
  | "unknown-credentials"
  /** Temporary credentials past their expiration (ExpiredToken). */
  | "expired-credentials"
  /** x-amz-date more than five minutes from now (Signature expired / not yet current). */
  | "skew"
  /** The credential scope names another region or service. */
  | "scope"
  /** The recomputed signature differs (SignatureDoesNotMatch / InvalidSignature). */
  | "mismatch";

export type SigV4Outcome<C extends KnownCredentials> =
  { ok: true; credentials: C } | { ok: false; failure: SigV4Failure; message: string };

export interface VerifyOptions<C extends KnownCredentials> {
  service: string;
  region: string;
  lookup(accessKeyId: string): C | undefined;
  now?: () => number;
  /** Names the endpoint also answers to besides 127.0.0.1 and localhost (a custom domain reached through loopback). */
  hostNames?: string[];
}

/** Requests more than this far from the service's clock are refused (SigV4's five minutes). */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

function header(headers: SignedRequest["headers"], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v.join(",") : v;
}

/** `20240101T000000Z` as a date. */
export function parseAmzDate(v: string | undefined): Date | undefined {
  const m = v ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v) : null;
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

/** Query parameters as the signer takes them (decoded, repeated keys as lists). */
function queryOf(raw: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw ?? "")) {
    const prev = out[k];
    out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  }
  return out;
}

/** The access key a request claims to be signed with, before verification (for error messages and routing). */
export function claimedAccessKey(req: Pick<SignedRequest, "headers">): string | undefined {
  return AUTH.exec(header(req.headers, "authorization") ?? "")?.[1].split("/")[0];
}

/** What a request claims about its signature, from its Authorization header or its query string. */
interface Claim {
  credential: string;
  signed: string[];
  signature: string;
  amzDate: string;
  signingDate: Date;
  sessionToken?: string;
  /** Presigned: X-Amz-Expires, in seconds. */
  expiresIn?: number;
}

/** A presigned URL is good for at most a week. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html */
export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

type Refusal = { ok: false; failure: SigV4Failure; message: string };
const refuse = (failure: SigV4Failure, message: string): Refusal => ({ ok: false, failure, message });

/**
 * The signature a request carries: in the Authorization header, or in the query string (a presigned
 * URL: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
 * X-Amz-Signature and, for temporary credentials, X-Amz-Security-Token).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-authentication-methods.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
function claimOf(req: SignedRequest): Claim | Refusal {
  const authorization = header(req.headers, "authorization");
  const query = new URLSearchParams(req.rawQuery ?? "");
  if (!authorization && query.has("X-Amz-Algorithm")) {
    const [algorithm, credential, amzDate, expires, signedList, signature] = [
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-SignedHeaders",
      "X-Amz-Signature",
    ].map((k) => query.get(k) ?? "");
    const signingDate = parseAmzDate(amzDate);
    if (algorithm !== "AWS4-HMAC-SHA256" || !credential || !signedList || !/^[0-9a-f]{64}$/.test(signature))
      return refuse(
        "incomplete",
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', " +
          "'X-Amz-SignedHeaders' and 'X-Amz-Date'.",
      );
    if (!signingDate) return refuse("incomplete", `X-Amz-Date must be in the ISO8601 Long Format: ${amzDate}`);
    const expiresIn = Number(expires);
    if (!/^\d+$/.test(expires) || expiresIn < 1 || expiresIn > MAX_PRESIGNED_SECONDS)
      return refuse(
        "incomplete",
        `X-Amz-Expires must be a number of seconds between 1 and ${MAX_PRESIGNED_SECONDS} (one week).`,
      );
    return {
      credential,
      signed: signedList.split(";"),
      signature,
      amzDate,
      signingDate,
      sessionToken: query.get("X-Amz-Security-Token") ?? undefined,
      expiresIn,
    };
  }
  if (!authorization || !authorization.startsWith("AWS4-HMAC-SHA256"))
    return refuse("missing", "Missing Authentication Token");
  const parts = AUTH.exec(authorization);
  const amzDate = header(req.headers, "x-amz-date");
  const signingDate = parseAmzDate(amzDate);
  if (!parts || !signingDate)
    return refuse(
      "incomplete",
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and the ` +
        `request an 'X-Amz-Date' header. Authorization=${authorization.split(" ")[0]}`,
    );
  return {
    credential: parts[1],
    signed: parts[2].split(";"),
    signature: parts[3],
    amzDate: amzDate!,
    signingDate,
    sessionToken: header(req.headers, "x-amz-security-token"),
  };
}

const stamp = (d: number) =>
  new Date(d)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/** What a signature covers, from a request as the local servers read it (the path as sent, undecoded). */
export const signedPart = (req: {
  method: string;
  path: string;
  rawPath?: string;
  rawQuery?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  receivedOn?: SignedRequest["receivedOn"];
}): SignedRequest => ({
  method: req.method,
  rawPath: req.rawPath ?? req.path,
  rawQuery: req.rawQuery,
  headers: req.headers,
  body: req.body,
  ...(req.receivedOn ? { receivedOn: req.receivedOn } : {}),
});

/**
 * Whether a signed `Host` names the local server that received the request. The Host header is part of every
 * SigV4 signature (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html, "the host header
 * must be included as a signed header"), and AWS computes the signature it expects over its own host: a request
 * signed for another host does not match it (SignatureDoesNotMatch, "The request signature we calculated does not
 * match…", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html). Locally the
 * server's host is 127.0.0.1 or localhost (or a name given) with the port it listens on, which may be left out
 * when it is the scheme's default.
 */
export function hostNamesThisServer(
  host: string | undefined,
  receivedOn: NonNullable<SignedRequest["receivedOn"]>,
  names: string[] = [],
): boolean {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec((host ?? "").trim().toLowerCase());
  if (!m) return false;
  const port = m[2] === undefined ? (receivedOn.tls ? 443 : 80) : Number(m[2]);
  return (
    ["127.0.0.1", "localhost", "[::1]", ...names.map((n) => n.toLowerCase())].includes(m[1]) && port === receivedOn.port
  );
}

export async function verifySigV4<C extends KnownCredentials>(
  req: SignedRequest,
  opts: VerifyOptions<C>,
): Promise<SigV4Outcome<C>> {
  const now = (opts.now ?? Date.now)();
  const claim = claimOf(req);
  if ("ok" in claim) return claim;
  const { credential, signed, signature, amzDate, signingDate } = claim;
  const [accessKeyId, day, region, service, terminator] = credential.split("/");
  if (!signed.includes("host"))
    return refuse("incomplete", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (terminator !== "aws4_request" || day !== amzDate.slice(0, 8))
    return refuse("incomplete", "Credential should be scoped to a valid date and end with aws4_request.");

  const creds = opts.lookup(accessKeyId);
  if (!creds || (creds.sessionToken ?? undefined) !== (claim.sessionToken ?? undefined))
    return refuse("unknown-credentials", "The security token included in the request is invalid.");
  if (creds.expiration !== undefined && creds.expiration <= now)
    return refuse("expired-credentials", "The security token included in the request is expired");
  if (region !== opts.region) return refuse("scope", `Credential should be scoped to a valid region. `);
  if (service !== opts.service)
    return refuse("scope", `Credential should be scoped to correct service: '${opts.service}'. `);

  // A header signature is good for five minutes either side of the service's clock; a presigned
  // one from X-Amz-Date until X-Amz-Expires seconds later.
  const signedAt = signingDate.getTime();
  const until = claim.expiresIn !== undefined ? signedAt + claim.expiresIn * 1000 : signedAt + CLOCK_SKEW_MS;
  if (until < now)
    return refuse(
      "skew",
      claim.expiresIn !== undefined
        ? `Signature expired: ${amzDate} + ${claim.expiresIn} s is now earlier than ${stamp(now)}`
        : `Signature expired: ${amzDate} is now earlier than ${stamp(now - CLOCK_SKEW_MS)} (${stamp(now)} - 5 min.)`,
    );
  if (signedAt > now + CLOCK_SKEW_MS)
    return refuse(
      "skew",
      `Signature not yet current: ${amzDate} is still later than ${stamp(now + CLOCK_SKEW_MS)} ` +
        `(${stamp(now)} + 5 min.)`,
    );

  // The signature covers the Host: one over another host is not the one this server calculates.
  if (req.receivedOn && !hostNamesThisServer(header(req.headers, "host"), req.receivedOn, opts.hostNames))
    return refuse("mismatch", SIGNATURE_MISMATCH);

  // The payload hash the caller signed, if it sent one, must be the body's.
  const body = req.body && req.body.length ? req.body : undefined;
  const contentHash = header(req.headers, "x-amz-content-sha256");
  if (
    signed.includes("x-amz-content-sha256") &&
    contentHash !==
      createHash("sha256")
        .update(body ?? Buffer.alloc(0))
        .digest("hex")
  ) {
    return refuse("mismatch", SIGNATURE_MISMATCH);
  }

  // Exactly the headers the caller signed, with the values received; the signer adds x-amz-date
  // (the same value) and, when signed, the session token; it adds no payload-hash header of its own.
  const headers = Object.fromEntries(signed.map((name) => [name, header(req.headers, name) ?? ""]));
  const tokenSigned = claim.expiresIn !== undefined || signed.includes("x-amz-security-token");
  const signer = new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(tokenSigned && creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  const request = {
    method: req.method,
    protocol: "https:",
    hostname: String(headers.host ?? ""),
    path: req.rawPath,
    query: queryOf(req.rawQuery),
    headers,
    body,
  };
  let expected: string;
  let expectedList: string | undefined;
  if (claim.expiresIn !== undefined) {
    // presign() sets every X-Amz-* parameter itself but the signature, which it computes.
    delete request.query["X-Amz-Signature"];
    const recomputed = await signer.presign(request, {
      signingDate,
      expiresIn: claim.expiresIn,
      signableHeaders: new Set(signed),
      unhoistableHeaders: new Set(signed),
    });
    expected = String(recomputed.query?.["X-Amz-Signature"] ?? "");
    expectedList = String(recomputed.query?.["X-Amz-SignedHeaders"] ?? "");
  } else {
    const recomputed = await signer.sign(request, {
      signingDate,
      signableHeaders: new Set(signed),
      unsignableHeaders: new Set(["x-amz-date", "x-amz-security-token"].filter((h) => !signed.includes(h))),
    });
    expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1] ?? "";
    expectedList = /SignedHeaders=([^,\s]+)/.exec(String(recomputed.headers.authorization))?.[1];
  }
  const sameList = expectedList === [...signed].sort().join(";");
  if (
    !sameList ||
    expected.length !== signature.length ||
    !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  )
    return refuse("mismatch", SIGNATURE_MISMATCH);
  return { ok: true, credentials: creds };
}

/** The message AWS services send for a signature that does not match. */
export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access " +
  "Key and signing method. Consult the service documentation for details.";
