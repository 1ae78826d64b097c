import type { StackConfig } from "../config";
import { ConfigError } from "../configReader";
import { gatewayCustomDomain } from "../customDomain";
import type { RestApiOptions } from "../rest/restApi";

/**
 * What every REST door's build half (`<mode>/door.ts`) shares: its minimal config and the REST
 * API's settings from the stack's shared keys. What reports say of every REST door is restReport.ts.
 */

/** What every REST door needs set: the choice of who manages API Gateway's regional logging role. */
export const REST_MINIMAL_CONFIG = { apiGatewayAccountRole: true };

/**
 * The REST API settings every REST door takes from the stack's shared keys; only the auth differs.
 * A REST stage logs, and logging needs the region's API Gateway CloudWatch role, which one stack per
 * account and region sets: so a REST door needs the explicit choice `apiGatewayAccountRole`.
 */
export function restOptions(cfg: StackConfig): RestApiOptions {
  if (cfg.apiGatewayAccountRole === undefined) {
    throw new ConfigError(
      "apiGatewayAccountRole",
      `must be set for the ${cfg.authMode} door: its REST stage logs, which needs API Gateway's CloudWatch ` +
        `role, one per account and region. Set it true in exactly one stack per account and region (pulumi config ` +
        `set notes-auth:apiGatewayAccountRole true; that stack sets the role and keeps it on destroy), false in ` +
        `every other stack`,
    );
  }
  return {
    corsOrigins: cfg.corsOrigins,
    throttle: { rateLimit: cfg.throttleRateLimit, burstLimit: cfg.throttleBurstLimit },
    logRetentionDays: cfg.logRetentionDays,
    tracing: cfg.tracing,
    detailedMetrics: cfg.detailedMetrics,
    wafAclArn: cfg.wafAclArn,
    disableExecuteApiEndpoint: gatewayCustomDomain(cfg),
  };
}
