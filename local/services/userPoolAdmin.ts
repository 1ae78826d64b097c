import { randomUUID } from "crypto";
import type { GatewayReply } from "../gateways/http";
import { LocalIdp, LocalUser, LocalUserPool, findUser, passwordPolicyMessage } from "./idp";
import type { RecordedProgram } from "../recorded";
import type { IssuedCredentials, LocalIam } from "./iam";
import { AwsRequest, jsonBody, jsonError, jsonReply, jsonSignatureError, jsonTarget } from "./protocol";
import { signedPart, verifySigV4 } from "./sigv4";
import { PUBLIC_OPERATIONS, userPoolPublicApi } from "./userPool/publicApi";

/**
 * The user pool's administrative API, the part an operator's tools use to manage test users
 * (`npm run smoke -- --create-users`): AdminCreateUser, AdminSetUserPassword, AdminAddUserToGroup,
 * AdminGetUser and AdminDeleteUser, and GetGroup, which the pre token generation trigger calls with its role's
 * credentials to read a granted group's role (handlers/preTokenGeneration.ts), over AWS JSON 1.1 (target prefix
 * `AWSCognitoIdentityProviderService`), signed with SigV4 (service `cognito-idp`) and allowed by
 * the caller's IAM policies (`cognito-idp:<Operation>` on the pool's ARN). The same endpoint answers the public
 * operations a pool's users call unsigned (InitiateAuth, SignUp, …: userPool/publicApi.ts), before any signature check.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminAddUserToGroup.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetGroup.html
 */

const OPERATIONS = [
  "AdminCreateUser",
  "AdminSetUserPassword",
  "AdminAddUserToGroup",
  "AdminGetUser",
  "AdminDeleteUser",
  "GetGroup",
];

/** A user as AdminGetUser and AdminCreateUser show it. */
function userShape(u: LocalUser) {
  return {
    Username: u.username,
    UserAttributes: [
      { Name: "sub", Value: u.sub },
      { Name: "email", Value: u.email },
      { Name: "email_verified", Value: "true" },
    ],
    Attributes: [
      { Name: "sub", Value: u.sub },
      { Name: "email", Value: u.email },
      { Name: "email_verified", Value: "true" },
    ],
    UserStatus: u.status,
    Enabled: true,
  };
}

export function userPoolAdminApi(deps: {
  program: RecordedProgram;
  iam: LocalIam;
  idp(): LocalIdp | undefined;
  region: string;
  log(line: string): void;
}): (req: AwsRequest) => Promise<GatewayReply | undefined> {
  const publicApi = userPoolPublicApi({ idp: deps.idp, log: deps.log });
  return async (req) => {
    const operation = jsonTarget(req, "AWSCognitoIdentityProviderService");
    if (!operation) return undefined;
    if (PUBLIC_OPERATIONS.includes(operation)) {
      const body = jsonBody(req);
      return body ? publicApi(operation, body) : jsonError("SerializationException", "the body is not JSON");
    }
    const checked = await verifySigV4<IssuedCredentials>(signedPart(req), {
      service: "cognito-idp",
      region: deps.region,
      lookup: (k) => deps.iam.lookup(k),
    });
    if (!checked.ok) return jsonError(jsonSignatureError(checked.failure), checked.message, 403);
    if (!OPERATIONS.includes(operation))
      return jsonError("UnknownOperationException", `local mode serves ${OPERATIONS.join(", ")}`);
    const body = jsonBody(req);
    if (!body) return jsonError("SerializationException", "the body is not JSON");
    const pool = deps.idp()?.pools.find((p) => p.poolId === body.UserPoolId);
    const poolResource = deps.program.byId("aws:cognito/userPool:UserPool", String(body.UserPoolId));
    if (!pool || !poolResource) return jsonError("ResourceNotFoundException", "User pool does not exist.");
    const poolArn = String(deps.program.stateOf(poolResource).arn);
    const caller = checked.credentials.principal;
    if ((await deps.iam.allows(caller, `cognito-idp:${operation}`, poolArn)) !== "Allowed") {
      return jsonError(
        "AccessDeniedException",
        `User: ${caller.arn} is not authorized to perform: cognito-idp:${operation} on resource: ${poolArn}`,
        400,
      );
    }
    return run(operation, body, pool, poolResource.inputs.passwordPolicy ?? {}, deps.log);
  };
}

function run(
  operation: string,
  body: Record<string, any>,
  pool: LocalUserPool,
  policy: Record<string, any>,
  log: (line: string) => void,
): GatewayReply {
  if (operation === "GetGroup") {
    // GroupType: the group's name, pool, IAM role and precedence (either may be unset).
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GroupType.html
    const group = pool.groupRoles.find((g) => g.name === String(body.GroupName ?? ""));
    if (!group) return jsonError("ResourceNotFoundException", "Group not found.");
    return jsonReply({
      Group: {
        GroupName: group.name,
        UserPoolId: pool.poolId,
        ...(group.roleArn ? { RoleArn: group.roleArn } : {}),
        ...(group.precedence !== undefined && group.precedence !== null ? { Precedence: group.precedence } : {}),
      },
    });
  }
  const name = String(body.Username ?? "");
  if (operation === "AdminCreateUser") {
    if (findUser(pool, name)) return jsonError("UsernameExistsException", "User account already exists");
    const attributes = Object.fromEntries(
      ((body.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]),
    );
    // With email as the sign-in name, the Username is the email and Cognito names the user by its sub.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-usernames
    const email = pool.signsInWithEmail ? name : String(attributes.email ?? "");
    if (pool.signsInWithEmail && !/^[^@\s]+@[^@\s]+$/.test(name))
      return jsonError("InvalidParameterException", "Username should be an email.");
    const temporary = typeof body.TemporaryPassword === "string" ? body.TemporaryPassword : undefined;
    const weakTemporary = temporary && passwordPolicyMessage(policy, temporary);
    if (weakTemporary) return jsonError("InvalidPasswordException", weakTemporary);
    const sub = randomUUID();
    const user: LocalUser = {
      username: pool.signsInWithEmail ? sub : name,
      email,
      password: temporary ?? "",
      sub,
      groups: [],
      status: "FORCE_CHANGE_PASSWORD",
    };
    pool.users.push(user);
    log(`user pool ${pool.poolId}: created ${email || name}`);
    return jsonReply({ User: userShape(user) });
  }
  const user = findUser(pool, name);
  if (!user) return jsonError("UserNotFoundException", "User does not exist.");
  switch (operation) {
    case "AdminSetUserPassword": {
      const weak = passwordPolicyMessage(policy, String(body.Password ?? ""));
      if (weak) return jsonError("InvalidPasswordException", weak);
      user.password = String(body.Password);
      user.status = body.Permanent ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
      return jsonReply({});
    }
    case "AdminAddUserToGroup": {
      if (!pool.groups.includes(String(body.GroupName)))
        return jsonError("ResourceNotFoundException", "Group not found.");
      if (!user.groups.includes(body.GroupName)) user.groups.push(String(body.GroupName));
      return jsonReply({});
    }
    case "AdminGetUser":
      return jsonReply(userShape(user));
    case "AdminDeleteUser":
      pool.users.splice(pool.users.indexOf(user), 1);
      log(`user pool ${pool.poolId}: deleted ${user.email || user.username}`);
      return jsonReply({});
    default:
      return jsonError("UnknownOperationException", operation);
  }
}
