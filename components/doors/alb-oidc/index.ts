import { ConfigError } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { DoorModule } from "../door";
import { ALARMS_VARIANT, WAF_VARIANT } from "../restFacts";
import {
  ALB_OIDC_DOOR_TYPE,
  AlbOidcCitation,
  AlbOidcFrontDoor,
  AlbOidcFrontDoorArgs,
  OidcProviderConfig,
} from "./component";

const OIDC_KEYS = [
  "oidcIssuer",
  "oidcAuthorizationEndpoint",
  "oidcTokenEndpoint",
  "oidcUserInfoEndpoint",
  "oidcClientId",
  "oidcClientSecret",
] as const;

/** `alb-oidc`: an Application Load Balancer that runs the OIDC login itself (browsers only). */
export const albOidcDoor: DoorModule<"alb-oidc", AlbOidcFrontDoorArgs, AlbOidcCitation> = {
  mode: "alb-oidc",
  componentType: ALB_OIDC_DOOR_TYPE,
  facts: {
    title: "Application Load Balancer + authenticate-cognito / authenticate-oidc",
    front: "Application Load Balancer",
    clientPresents: "a browser session cookie (AWSELBAuthSessionCookie)",
    howToGetIt: "the browser follows the ALB's redirect to the IdP's login page; the ALB sets the cookie",
    verifiedBy:
      "the ALB runs the OIDC login and signs x-amzn-oidc-data (ES256); the handler verifies that signature, exp and that the signer is this ALB",
    backendReceives: "the x-amzn-oidc-data header on an ALB target event",
    principalId: "<user pool sub> (oidc:<sub> with an external IdP)",
    whenToChoose:
      "An internal, browser-only tool behind corporate SSO with no client code for tokens: `alb-oidc`. It has a fixed hourly cost, so it pays off only at high traffic, and the handler must verify the ALB's signature and signer.",
  },
  diagram: `sequenceDiagram
    participant B as Browser
    participant ALB as Application Load Balancer
    participant IdP as Cognito hosted UI or OIDC IdP
    participant L as notes Lambda
    participant T as DynamoDB
    B->>ALB: GET /notes (no session cookie)
    ALB-->>B: 302 to the IdP's login page
    B->>IdP: sign in
    IdP-->>B: 302 back with a code
    B->>ALB: /oauth2/idpresponse?code=…
    ALB->>IdP: exchange code for tokens, get user info
    ALB-->>B: session cookie, 302 to /notes
    B->>ALB: GET /notes + cookie
    ALB->>L: event + x-amzn-oidc-data (ES256, signed by this ALB)
    L->>L: verify signature, exp, signer = this ALB; principal = sub
    L->>T: query userId = sub
    T-->>L: notes
    L-->>B: 200 JSON`,
  minimalConfig: {
    domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef",
    domainName: "notes.example.com",
  },
  variants: {
    ...WAF_VARIANT,
    ...ALARMS_VARIANT,
    domain: { hostedZoneId: "Z0123456789EXAMPLE" },
    external: {
      oidcIssuer: "https://idp.example.com",
      oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
      oidcTokenEndpoint: "https://idp.example.com/token",
      oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
      oidcClientId: "alb-client",
      oidcClientSecret: "placeholder",
    },
  },
  capabilities: {
    "Users and machines": { cite: "httpsListener", text: "users in a browser only" },
    "Per-route authorization": { evidence: "handler", text: "handler only (groups claim, if the IdP sends it)" },
    "Identity provider": { cite: "httpsListener", variant: "external", text: "any OIDC IdP (`oidc*`) or Cognito" },
    "Throttling and quotas per client": { evidence: "not built", text: "none (WAF rate rules could add it)" },
    "Revocation and token lifetime": {
      cite: "httpsListener",
      text: (l) =>
        `session cookie valid for ${l.defaultActions?.[0]?.authenticateCognito?.sessionTimeout ?? "?"} s (\`albSessionTimeout\`); no check with the IdP before`,
    },
    "Browser or API": { evidence: "AWS behaviour", text: "browser-only (redirects and cookies)" },
    CORS: { evidence: "not built", text: "same-origin by design (cookie session)" },
    WAF: { cite: "waf", variant: "waf", text: "web ACL associated (`wafAclArn`)" },
    "Custom domain": {
      cite: "domain:record",
      variant: "domain",
      text: "yours on the listener's certificate (`domainName`); alias record with `hostedZoneId`",
    },
    mTLS: { evidence: "not built", text: "not built (the ALB's login authenticates browsers)" },
  },
  pricing: {
    gateway: "alb",
    billsMau: true,
    billsMachineTokens: false,
    notes: ["alb-oidc: sign-ins through the ALB are Cognito MAUs like any other."],
  },
  argsFrom(config, stack) {
    const certificateArn = stack.domainCertificateArn;
    const vpcId = config.str("vpcId");
    const subnetIds = config.list("subnetIds");
    if ((vpcId === undefined) !== (subnetIds.length === 0)) {
      throw new ConfigError(
        vpcId ? "subnetIds" : "vpcId",
        "must be set together with the other: an existing VPC needs at least two public subnets (notes-auth:vpcId and notes-auth:subnetIds)",
      );
    }
    if (stack.mtls)
      throw new ConfigError(
        "mtlsTruststoreUri",
        "is for the API Gateway doors: the alb-oidc door authenticates browsers with its login, not client certificates",
      );
    if (subnetIds.length === 1)
      throw new ConfigError(
        "subnetIds",
        "needs at least two subnets in different Availability Zones (an ALB requirement)",
      );
    const args: AlbOidcFrontDoorArgs = {
      certificateArn: certificateArn ?? "",
      domainName: stack.domainName,
      network: vpcId ? { vpcId, subnetIds } : undefined,
      redirectHttp: config.bool("albRedirectHttp", true),
      session: {
        timeoutSeconds: config.int("albSessionTimeout", 3600, 60, 604800),
        scope: config.str("albScope") ?? "openid email",
      },
      deletionProtection: config.bool("albDeletionProtection", false),
      accessLogsBucket: config.str("albAccessLogsBucket"),
      wafAclArn: stack.wafAclArn,
      idp: readOidc(config),
    };
    if (!certificateArn) {
      throw new ConfigError(
        "domainCertificateArn",
        "is required when notes-auth:authMode is alb-oidc: the ALB listens on HTTPS only (an ACM certificate ARN covering domainName, arn:aws:acm:…)",
      );
    }
    const withoutDomainName = config.bool("albWithoutDomainName", false);
    if (!stack.domainName && !withoutDomainName) {
      throw new ConfigError(
        "domainName",
        "is required for the alb-oidc door: the DNS name your users type (covered by notes-auth:domainCertificateArn); the ALB's login sends them back to https://<that name>/oauth2/idpresponse. To use the load balancer's own DNS name instead (browsers will warn about the certificate), set notes-auth:albWithoutDomainName true",
      );
    }
    return args;
  },
  usesUserPool: (args) => args.idp === undefined,
  listenerCertificate: true,
  create: (name, args, deps, opts) => new AlbOidcFrontDoor(name, args, deps, opts),
};

function readOidc(config: Parameters<typeof albOidcDoor.argsFrom>[0]): OidcProviderConfig | undefined {
  const groupsClaim = config.str("groupsClaim");
  const badClaim = groupsClaim === undefined ? undefined : groupsClaimProblem(groupsClaim);
  if (badClaim) throw new ConfigError("groupsClaim", badClaim);
  if (!config.together(OIDC_KEYS, "any notes-auth:oidc* key is set")) {
    if (groupsClaim)
      throw new ConfigError(
        "groupsClaim",
        "names an external IdP's groups claim: set the notes-auth:oidc* keys too (the stack's pool always uses cognito:groups)",
      );
    return undefined;
  }
  return {
    groupsClaim,
    issuer: config.url("oidcIssuer")!,
    authorizationEndpoint: config.url("oidcAuthorizationEndpoint")!,
    tokenEndpoint: config.url("oidcTokenEndpoint")!,
    userInfoEndpoint: config.url("oidcUserInfoEndpoint")!,
    clientId: config.str("oidcClientId")!,
    clientSecret: config.secret("oidcClientSecret")!,
  };
}
