import * as crypto from "crypto";
import type { RecordedResource } from "../../../offline/mocks";
import { AlbSigningKey, newAlbKey, signAlbData } from "./albToken";
import { IncomingRequest, albTargetEvent, headerValue } from "../events";
import { NotEmulatedYet } from "../../recorded";
import { GatewayDeps, LocalGateway, accountOf } from "../gateway";
import { GatewayReply, proxyResult } from "../http";
import { verifySignedToken } from "../jwt";

/**
 * Application Load Balancers, from the recorded `LoadBalancer`, `Listener` (its default actions:
 * `authenticate-cognito`, then `forward`), `TargetGroup` and `TargetGroupAttachment`: the HTTPS
 * listener, served on the local port over plain HTTP (no certificate locally).
 * - A request without a valid session is redirected (302) to the user pool's authorization
 *   endpoint with `client_id`, `redirect_uri=<scheme>://<the host the client used>/oauth2/idpresponse`,
 *   `response_type=code`, the recorded `scope`, `state` and `nonce`
 *   (`onUnauthenticatedRequest: authenticate`); the login must finish within 15 minutes.
 * - `/oauth2/idpresponse` exchanges the code at the token endpoint with the recorded login client
 *   (and the secret the user pool keeps for it), checks the ID token, asks the user-info endpoint
 *   for the claims and sets the session cookie: the recorded `sessionCookieName` (sharded as
 *   `<name>-0`, `-1`, …), valid for the recorded `sessionTimeout`. A tampered or expired cookie
 *   is no session.
 * - Forwarded requests carry `x-amzn-oidc-accesstoken`, `x-amzn-oidc-identity` (the user-info
 *   `sub`) and `x-amzn-oidc-data`: the user-info claims signed with ES256 by this load balancer
 *   (`signer` = its recorded ARN, a `kid` whose PEM public key the local key endpoint serves at
 *   `<endpoint>/<kid>`); whatever x-amzn-oidc-* headers the client sent are dropped.
 * - The target is the recorded Lambda target, invoked as the load balancer (its Permission
 *   decides) with the ALB event; a failure is 502.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */

const T = {
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  rule: "aws:lb/listenerRule:ListenerRule",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
} as const;

/** "A client must initiate and complete the authentication process within 15 minutes." */
const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Cookies over 4 KB are sharded. */
const SHARD = 4000;
/** The ALB's defaults: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateCognitoActionConfig.html */
const DEFAULT_COOKIE = "AWSELBAuthSessionCookie";
const DEFAULT_TIMEOUT = 604800;

/** What the session cookie holds (encrypted and authenticated with the load balancer's own key). */
export interface AlbSession {
  /** The user-info claims. */
  claims: Record<string, unknown>;
  accessToken: string;
  /** Seconds since the epoch: the session's end (the recorded session timeout after sign-in). */
  exp: number;
}

/** Seals and opens session cookies: AES-256-GCM, so a changed byte is no session. */
export class SessionCodec {
  constructor(private readonly key: Buffer = crypto.randomBytes(32)) {}
  seal(session: AlbSession): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(session)), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }
  open(value: string): AlbSession | undefined {
    try {
      const raw = Buffer.from(value, "base64url");
      const decipher = crypto.createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
    } catch {
      return undefined;
    }
  }
}

/** Cookies of a request, by name. */
export function cookiesOf(req: IncomingRequest): Map<string, string> {
  const out = new Map<string, string>();
  const raw = Object.entries(req.headers)
    .filter(([k]) => k.toLowerCase() === "cookie")
    .flatMap(([, v]) => (Array.isArray(v) ? v : [v ?? ""]));
  for (const part of raw.join(";").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The session cookie's value from its shards `<name>-0`, `<name>-1`, … */
export function joinShards(cookies: Map<string, string>, name: string): string | undefined {
  const parts: string[] = [];
  for (let i = 0; cookies.has(`${name}-${i}`); i++) parts.push(cookies.get(`${name}-${i}`)!);
  return parts.length ? parts.join("") : undefined;
}

/** Set-Cookie headers for a session value, in shards. The ALB's cookies are always Secure. */
export function shardCookies(name: string, value: string): string[] {
  const shards = value.match(new RegExp(`.{1,${SHARD}}`, "g")) ?? [""];
  return shards.map((part, i) => `${name}-${i}=${part}; Path=/; Secure; HttpOnly`);
}

const page = (status: number, text: string): GatewayReply => ({
  status,
  headers: { "content-type": "text/html" },
  body: Buffer.from(
    `<html><head><title>${status} ${text}</title></head><body><center><h1>${status} ${text}</h1></center></body></html>\n`,
  ),
});

export function albGateways(deps: GatewayDeps): LocalGateway[] {
  const { program } = deps;
  if (program.ofType(T.rule).length) throw new NotEmulatedYet("load balancer listener rules");
  return program.ofType(T.loadBalancer).flatMap((lb) => {
    const lbArn = String(program.stateOf(lb).arn);
    const listeners = program.ofType(T.listener).filter((l) => l.inputs.loadBalancerArn === lbArn);
    // The listener clients use: HTTPS (authenticate actions are HTTPS-only); a port-80 redirect is not served.
    const https = listeners.find((l) => l.inputs.protocol === "HTTPS");
    return https ? [albListener(deps, lb, https)] : [];
  });
}

function albListener(deps: GatewayDeps, lb: RecordedResource, listener: RecordedResource): LocalGateway {
  const { program } = deps;
  const lbArn = String(program.stateOf(lb).arn);
  const region = lbArn.split(":")[3];
  const actions = [...(listener.inputs.defaultActions ?? [])].sort((a: any, b: any) => (a.order ?? 0) - (b.order ?? 0));
  const unsupported = actions.find((a: any) => !["authenticate-cognito", "forward"].includes(a.type));
  if (unsupported)
    throw new NotEmulatedYet(
      `load balancer actions of type ${unsupported.type}${unsupported.type === "authenticate-oidc" ? " (an external IdP has no local stand-in)" : ""}`,
    );
  const auth = actions.find((a: any) => a.type === "authenticate-cognito")?.authenticateCognito;
  const forward = actions.find((a: any) => a.type === "forward");
  if (!forward) throw new NotEmulatedYet("a load balancer listener without a forward action");
  const targetGroupArn = String(forward.targetGroupArn);
  const targetGroup = program.ofType(T.targetGroup).find((t) => program.stateOf(t).arn === targetGroupArn);
  if (targetGroup?.inputs.targetType !== "lambda")
    throw new NotEmulatedYet(`target groups of type ${targetGroup?.inputs.targetType}`);
  const target = program.ofType(T.attachment).find((a) => a.inputs.targetGroupArn === targetGroupArn);
  if (auth && auth.onUnauthenticatedRequest && auth.onUnauthenticatedRequest !== "authenticate")
    throw new NotEmulatedYet(`onUnauthenticatedRequest ${auth.onUnauthenticatedRequest}`);

  const cookieName = String(auth?.sessionCookieName ?? DEFAULT_COOKIE);
  const sessionSeconds = Number(auth?.sessionTimeout ?? DEFAULT_TIMEOUT);
  const scope = String(auth?.scope ?? "openid");
  const clientId = String(auth?.userPoolClientId ?? "");
  const poolId =
    String(auth?.userPoolArn ?? "")
      .split("/")
      .pop() ?? "";
  const awsDomain = `https://${auth?.userPoolDomain}.auth.${region}.amazoncognito.com`;
  const codec = new SessionCodec();
  const signingKey: AlbSigningKey & { pem: string } = newAlbKey();
  const pending = new Map<string, { nonce: string; returnTo: string; binding: string; at: number }>();
  const now = () => (deps.now ?? Date.now)();
  const keyBase = `/public-keys.auth.elb.${region}`;

  // The load balancer's public key, where the handler fetches it (<base>/<kid>), and the local-only
  // helper that re-dates a session (the contract's expired-cookie check).
  deps.aws.add(async (req) => {
    if (req.method === "GET" && req.path === `${keyBase}/${signingKey.kid}`)
      return { status: 200, headers: { "content-type": "text/plain" }, body: Buffer.from(signingKey.pem) };
    if (req.method === "POST" && req.path === `/local/alb/${encodeURIComponent(lb.name)}/expired-session`) {
      const session = joinShards(
        cookiesOf({ ...req, headers: { cookie: req.body?.toString("utf8") ?? "" } }),
        cookieName,
      );
      const open = session ? codec.open(session) : undefined;
      if (!open)
        return {
          status: 400,
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ message: "not a session of this load balancer" })),
        };
      const cookies = shardCookies(cookieName, codec.seal({ ...open, exp: Math.floor(now() / 1000) - 60 })).map(
        (c) => c.split(";")[0],
      );
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ cookie: cookies.join("; ") })),
      };
    }
    return undefined;
  });

  const pool = () => {
    const found = deps.idp()?.pools.find((p) => p.poolId === poolId);
    if (!found)
      throw new NotEmulatedYet(`authenticate-cognito with user pool ${poolId}, which local mode does not run`);
    return found;
  };
  const hostOf = (req: IncomingRequest) => headerValue(req.headers, "host") ?? "localhost";
  // Locally the listener speaks HTTP, so the redirect URI the client's host gets does too.
  const redirectUri = (req: IncomingRequest) => `http://${hostOf(req)}/oauth2/idpresponse`;

  const toLogin = (req: IncomingRequest, why: string): GatewayReply => {
    const state = crypto.randomBytes(24).toString("base64url");
    const nonce = crypto.randomBytes(24).toString("base64url");
    const binding = crypto.randomBytes(18).toString("base64url");
    for (const [k, v] of pending) if (now() - v.at > LOGIN_WINDOW_MS) pending.delete(k);
    pending.set(state, { nonce, returnTo: `${req.path}${req.rawQuery ? `?${req.rawQuery}` : ""}`, binding, at: now() });
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri(req),
      response_type: "code",
      scope,
      state,
      nonce,
    });
    deps.log(`${req.method} ${req.path}: 302 to the login (${why})`);
    return {
      status: 302,
      headers: {
        location: `${deps.localize(awsDomain)}/oauth2/authorize?${query}`,
        "set-cookie": [`${cookieName}-login=${binding}; Path=/oauth2/idpresponse; Secure; HttpOnly`],
      },
      body: Buffer.alloc(0),
    };
  };

  /** The code flow's second half, as the load balancer runs it. */
  const idpResponse = async (req: IncomingRequest): Promise<GatewayReply> => {
    const q = new URLSearchParams(req.rawQuery ?? "");
    const login = pending.get(q.get("state") ?? "");
    pending.delete(q.get("state") ?? "");
    if (
      !login ||
      now() - login.at > LOGIN_WINDOW_MS ||
      cookiesOf(req).get(`${cookieName}-login`) !== login.binding ||
      q.get("error") ||
      !q.get("code")
    ) {
      deps.log(
        `/oauth2/idpresponse: 401 (${!login ? "unknown state" : (q.get("error") ?? "the login took too long or another browser started it")})`,
      );
      return page(401, "Authorization Required");
    }
    const p = pool();
    const client = p.clients.find((c) => c.clientId === clientId);
    const res = await fetch(`${deps.localize(awsDomain)}/oauth2/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${clientId}:${client?.secret ?? ""}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: q.get("code")!,
        redirect_uri: redirectUri(req),
        client_id: clientId,
      }).toString(),
    });
    const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; access_token?: string };
    if (!res.ok || !tokens.id_token || !tokens.access_token) {
      deps.log(`/oauth2/idpresponse: 401, the token endpoint answered ${res.status}`);
      return page(401, "Authorization Required");
    }
    const id = await verifySignedToken(
      tokens.id_token,
      await deps.keys.byUrl(`${p.issuer}/.well-known/jwks.json`),
      [p.issuer],
      deps.now,
    );
    if (!id.ok || id.payload.aud !== clientId || id.payload.nonce !== login.nonce) {
      deps.log(`/oauth2/idpresponse: 401, the ID token is not for this login (${id.ok ? "aud or nonce" : id.reason})`);
      return page(401, "Authorization Required");
    }
    const info = await fetch(`${p.issuer}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    if (!info.ok) {
      deps.log(`/oauth2/idpresponse: 401, the user-info endpoint answered ${info.status}`);
      return page(401, "Authorization Required");
    }
    const session: AlbSession = {
      claims: (await info.json()) as Record<string, unknown>,
      accessToken: tokens.access_token,
      exp: Math.floor(now() / 1000) + sessionSeconds,
    };
    return {
      status: 302,
      headers: {
        location: login.returnTo,
        "set-cookie": [
          ...shardCookies(cookieName, codec.seal(session)),
          `${cookieName}-login=; Path=/oauth2/idpresponse; Max-Age=0`,
        ],
      },
      body: Buffer.alloc(0),
    };
  };

  const forwardTo = async (req: IncomingRequest, session: AlbSession | undefined): Promise<GatewayReply> => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !k.toLowerCase().startsWith("x-amzn-oidc-")),
    );
    if (session) {
      // The claims' lifetime: the session's, and no longer than the access token's (local mode's choice; AWS does not say).
      const tokenExp = Number(
        JSON.parse(Buffer.from(session.accessToken.split(".")[1] ?? "", "base64url").toString("utf8") || "{}").exp ??
          session.exp,
      );
      Object.assign(headers, {
        "x-amzn-oidc-accesstoken": session.accessToken,
        "x-amzn-oidc-identity": String(session.claims.sub ?? ""),
        "x-amzn-oidc-data": signAlbData(signingKey, {
          signer: lbArn,
          client: clientId,
          iss: pool().issuer,
          exp: Math.min(session.exp, tokenExp),
          claims: session.claims,
        }),
      });
    }
    Object.assign(headers, {
      "x-forwarded-for": req.sourceIp ?? "127.0.0.1",
      "x-forwarded-proto": "https",
      "x-forwarded-port": String(listener.inputs.port ?? 443),
    });
    const event = albTargetEvent(
      { ...req, headers },
      { targetGroupArn, multiValueHeaders: !!targetGroup.inputs.lambdaMultiValueHeadersEnabled },
    );
    const invoked = target
      ? await deps.lambda.invokeAs(
          {
            principal: "elasticloadbalancing.amazonaws.com",
            sourceArn: targetGroupArn,
            sourceAccount: accountOf(lbArn),
          },
          String(target.inputs.targetId),
          event,
        )
      : undefined;
    if (!invoked?.allowed || invoked.error) {
      deps.log(
        `${req.method} ${req.path}: 502, ${!invoked ? "no target is registered" : !invoked.allowed ? `the load balancer may not invoke the function (${invoked.reason})` : `the function failed (${invoked.error!.errorType})`}`,
      );
      return page(502, "Bad Gateway");
    }
    return proxyResult(invoked.result, "1.0") ?? page(502, "Bad Gateway");
  };

  return {
    describe: `Application Load Balancer ${lb.name}, HTTPS listener (${auth ? `authenticate-cognito, cookie ${cookieName}, ` : ""}forward to ${targetGroup.name})`,
    basePath: "",
    invokeUrl: `https://${program.stateOf(lb).dnsName}`,
    async handle(req) {
      if (!auth) return forwardTo(req, undefined);
      if (req.path === "/oauth2/idpresponse") return idpResponse(req);
      const value = joinShards(cookiesOf(req), cookieName);
      const session = value ? codec.open(value) : undefined;
      if (!session) return toLogin(req, value ? "the session cookie is not valid" : "no session");
      if (session.exp <= Math.floor(now() / 1000)) return toLogin(req, "the session has expired");
      return forwardTo(req, session);
    },
  };
}
