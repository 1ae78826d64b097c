import * as http from "http";
import type { AddressInfo } from "net";
import { GatewayDeps, LocalGateway, NotEmulatedYet } from "./gateway";
import { httpApiGateways } from "./httpApi";
import { messageReply, readRequest, send } from "./http";
import { restApiGateways } from "./restApi";

export { NotEmulatedYet };
export type { GatewayDeps, LocalGateway };

/**
 * Front-door resources the program may record that no local emulator reproduces yet, by type
 * token. Anything here in the recorded program stops local mode with a clear message.
 */
const NOT_EMULATED: Record<string, string> = {
  "aws:lb/listener:Listener": "Application Load Balancer listeners and their authenticate actions",
  "aws:cognito/identityPool:IdentityPool": "Cognito identity pools and SigV4 (AWS_IAM) calls",
};

/** Every gateway the recorded program defines, each from its own recorded resources. */
export function gatewaysOf(deps: GatewayDeps): LocalGateway[] {
  for (const [type, what] of Object.entries(NOT_EMULATED)) if (deps.program.ofType(type).length) throw new NotEmulatedYet(what);
  const gateways = [...restApiGateways(deps), ...httpApiGateways(deps)];
  if (gateways.length === 0) throw new NotEmulatedYet("this program's front door (no API Gateway stage was recorded)");
  return gateways;
}

export interface GatewayServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** Serves the gateways on 127.0.0.1: each under its stage's base path. */
export async function serveGateways(gateways: LocalGateway[], port: number, log: (line: string) => void): Promise<GatewayServer> {
  const byLongestBase = [...gateways].sort((a, b) => b.basePath.length - a.basePath.length);
  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const request = await readRequest(req);
        const gateway = byLongestBase.find((g) => request.path === g.basePath || request.path.startsWith(`${g.basePath}/`));
        // A path outside every stage: API Gateway's answer to an unknown stage.
        if (!gateway) return send(res, messageReply(403, "Forbidden"));
        send(res, await gateway.handle({ ...request, path: request.path.slice(gateway.basePath.length) || "/" }));
      } catch (err) {
        log(`500: ${err instanceof Error ? err.stack : err}`);
        if (!res.headersSent) send(res, messageReply(500, "Internal server error"));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
