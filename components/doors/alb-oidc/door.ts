import { ConfigError } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { DoorModule } from "../door";
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
  minimalConfig: {
    domainCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0f9b7c1e-1111-4a4a-9999-abcdefabcdef",
    domainName: "notes.example.com",
  },
  argsFrom(config, stack) {
    const certificateArn = stack.domainCertificateArn;
    const vpcId = config.str("vpcId");
    const subnetIds = config.list("subnetIds");
    if ((vpcId === undefined) !== (subnetIds.length === 0)) {
      throw new ConfigError(
        vpcId ? "subnetIds" : "vpcId",
        "must be set together with the other: an existing VPC needs at least two public subnets " +
          "(notes-auth:vpcId and notes-auth:subnetIds)",
      );
    }
    if (stack.mtls)
      throw new ConfigError(
        "mtlsTruststoreUri",
        "is for the API Gateway doors: the alb-oidc door authenticates browsers with its login, not client " +
          "certificates",
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
      corsOrigins: stack.corsOrigins,
    };
    if (!certificateArn) {
      throw new ConfigError(
        "domainCertificateArn",
        "is required by the alb-oidc door: the ALB listens on HTTPS only (an ACM certificate " +
          "ARN covering domainName, arn:aws:acm:…)",
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
        "names an external IdP's groups claim: set the notes-auth:oidc* keys too (the stack's pool always uses " +
          "cognito:groups)",
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
