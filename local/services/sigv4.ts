import { timingSafeEqual, createHash } from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";

/**
 * SigV4 as an AWS service checks it, for every local endpoint that takes signed requests
 * (API Gateway's AWS_IAM methods, STS, the user pool's admin API, Lambda Invoke). The signature is
 * recomputed with @smithy/signature-v4, the AWS SDK's own signer, over exactly the headers the
 * caller says it signed, and compared in constant time.
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

export async function verifySigV4<C extends KnownCredentials>(
  req: SignedRequest,
  opts: VerifyOptions<C>,
): Promise<SigV4Outcome<C>> {
  const now = (opts.now ?? Date.now)();
  const authorization = header(req.headers, "authorization");
  if (!authorization || !authorization.startsWith("AWS4-HMAC-SHA256"))
    return { ok: false, failure: "missing", message: "Missing Authentication Token" };
  const parts = AUTH.exec(authorization);
  const amzDate = header(req.headers, "x-amz-date");
  const signingDate = parseAmzDate(amzDate);
  if (!parts || !signingDate) {
    return {
      ok: false,
      failure: "incomplete",
      message:
        `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, and the ` +
        `request an 'X-Amz-Date' header. Authorization=${authorization.split(" ")[0]}`,
    };
  }
  const [, credential, signedList, signature] = parts;
  const [accessKeyId, day, region, service, terminator] = credential.split("/");
  const signed = signedList.split(";");
  if (!signed.includes("host"))
    return {
      ok: false,
      failure: "incomplete",
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  if (terminator !== "aws4_request" || day !== amzDate!.slice(0, 8))
    return {
      ok: false,
      failure: "incomplete",
      message: "Credential should be scoped to a valid date and end with aws4_request.",
    };

  const creds = opts.lookup(accessKeyId);
  const presentedToken = header(req.headers, "x-amz-security-token");
  if (!creds || (creds.sessionToken ?? undefined) !== (presentedToken ?? undefined))
    return {
      ok: false,
      failure: "unknown-credentials",
      message: "The security token included in the request is invalid.",
    };
  if (creds.expiration !== undefined && creds.expiration <= now)
    return {
      ok: false,
      failure: "expired-credentials",
      message: "The security token included in the request is expired",
    };
  if (region !== opts.region)
    return { ok: false, failure: "scope", message: `Credential should be scoped to a valid region. ` };
  if (service !== opts.service)
    return {
      ok: false,
      failure: "scope",
      message: `Credential should be scoped to correct service: '${opts.service}'. `,
    };

  const stamp = (d: number) =>
    new Date(d)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
  if (signingDate.getTime() < now - CLOCK_SKEW_MS)
    return {
      ok: false,
      failure: "skew",
      message:
        `Signature expired: ${amzDate} is now earlier than ${stamp(now - CLOCK_SKEW_MS)} (${stamp(now)} - 5 ` + `min.)`,
    };
  if (signingDate.getTime() > now + CLOCK_SKEW_MS)
    return {
      ok: false,
      failure: "skew",
      message:
        `Signature not yet current: ${amzDate} is still later than ${stamp(now + CLOCK_SKEW_MS)} ` +
        `(${stamp(now)} + 5 min.)`,
    };

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
    return { ok: false, failure: "mismatch", message: SIGNATURE_MISMATCH };
  }

  // Exactly the headers the caller signed, with the values received; the signer adds x-amz-date
  // (the same value) and, when signed, the session token; it adds no payload-hash header of its own.
  const headers = Object.fromEntries(signed.map((name) => [name, header(req.headers, name) ?? ""]));
  const signer = new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(signed.includes("x-amz-security-token") && creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  const recomputed = await signer.sign(
    {
      method: req.method,
      protocol: "https:",
      hostname: String(headers.host ?? ""),
      path: req.rawPath,
      query: queryOf(req.rawQuery),
      headers,
      body,
    },
    {
      signingDate,
      signableHeaders: new Set(signed),
      unsignableHeaders: new Set(["x-amz-date", "x-amz-security-token"].filter((h) => !signed.includes(h))),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1] ?? "";
  const sameList =
    /SignedHeaders=([^,\s]+)/.exec(String(recomputed.headers.authorization))?.[1] === [...signed].sort().join(";");
  if (!sameList || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature)))
    return { ok: false, failure: "mismatch", message: SIGNATURE_MISMATCH };
  return { ok: true, credentials: creds };
}

/** The message AWS services send for a signature that does not match. */
export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access " +
  "Key and signing method. Consult the service documentation for details.";
