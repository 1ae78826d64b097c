import { accountOf } from "../../gateway";
import { albTargetEvent } from "../../events";
import { proxyResult } from "../../http";
import { signAlbData } from "../albToken";
import type { AlbStep } from "../context";
import { errorPage } from "../listener";

/**
 * The forward action: the request goes to the target group's registered Lambda target, invoked
 * as the load balancer (the function's Permission decides) with the ALB event; a failure, or no
 * target, is a 502 page. Whatever x-amzn-oidc-* headers the client sent are dropped; with a
 * session the request carries `x-amzn-oidc-accesstoken`, `x-amzn-oidc-identity` (the user-info
 * `sub`) and `x-amzn-oidc-data`: the user-info claims signed with ES256 by this load balancer
 * (`signer` = its recorded ARN, a `kid` whose PEM public key the local key endpoint serves at
 * `<endpoint>/<kid>`), and x-forwarded-for, -proto (the scheme the client used) and -port always.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
export const forward: AlbStep = {
  name: "forward",
  async run({ deps, listener: l, req, session }) {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !k.toLowerCase().startsWith("x-amzn-oidc-")),
    );
    if (session) {
      // The claims' lifetime: the session's, and no longer than the access token's
      // (local mode's choice; AWS does not say).
      const tokenExp = Number(
        JSON.parse(Buffer.from(session.accessToken.split(".")[1] ?? "", "base64url").toString("utf8") || "{}").exp ??
          session.exp,
      );
      Object.assign(headers, {
        "x-amzn-oidc-accesstoken": session.accessToken,
        "x-amzn-oidc-identity": String(session.claims.sub ?? ""),
        "x-amzn-oidc-data": signAlbData(l.signingKey, {
          signer: l.lbArn,
          client: l.clientId,
          iss: l.pool().issuer,
          exp: Math.min(session.exp, tokenExp),
          claims: session.claims,
        }),
      });
    }
    Object.assign(headers, {
      "x-forwarded-for": req.sourceIp ?? "127.0.0.1",
      // The scheme the client used to reach the load balancer: locally the listener speaks plain HTTP.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html#x-forwarded-proto
      "x-forwarded-proto": req.receivedOn?.tls ? "https" : "http",
      "x-forwarded-port": String(l.port),
    });
    const event = albTargetEvent(
      { ...req, headers },
      { targetGroupArn: l.targetGroupArn, multiValueHeaders: !!l.targetGroup.inputs.lambdaMultiValueHeadersEnabled },
    );
    const invoked = l.target
      ? await deps.lambda.invokeAs(
          {
            principal: "elasticloadbalancing.amazonaws.com",
            sourceArn: l.targetGroupArn,
            sourceAccount: accountOf(l.lbArn),
          },
          String(l.target.inputs.targetId),
          event,
        )
      : undefined;
    if (!invoked?.allowed || invoked.error) {
      deps.log(
        `${req.method} ${req.path}: 502, ` +
          `${
            !invoked
              ? "no target is registered"
              : !invoked.allowed
                ? `the load balancer may not invoke the function (${invoked.reason})`
                : `the function failed (${invoked.error!.errorType})`
          }`,
      );
      return errorPage(502, "Bad Gateway");
    }
    return proxyResult(invoked.result, "1.0") ?? errorPage(502, "Bad Gateway");
  },
};
