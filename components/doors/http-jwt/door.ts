import { ConfigError, ConfigReader } from "../../configReader";
import { groupsClaimProblem } from "../../../handlers/contract/groupsClaim";
import { gatewayCustomDomain } from "../../customDomain";
import { DoorModule } from "../door";
import { HTTP_JWT_DOOR_TYPE, HttpJwtCitation, HttpJwtFrontDoor, HttpJwtFrontDoorArgs } from "./component";

/** `http-jwt`: API Gateway HTTP API + JWT authorizer (Cognito or any OIDC issuer), scopes per route. */
export const httpJwtDoor: DoorModule<"http-jwt", HttpJwtFrontDoorArgs, HttpJwtCitation> = {
  mode: "http-jwt",
  componentType: HTTP_JWT_DOOR_TYPE,
  minimalConfig: {},
  argsFrom(config, stack) {
    // AWS WAF protects REST API stages, ALBs and others, but not HTTP APIs: a web ACL cannot be
    // attached here, so the key is refused rather than dropped without a word.
    // https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html
    if (stack.wafAclArn) {
      throw new ConfigError(
        "wafAclArn",
        "cannot be used with the http-jwt door: AWS WAF cannot protect an API Gateway HTTP API (only REST API " +
          "stages, ALBs and other resources). Unset notes-auth:wafAclArn, or choose a REST door or alb-oidc to " +
          "keep WAF",
      );
    }
    const issuer = config.url("jwtIssuer");
    const audiences = config.list("jwtAudiences");
    const m2mClient = readMachineClient(config) !== undefined;
    if ((issuer === undefined) !== (audiences.length === 0)) {
      throw new ConfigError(
        issuer ? "jwtAudiences" : "jwtIssuer",
        "must be set together with the other: an external issuer needs its audiences (notes-auth:jwtIssuer and " +
          "notes-auth:jwtAudiences)",
      );
    }
    if (m2mClient && issuer) {
      throw new ConfigError(
        "m2mClient",
        "creates a Cognito client-credentials client, which needs the stack's own user pool: unset " +
          "notes-auth:jwtIssuer, or register the machine client at your IdP",
      );
    }
    const groupsClaim = config.str("groupsClaim");
    const badClaim = groupsClaim === undefined ? undefined : groupsClaimProblem(groupsClaim);
    if (badClaim) throw new ConfigError("groupsClaim", badClaim);
    if (groupsClaim && !issuer)
      throw new ConfigError(
        "groupsClaim",
        "names an external issuer's groups claim: set notes-auth:jwtIssuer too (the stack's pool always uses " +
          "cognito:groups)",
      );
    // The JWT authorizer hands the integration top-level claims only, flattened to strings, so a
    // nested path (realm_access.roles) would silently read nothing; a namespaced name (a URL) is one claim.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
    if (groupsClaim && groupsClaim.includes(".") && !/^https?:\/\//.test(groupsClaim)) {
      throw new ConfigError(
        "groupsClaim",
        `is "${groupsClaim}", a nested path: at http-jwt the HTTP API passes the function top-level claims only, so name a top-level claim (groups, roles, or a namespaced one such as https://example.com/groups)`,
      );
    }
    return {
      corsOrigins: stack.corsOrigins,
      throttle: { rateLimit: stack.throttleRateLimit, burstLimit: stack.throttleBurstLimit },
      logRetentionDays: stack.logRetentionDays,
      detailedMetrics: stack.detailedMetrics,
      disableExecuteApiEndpoint: gatewayCustomDomain(stack),
      externalIssuer: issuer ? { issuer, audiences, groupsClaim } : undefined,
    };
  },
  usesUserPool: (args) => args.externalIssuer === undefined,
  create: (name, args, deps, opts) => new HttpJwtFrontDoor(name, args, deps, opts),
};

/**
 * `m2mClient` (and `m2mAdmin`), read and checked whatever the doors: the machine client is the
 * stack's (components/identities.ts); the http-jwt door accepts its tokens (an audience).
 */
export function readMachineClient(config: ConfigReader): { admin: boolean } | undefined {
  const m2mClient = config.bool("m2mClient", false);
  const m2mAdmin = config.bool("m2mAdmin", false);
  if (m2mAdmin && !m2mClient) throw new ConfigError("m2mAdmin", "needs notes-auth:m2mClient true");
  return m2mClient ? { admin: m2mAdmin } : undefined;
}
