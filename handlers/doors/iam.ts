import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal } from "../principal";
import { ConfigurationError, SettingsOf, optional, settings } from "../settings";
import type { StackEnv } from "../env";
import type { HandlerDoor } from "./door";

export const iamSettings = settings({
  /** The identity-pool admin role's name. */
  adminRoleName: optional("IAM_ADMIN_ROLE_NAME"),
});
export type IamSettings = SettingsOf<typeof iamSettings>;

/** `cognito-idp.<region>.amazonaws.com/<poolId>,cognito-idp.<region>.amazonaws.com/<poolId>:CognitoSignIn:<sub>` */
const PROVIDER = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+),cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+):CognitoSignIn:([0-9a-f-]{36})$/;

/** REST AWS_IAM: an identity-pool user (their user pool sub) or an IAM caller (iam:<ARN>). */
export function fromIam(event: APIGatewayProxyEvent, s: IamSettings, stack: StackEnv): Principal {
  const identity = event.requestContext?.identity;
  if (!identity) throw new Unauthorized();
  const userArn = identity.userArn ?? undefined;
  const isAdmin = !!s.adminRoleName && !!userArn && userArn.split("/")[0].endsWith(":assumed-role") && userArn.split("/")[1] === s.adminRoleName;
  if (identity.cognitoAuthenticationType === "authenticated" && identity.cognitoAuthenticationProvider) {
    const m = PROVIDER.exec(identity.cognitoAuthenticationProvider);
    if (!m || m[1] !== stack.userPoolId || m[2] !== stack.userPoolId) throw new Unauthorized("identity from another user pool");
    return { id: m[3], kind: "user", door: "iam", groups: isAdmin ? [stack.adminGroup] : [], scopes: [], isAdmin };
  }
  if (identity.cognitoAuthenticationType) throw new Unauthorized("unauthenticated identities are not accepted");
  if (!userArn || !/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/.test(userArn)) throw new Unauthorized();
  return { id: `iam:${userArn}`, kind: "machine", door: "iam", groups: [], scopes: [], isAdmin };
}

/** `iam`: REST v1 with the identity API Gateway verified (SigV4 + execute-api:Invoke). */
export const iamDoor: HandlerDoor<IamSettings> = {
  shape: "rest-v1",
  settings: iamSettings,
  validate(_s, stack) {
    if (!stack.userPoolId) throw new ConfigurationError("environment variable USER_POOL_ID is not set");
  },
  principal: (req, s, stack) => fromIam(req.event as APIGatewayProxyEvent, s, stack),
};
