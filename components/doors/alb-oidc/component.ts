import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { DoorComponent, DoorDeps, record } from "../door";
import { albRedirectUris } from "../../../awsRules/alb";
import { liveArn } from "../../backend/notesBackend";
import { ALB_LOGOUT_ROUTE } from "../../../handlers/contract/routeTable";
import { ALB_SESSION_COOKIE } from "../../../handlers/contract/doors/alb-oidc";
import { RuleCondition, pathConditions, ruleProblem } from "../../../awsRules/albConditions";

export const ALB_OIDC_DOOR_TYPE = "notes-auth:door:AlbOidcFrontDoor";

/** The session cookie the ALB sets after login (the handler's logout expires it). */
export { ALB_SESSION_COOKIE };

/** An external OpenID Connect IdP for `authenticate-oidc` instead of the stack's Cognito pool. */
export interface OidcProviderConfig {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint: string;
  clientId: string;
  /** Read as a Pulumi secret; kept out of plain outputs. */
  clientSecret: pulumi.Input<string>;
  /** The user-info claim holding the IdP's groups (`groupsClaim`); unset: cognito:groups, never admin by group. */
  groupsClaim?: string;
  /** The IdP's RP-initiated logout endpoint (`end_session_endpoint`); unset: the logout ends at the door's root. */
  endSessionEndpoint?: string;
}

/**
 * API calls besides `Accept: application/json` that get 401 instead of the login without a session: a header
 * (`albApiHeader`, its value a pattern) and path patterns (`albApiPaths`), each checked by awsRules/albConditions.ts.
 */
export interface AlbApiCalls {
  header?: { name: string; value: string };
  paths: string[];
}

export interface AlbOidcFrontDoorArgs {
  /** ACM certificate of the HTTPS listener. */
  certificateArn: string;
  /**
   * The DNS name clients use (covered by the certificate; lower case). Undefined only when the
   * user chose to use the load balancer's own DNS name (`albWithoutDomainName`).
   */
  domainName?: string;
  /** An existing VPC and at least two public subnets; undefined creates a VPC with awsx. */
  network?: { vpcId: string; subnetIds: string[] };
  /** Open port 80 only to redirect to HTTPS. */
  redirectHttp: boolean;
  /** The ALB session: cookie lifetime in seconds and the scopes asked of the IdP. */
  session: { timeoutSeconds: number; scope: string };
  deletionProtection: boolean;
  /** S3 bucket for ALB access logs. */
  accessLogsBucket?: string;
  /** A WAFv2 web ACL to associate. */
  wafAclArn?: string;
  /** An external IdP instead of the stack's user pool. */
  idp?: OidcProviderConfig;
  /**
   * The browser origins whose pages may call the door with the session cookie (`corsOrigins`): with
   * any, an OPTIONS rule lets their preflights through without the login. @default []
   */
  corsOrigins?: string[];
  /** More API calls that get 401 without a session (`albApiHeader`, `albApiPaths`). @default none */
  apiCalls?: AlbApiCalls;
}

export type AlbOidcCitation =
  "httpsListener" | "loginClient" | "waf" | "preflightRule" | "apiRule" | "apiHeaderRule" | "apiPathRule";

/**
 * The `Accept` values of an API call (`fetch` with `Accept: application/json`, a JSON client): the http-header
 * condition of the API rule, which answers them 401 instead of the login redirect. Compared case-insensitively,
 * `*` matching any characters (so `application/json; charset=utf-8` too).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-header-conditions
 */
export const ALB_API_ACCEPT = ["application/json*"];

/**
 * The listener's rule priorities (lowest first, before the default rule): the OPTIONS rule, the `Accept` API rule,
 * the `albApiHeader` rule, then one per path-pattern condition of `albApiPaths` from `paths` on. Priorities are
 * 1 to 50000 and unique per listener (awsRules/albConditions.ts).
 */
export const ALB_RULE_PRIORITY = { preflight: 1, accept: 2, header: 3, paths: 4 } as const;

/**
 * The logout request to an outside IdP's end-session endpoint, with the parameters OpenID Connect RP-Initiated
 * Logout 1.0 names (section 2): `client_id` (the load balancer's client at the IdP) and `post_logout_redirect_uri`
 * (the door's root, registered for that client: section 3). The ALB never hands the application the ID token, so
 * there is no `id_token_hint`, and without it the IdP MUST NOT redirect to `post_logout_redirect_uri` unless it can
 * confirm the request otherwise (section 2), and may ask the user to confirm the logout (section 4): the IdP may
 * show a confirmation, or stay on its own page, instead of sending the browser back. The load balancer's cookie is
 * expired either way (handlers/doors/albLogout.ts). Parameters the endpoint URL already has are kept.
 * https://openid.net/specs/openid-connect-rpinitiated-1_0.html
 */
export function endSessionUrl(endpoint: string, clientId: string, postLogoutRedirectUri: string): string {
  const url = new URL(endpoint);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("post_logout_redirect_uri", postLogoutRedirectUri);
  return url.href;
}

/** TLS 1.3 with 1.2 fallback, AWS's recommended policy (SH ELB.17). */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const ANYWHERE = "0.0.0.0/0";

/**
 * `alb-oidc`: an Application Load Balancer that runs the OIDC login itself. Its HTTPS listener
 * first authenticates (authenticate-cognito with this stack's pool, or authenticate-oidc with the
 * `oidc*` IdP), then forwards to the notes function as a Lambda target. The browser holds a
 * session cookie; the handler verifies the ALB-signed `x-amzn-oidc-data` header, including that
 * the signer is THIS load balancer (ALB_ARN), because the key endpoint is shared by all accounts.
 *
 * The VPC comes from awsx (public subnets only, no NAT: the function is not in the VPC), or from
 * `vpcId` + `subnetIds`. The load balancer and listeners are plain aws resources.
 */
export class AlbOidcFrontDoor extends DoorComponent<"alb-oidc", AlbOidcCitation> {
  public readonly mode = "alb-oidc" as const;
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly httpsListener: aws.lb.Listener;
  public readonly loginClient?: aws.cognito.UserPoolClient;
  public readonly dnsName: pulumi.Output<string>;
  /** The redirect URIs the IdP must allow (the login client lists them; register them at an external IdP). */
  public readonly redirectUris: pulumi.Output<string[]>;
  public readonly waf?: aws.wafv2.WebAclAssociation;
  /** The rule that forwards CORS preflights without the login (only with corsOrigins). */
  public readonly preflightRule?: aws.lb.ListenerRule;
  /** The rule that answers API calls without a session 401 (`Accept: application/json`), not with the login. */
  public readonly apiRule: aws.lb.ListenerRule;
  /** The same for `albApiHeader`'s header, and for `albApiPaths`' patterns (one rule per path condition). */
  public readonly apiHeaderRule?: aws.lb.ListenerRule;
  public readonly apiPathRules: aws.lb.ListenerRule[] = [];

  constructor(name: string, args: AlbOidcFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(ALB_OIDC_DOOR_TYPE, name, {}, opts);
    const users = deps.users;
    const child = { parent: this };
    if (!users && !args.idp) throw new Error("AlbOidcFrontDoor needs the stack's UserDirectory or an external IdP");

    let vpcId: pulumi.Input<string>;
    let subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    if (args.network) {
      vpcId = args.network.vpcId;
      subnetIds = args.network.subnetIds;
    } else {
      const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
          numberOfAvailabilityZones: 2,
          natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
          subnetSpecs: [{ type: awsx.ec2.SubnetType.Public, cidrMask: 24 }],
          subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        },
        child,
      );
      vpcId = vpc.vpcId;
      subnetIds = vpc.publicSubnetIds;
    }

    const ports = args.redirectHttp ? [443, 80] : [443];
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      {
        vpcId,
        description: `notes-auth ALB: ${ports.join(" and ")} in; HTTPS out to the IdP`,
        ingress: ports.map((port) => ({
          protocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrBlocks: [ANYWHERE],
          description: port === 80 ? "redirect to HTTPS" : "HTTPS",
        })),
        egress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [ANYWHERE],
            description: "IdP token and user-info endpoints",
          },
        ],
      },
      child,
    );

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        securityGroups: [securityGroup.id],
        subnets: subnetIds,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableDeletionProtection: args.deletionProtection,
        accessLogs: args.accessLogsBucket
          ? { bucket: args.accessLogsBucket, enabled: true, prefix: "notes-auth" }
          : undefined,
      },
      child,
    );

    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        targetType: "lambda",
        // Multi-value headers: the logout answers one Set-Cookie per session cookie shard, and with single-value
        // headers the load balancer keeps only the last of a name. The handler reads both shapes.
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html#multi-value-headers
        lambdaMultiValueHeadersEnabled: true,
        healthCheck: { enabled: false },
      },
      child,
    );
    // The target is the function's `live` alias (a qualified ARN: the target group invokes that alias), which
    // moves only once this door is deployed (`deployed` below; docs/deploying.md). The permission names the
    // alias too, and comes first: registering a Lambda target needs it.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
    const permission = deps.backend.allowInvoke(
      `${name}-invoke`,
      "elasticloadbalancing.amazonaws.com",
      this.targetGroup.arn,
      child,
      "live",
    );
    new aws.lb.TargetGroupAttachment(
      `${name}-target`,
      {
        targetGroupArn: this.targetGroup.arn,
        targetId: liveArn(deps.backend),
      },
      { parent: this, dependsOn: [permission] },
    );

    this.dnsName = this.loadBalancer.dnsName;
    // Every name clients use, lower-cased: the ALB sends the name the client used (awsRules/alb.ts).
    this.redirectUris = this.dnsName.apply((dns) =>
      albRedirectUris([...(args.domainName ? [args.domainName] : []), dns]),
    );
    const url = args.domainName
      ? pulumi.output(`https://${args.domainName}`)
      : pulumi.interpolate`https://${this.dnsName}`;
    // Where the logout route ends (the IdP's logout sends the browser back here; its next request logs in).
    const root = pulumi.interpolate`${url}/`;
    const session = {
      onUnauthenticatedRequest: "authenticate",
      scope: args.session.scope,
      sessionTimeout: args.session.timeoutSeconds,
      sessionCookieName: ALB_SESSION_COOKIE,
    };
    let authenticate: aws.types.input.lb.ListenerDefaultAction;
    let issuer: pulumi.Input<string>;
    let clientId: pulumi.Input<string>;
    let logoutUrl: pulumi.Input<string>;
    if (args.idp) {
      const o = args.idp;
      issuer = o.issuer;
      clientId = o.clientId;
      logoutUrl = o.endSessionEndpoint
        ? pulumi.all([root, o.clientId]).apply(([r, id]) => endSessionUrl(o.endSessionEndpoint!, id, r))
        : root;
      authenticate = {
        type: "authenticate-oidc",
        order: 1,
        authenticateOidc: {
          ...session,
          issuer: o.issuer,
          authorizationEndpoint: o.authorizationEndpoint,
          tokenEndpoint: o.tokenEndpoint,
          userInfoEndpoint: o.userInfoEndpoint,
          clientId: o.clientId,
          clientSecret: pulumi.secret(o.clientSecret),
        },
      };
    } else {
      const dir = users!;
      // The ALB is a confidential client: it keeps the secret and runs the code flow itself.
      // A client that signs people in: the pool's identity providers and token lifetimes (addSignInClient).
      this.loginClient = dir.addSignInClient(
        `${name}-alb-client`,
        {
          generateSecret: true,
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthFlows: ["code"],
          allowedOauthScopes: args.session.scope.split(/\s+/).filter(Boolean),
          callbackUrls: this.redirectUris,
          // Where the user pool's logout endpoint may send the browser back (the logout route's logout_uri).
          logoutUrls: [root],
          explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
          preventUserExistenceErrors: "ENABLED",
          enableTokenRevocation: true,
        },
        child,
      );
      issuer = dir.issuer;
      clientId = this.loginClient.id;
      // The user pool's logout endpoint ends its own session too, then sends the browser to logout_uri.
      // https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
      // logout_uri as is (":" and "/" are query characters, RFC 3986 section 3.4), as the page's examples give it.
      logoutUrl = pulumi.interpolate`${dir.domainUrl}/logout?client_id=${this.loginClient.id}&logout_uri=${root}`;
      authenticate = {
        type: "authenticate-cognito",
        order: 1,
        authenticateCognito: {
          ...session,
          userPoolArn: dir.userPoolArn,
          userPoolClientId: this.loginClient.id,
          userPoolDomain: dir.domain.domain,
        },
      };
    }

    this.httpsListener = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: ALB_TLS_POLICY,
        certificateArn: args.certificateArn,
        defaultActions: [authenticate, { type: "forward", order: 2, targetGroupArn: this.targetGroup.arn }],
      },
      child,
    );
    if ((args.corsOrigins ?? []).length > 0) {
      // A browser's preflight never carries cookies (https://fetch.spec.whatwg.org/#cors-preflight-fetch),
      // so the default rule's login would redirect it and the browser would refuse the call. Rules run
      // by priority, lowest first, before the default rule; an http-request-method condition matches the
      // method exactly (case-sensitive). This one forwards OPTIONS to the function, unauthenticated,
      // which answers listed origins with CORS headers and never data (handlers/doors/index.ts).
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-request-method-conditions
      this.preflightRule = new aws.lb.ListenerRule(
        `${name}-preflight`,
        {
          listenerArn: this.httpsListener.arn,
          priority: ALB_RULE_PRIORITY.preflight,
          conditions: [{ httpRequestMethod: { values: ["OPTIONS"] } }],
          actions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        },
        child,
      );
    }
    // An API call without a session (a `fetch` whose session expired) gets 401, not a redirect to the login that
    // the browser could not follow across origins: the same authenticate action with onUnauthenticatedRequest
    // `deny` ("Return an HTTP 401 Unauthorized error"), for requests whose Accept header asks for JSON
    // (ALB_API_ACCEPT), after the OPTIONS rule and before the default rule. With a session it forwards alike.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#http-header-conditions
    const deny = { ...authenticate, order: 1 } as aws.types.input.lb.ListenerRuleAction;
    if (deny.authenticateOidc)
      deny.authenticateOidc = { ...authenticate.authenticateOidc!, onUnauthenticatedRequest: "deny" };
    if (deny.authenticateCognito)
      deny.authenticateCognito = { ...authenticate.authenticateCognito!, onUnauthenticatedRequest: "deny" };
    // The same for the API calls the user names (`albApiHeader`, `albApiPaths`): each rule's conditions within the
    // load balancer's limits (checked before any resource by the door's config; here again as it builds them).
    const denyRule = (ruleName: string, priority: number, conditions: aws.types.input.lb.ListenerRuleCondition[]) => {
      const problem = ruleProblem(conditions as unknown as RuleCondition[], priority);
      if (problem) throw new Error(`listener rule ${ruleName}: ${problem}`);
      return new aws.lb.ListenerRule(
        ruleName,
        {
          listenerArn: this.httpsListener.arn,
          priority,
          conditions,
          actions: [deny, { type: "forward", order: 2, targetGroupArn: this.targetGroup.arn }],
        },
        child,
      );
    };
    this.apiRule = denyRule(`${name}-api`, ALB_RULE_PRIORITY.accept, [
      { httpHeader: { httpHeaderName: "Accept", values: ALB_API_ACCEPT } },
    ]);
    const calls = args.apiCalls;
    if (calls?.header)
      this.apiHeaderRule = denyRule(`${name}-api-header`, ALB_RULE_PRIORITY.header, [
        { httpHeader: { httpHeaderName: calls.header.name, values: [calls.header.value] } },
      ]);
    this.apiPathRules = pathConditions(calls?.paths ?? []).map((values, i) =>
      denyRule(`${name}-api-path-${i}`, ALB_RULE_PRIORITY.paths + i, [{ pathPattern: { values } }]),
    );
    if (args.redirectHttp) {
      new aws.lb.Listener(
        `${name}-http-redirect`,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        },
        child,
      );
    }
    if (args.wafAclArn) {
      this.waf = new aws.wafv2.WebAclAssociation(
        `${name}-waf`,
        { resourceArn: this.loadBalancer.arn, webAclArn: args.wafAclArn },
        child,
      );
    }

    const settings = pulumi.output({
      albArn: this.loadBalancer.arn,
      issuer,
      clientId,
      groupsClaim: args.idp?.groupsClaim,
      logoutUrl,
    });
    const clientConfig = record({
      signIn: "open the URL in a browser: the ALB redirects to the login page and keeps the session in a cookie",
      dnsName: this.dnsName,
      issuer,
      redirectUris: this.redirectUris,
      signOut: pulumi.interpolate`${url}${ALB_LOGOUT_ROUTE.path}`,
      // Register it at the IdP as a post-logout redirect URI of the ALB's client (RP-Initiated Logout, section 3).
      ...(args.idp?.endSessionEndpoint ? { postLogoutRedirectUri: root } : {}),
      note: args.domainName
        ? `point ${args.domainName} (covered by domainCertificateArn) at dnsName with a CNAME or alias record`
        : "clients use the load balancer's own DNS name, which an ACM certificate cannot cover: browsers will warn",
    });
    const cited = {
      httpsListener: this.httpsListener,
      loginClient: this.loginClient,
      waf: this.waf,
      preflightRule: this.preflightRule,
      apiRule: this.apiRule,
      apiHeaderRule: this.apiHeaderRule,
      apiPathRule: this.apiPathRules[0],
    };
    const rules = [
      ...(this.preflightRule ? [this.preflightRule] : []),
      this.apiRule,
      ...(this.apiHeaderRule ? [this.apiHeaderRule] : []),
      ...this.apiPathRules,
    ];
    this.publish({
      credential: { kind: "alb-session" },
      url,
      domainTarget: { kind: "load-balancer", dnsName: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId },
      metrics: { kind: "load-balancer", arnSuffix: this.loadBalancer.arnSuffix },
      eventSource: this.targetGroup.arn,
      ready: [this.loadBalancer, this.httpsListener, ...rules],
      // The alias moves once the listener forwards to the target group (the attachment is not waited for: it
      // names the alias's ARN, composed from the function's, and waits for the permission on the alias only).
      deployed: [this.loadBalancer, this.httpsListener, ...rules, this.targetGroup],
      settings,
      clientConfig,
      cited,
    });
  }
}
