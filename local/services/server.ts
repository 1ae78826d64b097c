import { headerValue, IncomingRequest } from "../gateways/events";
import { GatewayReply, LocalServer, listen } from "../gateways/http";
import { AwsRequest, jsonError } from "./protocol";

/**
 * One loopback endpoint for the AWS APIs local mode answers (STS, Cognito identity pools, the
 * user pool's admin API, Lambda Invoke, the ALB's public keys). The SDKs reach it through their
 * documented endpoint overrides (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY`,
 * …, or `AWS_ENDPOINT_URL` for all), each API recognised by its own protocol: the JSON
 * protocol's `X-Amz-Target` prefix, the query protocol's `Action`, or a REST path.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */

/** An API: answers the requests that are its own, undefined for the rest. */
export type AwsApi = (req: AwsRequest) => Promise<GatewayReply | undefined>;

export interface LocalAwsServer extends LocalServer {
  /** Adds APIs (those that need services started after the endpoint). */
  add(...apis: AwsApi[]): void;
}

/**
 * Browsers: the user pools API's client-side operations and the identity pool's are called from web apps on any
 * origin (Amplify in a browser), and Cognito's CORS cannot be configured, so the endpoint answers a preflight for any
 * origin and lets any origin read its answers, with the error type header the clients read.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pools-API-operations.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html
 */
function cors(req: IncomingRequest, reply: GatewayReply): GatewayReply {
  if (!headerValue(req.headers, "origin")) return reply;
  return {
    ...reply,
    headers: {
      ...reply.headers,
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "x-amzn-errortype, x-amzn-requestid, x-amzn-errormessage",
    },
  };
}

function preflight(req: IncomingRequest): GatewayReply | undefined {
  const method = headerValue(req.headers, "access-control-request-method");
  if (req.method !== "OPTIONS" || !method || !headerValue(req.headers, "origin")) return undefined;
  return {
    status: 200,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": headerValue(req.headers, "access-control-request-headers") ?? "content-type",
      "access-control-max-age": "86400",
    },
    body: Buffer.alloc(0),
  };
}

export async function listenForAws(port: number, log: (line: string) => void): Promise<LocalAwsServer> {
  const apis: AwsApi[] = [];
  const server = await listen(
    port,
    async (req: IncomingRequest) => {
      const early = preflight(req);
      if (early) return early;
      const request: AwsRequest = { ...req, rawPath: req.rawPath ?? req.path };
      for (const api of apis) {
        const reply = await api(request);
        if (reply) return cors(req, reply);
      }
      return cors(
        req,
        jsonError("UnknownOperationException", `local mode does not serve ${req.method} ${req.path}`, 404),
      );
    },
    log,
  );
  return { ...server, add: (...more) => void apis.push(...more) };
}
