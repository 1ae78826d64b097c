import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";
import type { ApiRequest } from "./http/request";

/** The client certificate API Gateway checked during mutual TLS, as it hands it over. */
export interface ClientCert {
  subjectDN: string;
  issuerDN: string;
  serialNumber: string;
  notBefore?: string;
  notAfter?: string;
}

/**
 * The certificate the gateway verified on a mutual-TLS custom domain, from the event's verified
 * context only: REST `requestContext.identity.clientCert`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html),
 * HTTP API `requestContext.authentication.clientCert`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 * A header claiming a certificate means nothing; the ALB door has no mutual TLS here.
 */
export function clientCertOf(req: ApiRequest): ClientCert | undefined {
  let raw: Partial<Record<string, unknown>> | null | undefined;
  switch (req.shape) {
    case "rest-v1":
      raw = (req.event as APIGatewayProxyEvent).requestContext?.identity?.clientCert as
        Partial<Record<string, unknown>> | null | undefined;
      break;
    case "http-v2":
      raw = (
        (req.event as APIGatewayProxyEventV2).requestContext as {
          authentication?: { clientCert?: Partial<Record<string, unknown>> } | null;
        }
      ).authentication?.clientCert;
      break;
    case "alb":
      return undefined;
    default: {
      const unreachable: never = req.shape;
      throw new Error(`unknown event shape ${unreachable}`);
    }
  }
  if (
    !raw ||
    typeof raw.subjectDN !== "string" ||
    typeof raw.serialNumber !== "string" ||
    typeof raw.issuerDN !== "string"
  )
    return undefined;
  const validity = (raw.validity ?? {}) as { notBefore?: unknown; notAfter?: unknown };
  return {
    subjectDN: raw.subjectDN,
    issuerDN: raw.issuerDN,
    serialNumber: raw.serialNumber,
    ...(typeof validity.notBefore === "string" ? { notBefore: validity.notBefore } : {}),
    ...(typeof validity.notAfter === "string" ? { notAfter: validity.notAfter } : {}),
  };
}
