import type { IncomingRequest } from "../gateways/events";
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

export async function listenForAws(port: number, log: (line: string) => void): Promise<LocalAwsServer> {
  const apis: AwsApi[] = [];
  const server = await listen(
    port,
    async (req: IncomingRequest) => {
      const request: AwsRequest = { ...req, rawPath: req.rawPath ?? req.path };
      for (const api of apis) {
        const reply = await api(request);
        if (reply) return reply;
      }
      return jsonError("UnknownOperationException", `local mode does not serve ${req.method} ${req.path}`, 404);
    },
    log,
  );
  return { ...server, add: (...more) => void apis.push(...more) };
}
