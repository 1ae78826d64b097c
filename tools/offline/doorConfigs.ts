import { AuthMode } from "../../components/config";

/**
 * The least config each door needs, with one CORS origin: what the tests and the comparison
 * report run, so both describe the same stacks (and share the memoized runs).
 */
export const MINIMAL_CONFIG: Record<AuthMode, Record<string, unknown>> = {
  cognito: {},
  iam: {},
  "api-key": { apiKeyClients: ["reporting", "ops"] },
  "http-jwt": {},
  "alb-oidc": { albCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef" },
};

/** The stack name of offline runs (it only shows in derived names such as the Cognito domain). */
export const OFFLINE_STACK = "test";

/** A full config for a door: region, one CORS origin, the door's minimum, then `extra`. */
export function doorConfig(mode: AuthMode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { "aws:region": "us-east-1", authMode: mode, corsOrigins: ["https://app.example.com"], ...MINIMAL_CONFIG[mode], ...extra };
}
