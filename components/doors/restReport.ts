import type { Capability, CellSpec } from "./report";

/** The report's variant with a web ACL, for the WAF cell (any web ACL ARN; mocks never call AWS). */
export const WAF_VARIANT = { waf: { wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc" } };

/** The report's variant with the stack's alarms, for every door (an email makes the topic too). */
export const ALARMS_VARIANT = { alarms: { alarmEmail: "ops@example.com" } };

/** The report's variants with a custom domain, and with mutual TLS on it (any values; mocks never call AWS). */
export const DOMAIN_VARIANTS = {
  domain: {
    domainName: "api.example.com",
    domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-2222-4b4b-8888-abcdefabcdef",
    hostedZoneId: "Z0123456789EXAMPLE",
  },
  mtls: {
    domainName: "api.example.com",
    domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-2222-4b4b-8888-abcdefabcdef",
    mtlsTruststoreUri: "s3://notes-truststore/clients-ca.pem",
  },
};

/**
 * The cells of every API Gateway door (REST or HTTP) for what the stack's custom domain gives it, and what the door
 * needs to run beside another over one backend: its own API, so its own URL, and under the custom domain an API
 * mapping at a base path of its own. One API Gateway custom domain takes REST and HTTP API stages alike, each at its
 * own path ("You can map HTTP and REST API stages to the same custom domain name",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html).
 */
export function gatewayDomainCapabilities(): Pick<
  Record<Capability, CellSpec<never>>,
  "Custom domain" | "mTLS" | "Run beside another door"
> {
  return {
    "Run beside another door": {
      cite: "domain:domainName",
      variant: "domain",
      text:
        "needs its own API and URL; under the custom domain, an API mapping at a path of its own (`/<door>`) " +
        "beside the other REST and HTTP API doors",
    },
    "Custom domain": {
      cite: "domain:domainName",
      variant: "domain",
      text:
        "regional custom domain (`domainName`), one for every gateway door; execute-api endpoint off; alias " +
        "record with `hostedZoneId`",
    },
    mTLS: {
      cite: "domain:mtls",
      variant: "mtls",
      text: "client certificates checked on the custom domain (`mtlsTruststoreUri`); certificate subject on /me",
    },
  };
}

/** The capability cells every door on the shared REST API has (components/rest/restApi.ts). */
export function restCapabilities(): Pick<
  Record<Capability, CellSpec<"preflight" | "stageThrottle" | "waf">>,
  "Throttling and quotas per client" | "CORS" | "WAF" | "Custom domain" | "mTLS" | "Run beside another door"
> {
  return {
    "Throttling and quotas per client": { cite: "stageThrottle", text: "stage-wide only (all callers share it)" },
    CORS: { cite: "preflight", text: "OPTIONS preflight + CORS on 4xx/5xx, listed origins only" },
    WAF: { cite: "waf", variant: "waf", text: "web ACL associated (`wafAclArn`)" },
    ...gatewayDomainCapabilities(),
  };
}
