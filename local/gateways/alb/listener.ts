import type { RecordedResource } from "../../../offline/mocks";
import { NotEmulatedYet } from "../../recorded";
import type { LocalUserPool } from "../../services/idp";
import type { AwsApi } from "../../services/server";
import type { GatewayDeps } from "../gateway";
import type { GatewayReply } from "../http";
import { AlbSigningKey, newAlbKey } from "./albToken";
import { SessionCodec, cookiesOf, joinShards, shardCookies } from "./session";
import { regexValuesOf, ruleProblem } from "../../../awsRules/albConditions";

/**
 * One HTTPS listener of a load balancer as the request steps (steps/) read it, from the recorded
 * `LoadBalancer`, `Listener` (its default actions), `TargetGroup` and `TargetGroupAttachment`,
 * gathered once at start, with the load balancer's own session key and signing key. What this
 * emulator cannot reproduce stops local mode there, naming it.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 */
export interface AlbListener {
  lb: RecordedResource;
  lbArn: string;
  region: string;
  /** The listener's port, for x-forwarded-port. */
  port: number;
  /** The listener's default actions, by `order`: `authenticate-cognito` (optional), then `forward`. */
  actions: AlbAction[];
  /** The listener's rules (`aws:lb/listenerRule:ListenerRule`), by priority, lowest first (steps/rules.ts). */
  rules: AlbRule[];
  /** The authenticate-cognito action's settings, each with the ALB's default. */
  cookieName: string;
  sessionSeconds: number;
  scope: string;
  clientId: string;
  poolId: string;
  /** The user pool domain as AWS names it (`https://<domain>.auth.<region>.amazoncognito.com`). */
  awsDomain: string;
  targetGroupArn: string;
  targetGroup: RecordedResource;
  /** The registered Lambda target; none: every forward is a 502. */
  target?: RecordedResource;
  codec: SessionCodec;
  signingKey: AlbSigningKey & { pem: string };
  /** Logins under way, by `state`: the authenticate step finishes what the session step started. */
  pending: Map<string, { nonce: string; returnTo: string; binding: string; at: number }>;
  now(): number;
  /** The user pool the authenticate-cognito action names, as local mode runs it. */
  pool(): LocalUserPool;
}

/** A recorded listener action (`aws:lb/listener:Listener` `defaultActions`). */
export interface AlbAction {
  type: string;
  order?: number;
  authenticateCognito?: Record<string, any>;
  targetGroupArn?: string;
}

/**
 * A recorded listener rule, as the rules step evaluates it: its priority, its conditions
 * (`http-request-method`: the methods each matches; `http-header`: a header name and its value patterns;
 * `path-pattern`: path patterns), and its actions by `order`.
 */
export interface AlbRule {
  name: string;
  priority: number;
  methods: string[][];
  headers: { name: string; values: string[] }[];
  paths: string[][];
  actions: AlbAction[];
}

/** What an unauthenticated request gets from an authenticate action: the login (the default) or a 401. */
export type Unauthenticated = "authenticate" | "deny";

export const T = {
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
} as const;

/** The ALB's defaults: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html */
const DEFAULT_COOKIE = "AWSELBAuthSessionCookie";
const DEFAULT_TIMEOUT = 604800;

export function albListener(deps: GatewayDeps, lb: RecordedResource, listener: RecordedResource): AlbListener {
  const { program } = deps;
  const lbArn = String(program.stateOf(lb).arn);
  const region = lbArn.split(":")[3];
  const actions = inOrder(listener.inputs.defaultActions);
  const auth = actions.find((a) => a.type === "authenticate-cognito")?.authenticateCognito;
  const forward = actions.find((a) => a.type === "forward");
  if (!forward) throw new NotEmulatedYet("a load balancer listener without a forward action");
  const targetGroupArn = String(forward.targetGroupArn);
  const rules = listenerRules(deps, String(program.stateOf(listener).arn), targetGroupArn, auth);
  const targetGroup = program.ofType(T.targetGroup).find((t) => program.stateOf(t).arn === targetGroupArn);
  if (targetGroup?.inputs.targetType !== "lambda")
    throw new NotEmulatedYet(`target groups of type ${targetGroup?.inputs.targetType}`);
  const target = program.ofType(T.attachment).find((a) => a.inputs.targetGroupArn === targetGroupArn);
  unauthenticated(auth);

  const poolId =
    String(auth?.userPoolArn ?? "")
      .split("/")
      .pop() ?? "";
  const out: AlbListener = {
    lb,
    lbArn,
    region,
    port: Number(listener.inputs.port ?? 443),
    actions,
    rules,
    cookieName: cookieNameOf(auth),
    sessionSeconds: Number(auth?.sessionTimeout ?? DEFAULT_TIMEOUT),
    scope: String(auth?.scope ?? "openid"),
    clientId: String(auth?.userPoolClientId ?? ""),
    poolId,
    awsDomain: `https://${auth?.userPoolDomain}.auth.${region}.amazoncognito.com`,
    targetGroupArn,
    targetGroup,
    target,
    codec: new SessionCodec(),
    signingKey: newAlbKey(),
    pending: new Map(),
    now: () => (deps.now ?? Date.now)(),
    pool() {
      const found = deps.idp()?.pools.find((p) => p.poolId === poolId);
      if (!found)
        throw new NotEmulatedYet(`authenticate-cognito with user pool ${poolId}, which local mode does not run`);
      return found;
    },
  };
  deps.aws.add(keyEndpoints(out));
  return out;
}

/**
 * An authenticate action's `onUnauthenticatedRequest`: `authenticate` (the default: the login) and `deny` (a 401) are
 * emulated; `allow` stops local mode.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 */
export function unauthenticated(auth: Record<string, any> | undefined): Unauthenticated {
  const chosen = auth?.onUnauthenticatedRequest ?? "authenticate";
  if (chosen !== "authenticate" && chosen !== "deny") throw new NotEmulatedYet(`onUnauthenticatedRequest ${chosen}`);
  return chosen;
}

/** Recorded actions by `order`, each of a type this emulator runs. */
function inOrder(recorded: AlbAction[] | undefined): AlbAction[] {
  const actions = [...(recorded ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const unsupported = actions.find((a) => !["authenticate-cognito", "forward"].includes(a.type));
  if (unsupported)
    throw new NotEmulatedYet(
      `load balancer actions of type ` +
        `${unsupported.type}${
          unsupported.type === "authenticate-oidc" ? " (an external IdP has no local stand-in)" : ""
        }`,
    );
  return actions;
}

/**
 * The recorded rules of one listener, lowest priority first. Each condition here is an
 * `http-request-method` one (its values: exact, case-sensitive method names), an `http-header` one (a header name,
 * value patterns) or a `path-pattern` one (path patterns); a rule the load balancer would refuse (its conditions'
 * limits and priorities, awsRules/albConditions.ts) is refused here too. Other condition types, conditions matching
 * regular expressions (`regexValues`, which AWS allows), a rule without a priority (Pulumi gives it the next free one;
 * https://www.pulumi.com/registry/packages/aws/api-docs/lb/listenerrule/), two rules of one priority, a rule forwarding to another target group than the default rule's, and a rule that logs in at another
 * user pool, client or domain than the default rule (local mode runs one login per listener) stop local mode.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpRequestMethodConditionConfig.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_PathPatternConditionConfig.html
 */
function listenerRules(
  deps: GatewayDeps,
  listenerArn: string,
  targetGroupArn: string,
  auth: Record<string, any> | undefined,
): AlbRule[] {
  const CONDITIONS = ["httpRequestMethod", "httpHeader", "pathPattern"];
  const rules = deps.program
    .ofType(T.rule)
    .filter((r) => r.inputs.listenerArn === listenerArn)
    .map((r): AlbRule => {
      const conditions: Record<string, any>[] = r.inputs.conditions ?? [];
      const other = conditions.flatMap((c) => Object.keys(c).filter((k) => !CONDITIONS.includes(k) && c[k]));
      if (other.length) throw new NotEmulatedYet(`load balancer rule conditions ${other.join(", ")} (rule ${r.name})`);
      if (regexValuesOf(conditions).length)
        throw new NotEmulatedYet(
          `load balancer rule conditions matching regular expressions (regexValues, rule ${r.name})`,
        );
      if (r.inputs.priority === undefined)
        throw new NotEmulatedYet(`a load balancer rule without a priority (the next free one, rule ${r.name})`);
      const refused = ruleProblem(conditions, Number(r.inputs.priority));
      if (refused) throw new Error(`load balancer rule ${r.name}: the load balancer would refuse it (${refused})`);
      const actions = inOrder(r.inputs.actions);
      const elsewhere = actions.find((a) => a.type === "forward" && a.targetGroupArn !== targetGroupArn);
      if (elsewhere || !actions.some((a) => a.type === "forward"))
        throw new NotEmulatedYet(
          `a load balancer rule that does not forward to the listener's target group (${r.name})`,
        );
      const login = actions.find((a) => a.type === "authenticate-cognito")?.authenticateCognito;
      unauthenticated(login);
      if (login && !sameLogin(login, auth))
        throw new NotEmulatedYet(`a load balancer rule that logs in otherwise than the listener's default (${r.name})`);
      return {
        name: r.name,
        priority: Number(r.inputs.priority),
        methods: conditions.filter((c) => c.httpRequestMethod).map((c) => c.httpRequestMethod.values.map(String)),
        headers: conditions
          .filter((c) => c.httpHeader)
          .map((c) => ({ name: String(c.httpHeader.httpHeaderName), values: (c.httpHeader.values ?? []).map(String) })),
        paths: conditions.filter((c) => c.pathPattern).map((c) => (c.pathPattern.values ?? []).map(String)),
        actions,
      };
    })
    .sort((a, b) => a.priority - b.priority);
  const same = rules.find((r, i) => i > 0 && rules[i - 1].priority === r.priority);
  if (same)
    throw new Error(`load balancer rule ${same.name}: another rule of this listener has priority ${same.priority}`);
  return rules;
}

/** An authenticate-cognito action's session cookie name (`sessionCookieName`, or the ALB's default). */
export const cookieNameOf = (auth: Record<string, any> | undefined) =>
  String(auth?.sessionCookieName ?? DEFAULT_COOKIE);

/** Two authenticate-cognito configs that log in alike: the same user pool, client and domain. */
const sameLogin = (a: Record<string, any>, b: Record<string, any> | undefined) =>
  ["userPoolArn", "userPoolClientId", "userPoolDomain"].every((k) => String(a[k]) === String(b?.[k]));

/**
 * The load balancer's public key, where the handler fetches it (`<base>/<kid>`), and the
 * local-only helper that re-dates a session (the contract's expired-cookie check).
 */
function keyEndpoints(l: AlbListener): AwsApi {
  const keyBase = `/public-keys.auth.elb.${l.region}`;
  return async (req) => {
    if (req.method === "GET" && req.path === `${keyBase}/${l.signingKey.kid}`)
      return { status: 200, headers: { "content-type": "text/plain" }, body: Buffer.from(l.signingKey.pem) };
    if (req.method === "POST" && req.path === `/local/alb/${encodeURIComponent(l.lb.name)}/expired-session`) {
      const session = joinShards(
        cookiesOf({ ...req, headers: { cookie: req.body?.toString("utf8") ?? "" } }),
        l.cookieName,
      );
      const open = session ? l.codec.open(session) : undefined;
      if (!open)
        return {
          status: 400,
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ message: "not a session of this load balancer" })),
        };
      const cookies = shardCookies(l.cookieName, l.codec.seal({ ...open, exp: Math.floor(l.now() / 1000) - 60 })).map(
        (c) => c.split(";")[0],
      );
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ cookie: cookies.join("; ") })),
      };
    }
    return undefined;
  };
}

/** The load balancer's own error page. */
export const errorPage = (status: number, text: string): GatewayReply => ({
  status,
  headers: { "content-type": "text/html" },
  body: Buffer.from(
    `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ` +
      `${text}</h1></center></body></html>\n`,
  ),
});
