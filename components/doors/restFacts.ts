import type { Capability, CellSpec } from "./door";

/** The report's variant with a web ACL, for the WAF cell (any web ACL ARN; mocks never call AWS). */
export const WAF_VARIANT = { waf: { wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc" } };

/** What every REST door needs set: the choice of who manages API Gateway's regional logging role. */
export const REST_MINIMAL_CONFIG = { apiGatewayAccountRole: true };

/** The capability cells every door on the shared REST API has (components/rest/restApi.ts). */
export function restCapabilities(): Pick<Record<Capability, CellSpec<"preflight" | "stageThrottle" | "waf">>, "Throttling and quotas per client" | "CORS" | "WAF" | "Custom domain"> {
  return {
    "Throttling and quotas per client": { cite: "stageThrottle", text: "stage-wide only (all callers share it)" },
    CORS: { cite: "preflight", text: "OPTIONS preflight + CORS on 4xx/5xx, listed origins only" },
    WAF: { cite: "waf", variant: "waf", text: "web ACL associated (`wafAclArn`)" },
    "Custom domain": { evidence: "not built", text: "not built" },
  };
}
