import { createHash } from "crypto";
import type { JWTPayload } from "jose";
import { RoleAttachment, resolveRole } from "../../awsRules/identityPool";
import type { RoleClaims } from "../../awsRules/userPool";
import type { RecordedProgram } from "../recorded";
import type { LocalIdp } from "./idp";
import { KeySets, verifySignedToken } from "../gateways/jwt";
import type { GatewayReply } from "../gateways/http";
import type { LocalIam } from "./iam";
import { AwsRequest, jsonBody, jsonError, jsonReply, jsonTarget } from "./protocol";

/**
 * Amazon Cognito identity pools (the enhanced flow), from the recorded `IdentityPool` and
 * `IdentityPoolRoleAttachment`: `GetId` and `GetCredentialsForIdentity` over AWS JSON 1.1
 * (target prefix `AWSCognitoIdentityService`), public APIs that take no signature, so
 * `fromCognitoIdentityPool` of @aws-sdk/credential-providers works against them unchanged.
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html (enhanced flow)
 */

const T = {
  pool: "aws:cognito/identityPool:IdentityPool",
  attachment: "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
} as const;

export interface IdentityPoolDeps {
  program: RecordedProgram;
  iam: LocalIam;
  idp(): LocalIdp | undefined;
  keys: KeySets;
  log(line: string): void;
}

/** Credentials from the identity pool last an hour. */
const CREDENTIALS_SECONDS = 3600;

/**
 * A verified login: the provider (`cognito-idp.<region>.amazonaws.com/<poolId>`), its app client and the ID token's
 * claims.
 */
interface Login {
  providerName: string;
  clientId: string;
  claims: JWTPayload;
}

/**
 * An identity id is stable per pool and user: `<region>:<uuid>`. Cognito assigns a random one on
 * the first GetId and returns it again later; a hash of the pool, provider and sub gives the same
 * stability without keeping state.
 */
export function identityIdOf(identityPoolId: string, providerName: string, sub: string): string {
  const h = createHash("sha256").update(`${identityPoolId}|${providerName}|${sub}`).digest("hex");
  return (
    `${identityPoolId.split(":")[0]}:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8` +
    `${h.slice(17, 20)}-${h.slice(20, 32)}`
  );
}

export function identityPoolApi(deps: IdentityPoolDeps): (req: AwsRequest) => Promise<GatewayReply | undefined> {
  const { program, iam } = deps;

  /**
   * The Logins map checked as GetId and GetCredentialsForIdentity check it: each key a user pool
   * provider the identity pool lists, each value a valid, unexpired ID token of that pool issued
   * to the listed app client.
   */
  const verifyLogins = async (pool: Record<string, any>, logins: unknown): Promise<Login | string> => {
    const entries = Object.entries((logins ?? {}) as Record<string, string>);
    if (entries.length === 0) return "Unauthenticated access is not supported for this identity pool.";
    const [loginKey, token] = entries[0];
    // A client that names the provider by its token's `iss` (Amplify v6 does) names a local pool by its local
    // issuer; the identity pool lists that pool by its AWS name (cognito-idp.<region>.amazonaws.com/<poolId>).
    const byLocalIssuer = deps.idp()?.pools.find((p) => p.issuer.replace(/^https?:\/\//, "") === loginKey);
    const providerName = byLocalIssuer ? byLocalIssuer.awsIssuer.replace(/^https:\/\//, "") : loginKey;
    const providers: { providerName: string; clientId: string }[] = pool.cognitoIdentityProviders ?? [];
    const listed = providers.filter((p) => p.providerName === providerName);
    if (listed.length === 0) return `Invalid login token. Issuer doesn't match providerName`;
    const localPool = deps.idp()?.poolByIssuer(`https://${providerName}`);
    if (!localPool) return "Invalid login token. Issuer doesn't match providerName";
    const verified = await verifySignedToken(
      String(token),
      await deps.keys.byUrl(`${localPool.issuer}/.well-known/jwks.json`),
      [localPool.issuer],
    );
    if (!verified.ok) return `Invalid login token. ${verified.reason}`;
    const provider = listed.find((p) => p.clientId === verified.payload.aud);
    if (!provider) return "Invalid login token. Audience is not a valid client of the identity pool.";
    if (verified.payload.token_use !== "id") return "Invalid login token. Not an ID token.";
    return { providerName, clientId: provider.clientId, claims: verified.payload };
  };

  return async (req) => {
    const operation = jsonTarget(req, "AWSCognitoIdentityService");
    if (!operation) return undefined;
    const body = jsonBody(req);
    if (!body) return jsonError("SerializationException", "the body is not JSON");
    const poolId = String(
      body.IdentityPoolId ?? (typeof body.IdentityId === "string" ? poolOfIdentity(program, body.IdentityId) : ""),
    );
    const pool = program.byId(T.pool, poolId);
    if (!pool) return jsonError("ResourceNotFoundException", `IdentityPool '${poolId}' not found.`);

    const login = await verifyLogins(pool.inputs, body.Logins);
    if (typeof login === "string") {
      deps.log(`identity pool ${operation}: NotAuthorizedException (${login})`);
      return jsonError("NotAuthorizedException", login);
    }
    const identityId = identityIdOf(poolId, login.providerName, String(login.claims.sub));

    switch (operation) {
      case "GetId":
        return jsonReply({ IdentityId: identityId });
      case "GetCredentialsForIdentity": {
        if (body.IdentityId !== identityId)
          return jsonError(
            "NotAuthorizedException",
            "Invalid login token. The identity does not belong to these logins.",
          );
        const attachment = program.ofType(T.attachment).find((a) => a.inputs.identityPoolId === poolId);
        if (!attachment)
          return jsonError(
            "InvalidIdentityPoolConfigurationException",
            "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
          );
        // The role the pool picks, by the rules Cognito documents (awsRules/identityPool.ts), from the token's role
        // claims.
        const claims: RoleClaims = {
          "cognito:roles": Array.isArray(login.claims["cognito:roles"])
            ? (login.claims["cognito:roles"] as string[])
            : undefined,
          "cognito:preferred_role":
            typeof login.claims["cognito:preferred_role"] === "string"
              ? (login.claims["cognito:preferred_role"] as string)
              : undefined,
        };
        const resolved = resolveRole(
          attachment.inputs as RoleAttachment,
          `${login.providerName}:${login.clientId}`,
          claims,
          body.CustomRoleArn,
        );
        if ("refused" in resolved) {
          deps.log(`identity pool: no role for ${login.claims.sub}: ${resolved.refused}`);
          return jsonError("NotAuthorizedException", resolved.refused);
        }
        // Cognito assumes the role with AssumeRoleWithWebIdentity, so the role's trust policy decides too.
        // https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
        const sub = String(login.claims.sub);
        const trusted = await iam.trusts(
          resolved.role,
          { principal: "cognito-identity.amazonaws.com", policies: [] },
          "sts:AssumeRoleWithWebIdentity",
          {
            "cognito-identity.amazonaws.com:aud": poolId,
            "cognito-identity.amazonaws.com:amr": [
              "authenticated",
              login.providerName,
              `${login.providerName}:CognitoSignIn:${sub}`,
            ],
          },
        );
        if (trusted !== "Allowed") {
          deps.log(`identity pool: the trust policy of ${resolved.role} does not let this pool's identities assume it`);
          return jsonError(
            "InvalidIdentityPoolConfigurationException",
            "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
          );
        }
        // What API Gateway later reports as $context.identity.cognito*: the provider string names the
        // user pool twice and the user's sub. The session name Cognito uses is not documented.
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
        const creds = iam.issue(
          iam.roleSession(resolved.role, "CognitoIdentityCredentials", {
            cognito: {
              identityPoolId: poolId,
              identityId,
              authenticationType: "authenticated",
              authenticationProvider: `${login.providerName},${login.providerName}:CognitoSignIn:${sub}`,
            },
          }),
          { ttlSeconds: CREDENTIALS_SECONDS },
        );
        return jsonReply({
          IdentityId: identityId,
          Credentials: {
            AccessKeyId: creds.accessKeyId,
            SecretKey: creds.secretAccessKey,
            SessionToken: creds.sessionToken,
            Expiration: Math.floor(creds.expiration! / 1000),
          },
        });
      }
      default:
        return jsonError("UnknownOperationException", `local mode does not serve ${operation}`);
    }
  };
}

/**
 * The pool of an identity id (`<region>:<uuid>`): local ids are per pool, so look them up among the recorded pools'
 * regions.
 */
function poolOfIdentity(program: RecordedProgram, identityId: string): string {
  const region = identityId.split(":")[0];
  return (
    program
      .ofType(T.pool)
      .map((p) => program.idOf(p))
      .find((id) => id.startsWith(`${region}:`)) ?? ""
  );
}
