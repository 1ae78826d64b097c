import type { GatewayDeps, LocalGateway } from "../gateway";
import { runSteps } from "../steps";
import type { AlbStep } from "./context";
import { AlbRule, T, albListener, unauthenticated } from "./listener";
import { authenticate } from "./steps/authenticate";
import { forward } from "./steps/forward";
import { rules } from "./steps/rules";
import { session } from "./steps/session";

/**
 * Application Load Balancers, from the recorded `LoadBalancer`, `Listener` (its default actions:
 * `authenticate-cognito`, then `forward`), `ListenerRule` (http-request-method, http-header and path-pattern
 * conditions),
 * `TargetGroup` and `TargetGroupAttachment`: the HTTPS
 * listener, served on the local port over plain HTTP (no certificate locally).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */

/** A request's path through a listener, in order (each step in steps/, named as its file). */
export const ALB_STEPS: readonly AlbStep[] = [rules, authenticate, session, forward];

export function albGateways(deps: GatewayDeps): LocalGateway[] {
  const { program } = deps;
  return program.ofType(T.loadBalancer).flatMap((lb) => {
    const lbArn = String(program.stateOf(lb).arn);
    const listeners = program.ofType(T.listener).filter((l) => l.inputs.loadBalancerArn === lbArn);
    // The listener clients use: HTTPS (authenticate actions are HTTPS-only); a port-80 redirect is not served.
    const https = listeners.find((l) => l.inputs.protocol === "HTTPS");
    if (!https) return [];
    const listener = albListener(deps, lb, https);
    const auth = listener.actions.some((a) => a.type === "authenticate-cognito");
    const gateway: LocalGateway = {
      describe:
        `Application Load Balancer ${lb.name}, HTTPS listener ` +
        `(${auth ? `authenticate-cognito, cookie ${listener.cookieName}, ` : ""}forward to ` +
        `${listener.targetGroup.name}${listener.rules.map((r) => `; rule ${r.name}: ${ruleText(r)}`).join("")})`,
      basePath: "",
      invokeUrl: `https://${program.stateOf(lb).dnsName}`,
      async handle(req) {
        const reply = await runSteps(ALB_STEPS, { deps, listener, req });
        if (!reply) throw new Error(`${req.method} ${req.path}: the load balancer's steps gave no reply`);
        return reply;
      },
    };
    return [gateway];
  });
}

/** A rule as the start banner lists it: its methods, headers and paths, and whether its actions log in (or deny). */
const ruleText = (r: AlbRule) => {
  const login = r.actions.find((a) => a.type === "authenticate-cognito")?.authenticateCognito;
  return (
    [
      ...r.methods.map((m) => m.join("|")),
      ...r.headers.map((h) => `${h.name}: ${h.values.join("|")}`),
      ...r.paths.map((p) => `path ${p.join("|")}`),
    ].join(" and ") +
    `, ${!login ? "without the login" : unauthenticated(login) === "deny" ? "401 without a session" : "with the login"}`
  );
};
