import { albGateways } from "./alb/index";
import { NotEmulatedYet } from "../recorded";
import { GatewayDeps, LocalGateway } from "./gateway";
import { httpApiGateways } from "./httpApi";
import { ListeningServer, MutualTls, listen, messageReply } from "./http";
import { RecordedDomain, Route, router } from "./domain";
import { restApiGateways } from "./rest/index";

export { recordedDomain } from "./domain";
export type { RecordedDomain };
export type { GatewayDeps, LocalGateway };

/** Every gateway the recorded program defines, each from its own recorded resources. */
export function gatewaysOf(deps: GatewayDeps): LocalGateway[] {
  const gateways = [...restApiGateways(deps), ...httpApiGateways(deps), ...albGateways(deps)];
  if (gateways.length === 0)
    throw new NotEmulatedYet("this program's front door (no API Gateway stage or load balancer listener was recorded)");
  return gateways;
}

export interface GatewayServer extends ListeningServer {
  /** Starts answering with these gateways, on the custom domain's mappings if the program has one (until then, 503). */
  serve(gateways: LocalGateway[], domain?: RecordedDomain): void;
}

/**
 * Listens on 127.0.0.1 first (so the local origin is known before the services that need it
 * start), then serves the gateways: each under its stage's base path, or through the custom
 * domain's mappings. With `tls`, over HTTPS with mutual TLS (a custom domain that asks for it).
 */
export async function listenForGateways(
  port: number,
  log: (line: string) => void,
  tls?: MutualTls,
): Promise<GatewayServer> {
  let route: Route | undefined;
  const server = await listen(
    port,
    async (request) => {
      if (!route) return messageReply(503, "Service Unavailable");
      const found = route(request.path);
      // A path outside every stage and mapping: API Gateway's answer to an unknown stage.
      if (!found) return messageReply(403, "Forbidden");
      return found.gateway.handle({ ...request, path: found.path });
    },
    log,
    tls,
  );
  return { ...server, serve: (gateways, domain) => void (route = router(gateways, domain)) };
}
