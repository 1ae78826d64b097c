import { ConfigError } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { ALB_LOGOUT_ROUTE } from "../../../handlers/contract/routeTable";
import { isAlbLogoutPath } from "../../../handlers/doors/albLogout";
import { ALB_IDP_RESPONSE_PATH } from "../../../awsRules/alb";
import {
  conditionPattern,
  headerNameProblem,
  headerValueProblem,
  pathPatternProblem,
} from "../../../awsRules/albConditions";
import { DoorModule } from "../door";
import {
  ALB_OIDC_DOOR_TYPE,
  AlbApiCalls,
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
      apiCalls: readApiCalls(config),
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
    if (config.str("oidcEndSessionEndpoint") !== undefined)
      throw new ConfigError(
        "oidcEndSessionEndpoint",
        "is an external IdP's logout endpoint: set the notes-auth:oidc* keys too (with the stack's pool the logout " +
          "route uses the pool's own /logout)",
      );
    return undefined;
  }
  return {
    groupsClaim,
    endSessionEndpoint: config.url("oidcEndSessionEndpoint"),
    issuer: config.url("oidcIssuer")!,
    authorizationEndpoint: config.url("oidcAuthorizationEndpoint")!,
    tokenEndpoint: config.url("oidcTokenEndpoint")!,
    userInfoEndpoint: config.url("oidcUserInfoEndpoint")!,
    clientId: config.str("oidcClientId")!,
    clientSecret: config.secret("oidcClientSecret")!,
  };
}

/**
 * The paths a browser must reach with the login, never a 401: the door's root (where the IdP's logout sends it
 * back), the load balancer's own login return (`/oauth2/idpresponse`) and every path the function serves as the
 * logout route (isAlbLogoutPath: `/logout`, `/logout/`, `/logout//`, …). A pattern (at most 128 characters) that
 * matches `/logout` with more trailing slashes than it has characters matches one with fewer, its `*` matching
 * fewer, so those up to 128 slashes are all the logout paths a pattern need be tried against.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export const ALB_BROWSER_PATHS: readonly string[] = [
  "/",
  ALB_IDP_RESPONSE_PATH,
  ...Array.from({ length: 129 }, (_, n) => ALB_LOGOUT_ROUTE.path + "/".repeat(n)).filter(isAlbLogoutPath),
];

/**
 * The request headers of a browser's top-level navigation, as current Chrome and Firefox send them (Fetch Metadata
 * included, from any site). An `albApiHeader` pattern matching one of them would answer every navigation 401, the
 * login included: nobody could sign in.
 * https://developer.mozilla.org/en-US/docs/Glossary/Fetch_metadata_request_header
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Content_negotiation/List_of_default_Accept_values
 */
export const BROWSER_NAVIGATION_HEADERS: Readonly<Record<string, readonly string[]>> = {
  accept: [
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8," +
      "application/signed-exchange;v=b3;q=0.7",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  ],
  "accept-encoding": ["gzip, deflate, br, zstd"],
  "accept-language": ["en-US,en;q=0.9"],
  "sec-fetch-dest": ["document"],
  "sec-fetch-mode": ["navigate"],
  "sec-fetch-site": ["none", "same-origin", "same-site", "cross-site"],
  "sec-fetch-user": ["?1"],
  "upgrade-insecure-requests": ["1"],
  "user-agent": [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  ],
};

/** At most this many `albApiPaths` (at most one rule each; a load balancer has 100 rules by default). */
export const MAX_API_PATHS = 10;

/**
 * `albApiHeader` (`Name: value-pattern`) and `albApiPaths` (path patterns): API calls besides `Accept:
 * application/json` that get 401 instead of the login without a session. Checked here, before any resource, by the
 * load balancer's own rules (awsRules/albConditions.ts), and a path pattern may not catch a browser's own paths.
 */
function readApiCalls(config: Parameters<typeof albOidcDoor.argsFrom>[0]): AlbApiCalls {
  const raw = config.str("albApiHeader");
  let header: AlbApiCalls["header"];
  if (raw !== undefined) {
    const colon = raw.indexOf(":");
    const [name, value] = colon < 0 ? [raw, ""] : [raw.slice(0, colon).trim(), raw.slice(colon + 1).trim()];
    if (colon < 0 || value === "")
      throw new ConfigError("albApiHeader", `is "${raw}": it must be "Name: value-pattern" (e.g. X-Requested-With: *)`);
    const problem = headerNameProblem(name) ?? headerValueProblem(value);
    if (problem) throw new ConfigError("albApiHeader", `is "${raw}": ${problem}`);
    const navigation = BROWSER_NAVIGATION_HEADERS[name.toLowerCase()]?.find((v) =>
      conditionPattern(value, false).test(v),
    );
    if (navigation !== undefined)
      throw new ConfigError(
        "albApiHeader",
        `is "${raw}", which matches a browser's navigation (${name}: ${navigation}): every page load, the login's ` +
          "included, would get the 401, and nobody could sign in",
      );
    header = { name, value };
  }
  const paths = config.list("albApiPaths");
  if (paths.length > MAX_API_PATHS)
    throw new ConfigError("albApiPaths", `has ${paths.length} patterns: at most ${MAX_API_PATHS}`);
  for (const p of paths) {
    const problem = p.startsWith("/") ? pathPatternProblem(p) : "a request's path always begins with /";
    if (problem) throw new ConfigError("albApiPaths", `has "${p}": ${problem}`);
    const caught = ALB_BROWSER_PATHS.find((b) => conditionPattern(p, true).test(b));
    if (caught)
      throw new ConfigError(
        "albApiPaths",
        `has "${p}", which matches ${caught}: a browser must reach that path with the login, not a 401`,
      );
  }
  return { header, paths };
}
