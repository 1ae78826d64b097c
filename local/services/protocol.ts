import { randomUUID } from "crypto";
import type { GatewayReply } from "../gateways/http";
import { headerValue, IncomingRequest } from "../gateways/events";
import type { SigV4Failure, SignedRequest } from "./sigv4";

/**
 * The wire protocols of the AWS APIs local mode answers, as the AWS SDK speaks them:
 * - AWS JSON 1.1 (Cognito identity pools, Cognito user pools): `POST /`, `X-Amz-Target:
 *   <prefix>.<Operation>`, JSON body; errors are `{"__type", "message"}` with a 4xx status.
 *   https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 * - AWS query (STS): a form `Action=<Operation>&Version=…`; answers and errors are XML.
 *   https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
 * - REST-JSON (Lambda Invoke): the operation is the path.
 */

/** A request to a local AWS API, with what signature checks need. */
export interface AwsRequest extends IncomingRequest {
  rawPath: string;
}

/** `X-Amz-Target: <prefix>.<Operation>`: the operation, when the prefix is this service's. */
export function jsonTarget(req: IncomingRequest, prefix: string): string | undefined {
  const target = headerValue(req.headers, "x-amz-target") ?? "";
  return target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : undefined;
}

export function jsonReply(body: unknown, status = 200): GatewayReply {
  return { status, headers: { "content-type": "application/x-amz-json-1.1" }, body: Buffer.from(JSON.stringify(body)) };
}

/** A JSON-protocol error: the SDK throws an exception named by `__type`. */
export function jsonError(type: string, message: string, status = 400): GatewayReply {
  return {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
    body: Buffer.from(JSON.stringify({ __type: type, message })),
  };
}

export const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A query-protocol answer: `<{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata>…` */
export function queryReply(operation: string, namespace: string, resultXml: string): GatewayReply {
  const body =
    `<${operation}Response ` +
    (`xmlns="${namespace}"><${operation}Result>${resultXml}</${operation}Result><ResponseMetadata><RequestId>` +
      `${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`);
  return { status: 200, headers: { "content-type": "text/xml" }, body: Buffer.from(body) };
}

/**
 * A query-protocol error:
 * `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…`
 */
export function queryError(namespace: string, code: string, message: string, status = 400): GatewayReply {
  const body =
    `<ErrorResponse ` +
    (`xmlns="${namespace}"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code><Message>` +
      `${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
  return { status, headers: { "content-type": "text/xml" }, body: Buffer.from(body) };
}

/** The JSON body of a request; undefined when it does not parse. */
export function jsonBody(req: IncomingRequest): Record<string, any> | undefined {
  try {
    const v = JSON.parse(req.body?.toString("utf8") || "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The exception a JSON-protocol service names for a refused signature.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
 */
export function jsonSignatureError(failure: SigV4Failure): string {
  const names: Record<SigV4Failure, string> = {
    missing: "MissingAuthenticationTokenException",
    incomplete: "IncompleteSignatureException",
    "unknown-credentials": "UnrecognizedClientException",
    "expired-credentials": "ExpiredTokenException",
    skew: "InvalidSignatureException",
    scope: "InvalidSignatureException",
    mismatch: "InvalidSignatureException",
  };
  return names[failure];
}
