import { albGateways } from "./alb";
import { GatewayDeps, LocalGateway, NotEmulatedYet } from "./gateway";
import { httpApiGateways } from "./httpApi";
import { LocalServer, listen, messageReply } from "./http";
import { restApiGateways } from "./restApi";

export { NotEmulatedYet };
export type { GatewayDeps, LocalGateway };

/** Every gateway the recorded program defines, each from its own recorded resources. */
export function gatewaysOf(deps: GatewayDeps): LocalGateway[] {
  const gateways = [...restApiGateways(deps), ...httpApiGateways(deps), ...albGateways(deps)];
  if (gateways.length === 0) throw new NotEmulatedYet("this program's front door (no API Gateway stage or load balancer listener was recorded)");
  return gateways;
}

export interface GatewayServer extends LocalServer {
  /** Starts answering with these gateways (until then, 503). */
  serve(gateways: LocalGateway[]): void;
}

/**
 * Listens on 127.0.0.1 first (so the local origin is known before the services that need it
 * start), then serves the gateways, each under its stage's base path.
 */
export async function listenForGateways(port: number, log: (line: string) => void): Promise<GatewayServer> {
  let byLongestBase: LocalGateway[] | undefined;
  const server = await listen(port, async (request) => {
    if (!byLongestBase) return messageReply(503, "Service Unavailable");
    const gateway = byLongestBase.find((g) => request.path === g.basePath || request.path.startsWith(`${g.basePath}/`));
    // A path outside every stage: API Gateway's answer to an unknown stage.
    if (!gateway) return messageReply(403, "Forbidden");
    return gateway.handle({ ...request, path: request.path.slice(gateway.basePath.length) || "/" });
  }, log);
  return { ...server, serve: (gateways) => void (byLongestBase = [...gateways].sort((a, b) => b.basePath.length - a.basePath.length)) };
}
