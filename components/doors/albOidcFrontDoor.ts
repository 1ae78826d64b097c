import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { FrontDoor, FrontDoorArgs, baseHandlerEnvironment, record, withHandlerEnvironment } from "./frontDoor";

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
export class AlbOidcFrontDoor extends pulumi.ComponentResource implements FrontDoor {
  public readonly mode = "alb-oidc" as const;
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly httpsListener: aws.lb.Listener;
  public readonly loginClient?: aws.cognito.UserPoolClient;
  public readonly url: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly handlerEnvironment: pulumi.Output<Record<string, string>>;
  public readonly clientConfig: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:door:AlbOidcFrontDoor", name, {}, opts);
    const cfg = args.config;
    const users = args.users;
    const child = { parent: this };
    if (!cfg.albCertificateArn) throw new Error("notes-auth:albCertificateArn is required for the alb-oidc door");
    if (!users && !cfg.oidc) throw new Error("AlbOidcFrontDoor needs the stack's UserDirectory or the notes-auth:oidc* settings");

    let vpcId: pulumi.Input<string>;
    let subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    if (cfg.vpcId) {
      vpcId = cfg.vpcId;
      subnetIds = cfg.subnetIds;
    } else {
      const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
        numberOfAvailabilityZones: 2,
        natGateways: { strategy: awsx.ec2.NatGatewayStrategy.None },
        subnetSpecs: [{ type: awsx.ec2.SubnetType.Public, cidrMask: 24 }],
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
      }, child);
      vpcId = vpc.vpcId;
      subnetIds = vpc.publicSubnetIds;
    }

    const ports = cfg.albRedirectHttp ? [443, 80] : [443];
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-alb-sg`, {
      vpcId,
      description: `notes-auth ALB: ${ports.join(" and ")} in; HTTPS out to the IdP`,
      ingress: ports.map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [ANYWHERE], description: port === 80 ? "redirect to HTTPS" : "HTTPS" })),
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [ANYWHERE], description: "IdP token and user-info endpoints" }],
    }, child);

    this.loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, {
      loadBalancerType: "application",
      internal: false,
      securityGroups: [securityGroup.id],
      subnets: subnetIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: cfg.albDeletionProtection,
      accessLogs: cfg.albAccessLogsBucket ? { bucket: cfg.albAccessLogsBucket, enabled: true, prefix: "notes-auth" } : undefined,
    }, child);

    this.targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: false,
      healthCheck: { enabled: false },
    }, child);
    const permission = new aws.lambda.Permission(`${name}-invoke`, {
      action: "lambda:InvokeFunction",
      function: args.backend.function.name,
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: this.targetGroup.arn,
    }, child);
    new aws.lb.TargetGroupAttachment(`${name}-target`, {
      targetGroupArn: this.targetGroup.arn,
      targetId: args.backend.function.arn,
    }, { parent: this, dependsOn: [permission] });

    this.dnsName = this.loadBalancer.dnsName;
    const session = { onUnauthenticatedRequest: "authenticate", scope: cfg.albScope, sessionTimeout: cfg.albSessionTimeout, sessionCookieName: "notes-auth-session" };
    let authenticate: aws.types.input.lb.ListenerDefaultAction;
    let issuer: pulumi.Input<string>;
    let clientId: pulumi.Input<string>;
    if (cfg.oidc) {
      const o = cfg.oidc;
      issuer = o.issuer;
      clientId = o.clientId;
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
      this.loginClient = new aws.cognito.UserPoolClient(`${name}-alb-client`, {
        userPoolId: dir.userPoolId,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: cfg.albScope.split(/\s+/).filter(Boolean),
        supportedIdentityProviders: ["COGNITO"],
        callbackUrls: [pulumi.interpolate`https://${this.dnsName}/oauth2/idpresponse`],
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      }, child);
      issuer = dir.issuer;
      clientId = this.loginClient.id;
      authenticate = {
        type: "authenticate-cognito",
        order: 1,
        authenticateCognito: { ...session, userPoolArn: dir.userPoolArn, userPoolClientId: this.loginClient.id, userPoolDomain: dir.domain.domain },
      };
    }

    this.httpsListener = new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: ALB_TLS_POLICY,
      certificateArn: cfg.albCertificateArn,
      defaultActions: [authenticate, { type: "forward", order: 2, targetGroupArn: this.targetGroup.arn }],
    }, child);
    if (cfg.albRedirectHttp) {
      new aws.lb.Listener(`${name}-http-redirect`, {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      }, child);
    }
    if (cfg.wafAclArn) {
      new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: this.loadBalancer.arn, webAclArn: cfg.wafAclArn }, child);
    }

    this.url = pulumi.interpolate`https://${this.dnsName}`;
    this.handlerEnvironment = withHandlerEnvironment(baseHandlerEnvironment(this.mode, cfg, users), {
      ALB_ARN: this.loadBalancer.arn,
      ALB_ISSUER: issuer,
      ALB_CLIENT_ID: clientId,
    });
    this.clientConfig = record({
      signIn: "open the URL in a browser: the ALB redirects to the login page and keeps the session in a cookie",
      dnsName: this.dnsName,
      issuer,
      note: "point a DNS name covered by albCertificateArn at dnsName (CNAME or alias)",
    });
    this.registerOutputs({ url: this.url, clientConfig: this.clientConfig });
  }
}
