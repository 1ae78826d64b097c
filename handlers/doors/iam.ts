import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal } from "../principal";
import { EnvironmentError } from "../contract/settings";
import type { StackEnv } from "../contract/stack";
import type { HandlerDoor } from "./door";
import { IamSettings, iamSettings } from "../contract/doors/iam";

/**
 * The IAM principal behind a caller ARN, as a stable id. A role session's ARN is
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, and the caller picks the session
 * name, so a machine is keyed on its role (`arn:aws:iam::<account>:role/<role>`), never on the
 * session: every ECS task, Lambda or EC2 session of one role is the same principal, and no session
 * name reaches another's notes. (The assumed-role ARN carries the role's name, not its path.)
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html ("The role session name is also used in the ARN of the assumed role principal.")
 */
export function principalArn(callerArn: string): string | undefined {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/.exec(callerArn);
  if (session) return `arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  return /^arn:aws[a-z-]*:iam::\d{12}:(user\/[\w+=,.@\/-]+|root)$/.test(callerArn) ? callerArn : undefined;
}

/** `cognito-idp.<region>.amazonaws.com/<poolId>,cognito-idp.<region>.amazonaws.com/<poolId>:CognitoSignIn:<sub>` */
const PROVIDER = new RegExp(
  String.raw`^cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+),cognito-idp\.[a-z0-9-]+\.amazonaws\.co` +
    String.raw`m\/([\w-]+):CognitoSignIn:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`,
);

/**
 * REST AWS_IAM: an identity-pool user of OUR identity pool and user pool (their user pool sub),
 * or an IAM caller (iam:<principal ARN>). Admin: the caller's role is the admin role, by full ARN.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html ($context.identity.*)
 */
export function fromIam(event: APIGatewayProxyEvent, s: IamSettings, stack: StackEnv): Principal {
  const identity = event.requestContext?.identity;
  if (!identity) throw new Unauthorized();
  const caller = identity.userArn ? principalArn(identity.userArn) : undefined;
  const isAdmin = caller !== undefined && caller === s.adminRoleArn;
  if (identity.cognitoAuthenticationType === "authenticated" && identity.cognitoAuthenticationProvider) {
    if (identity.cognitoIdentityPoolId !== s.identityPoolId)
      throw new Unauthorized("identity from another identity pool");
    const m = PROVIDER.exec(identity.cognitoAuthenticationProvider);
    if (!m || m[1] !== stack.userPoolId || m[2] !== stack.userPoolId)
      throw new Unauthorized("identity from another user pool");
    return { id: m[3], kind: "user", door: "iam", groups: isAdmin ? [stack.adminGroup] : [], scopes: [], isAdmin };
  }
  if (identity.cognitoAuthenticationType) throw new Unauthorized("unauthenticated identities are not accepted");
  if (!caller) throw new Unauthorized();
  return { id: `iam:${caller}`, kind: "machine", door: "iam", groups: [], scopes: [], isAdmin };
}

/** `iam`: REST v1 with the identity API Gateway verified (SigV4 + execute-api:Invoke). */
export const iamDoor: HandlerDoor<IamSettings> = {
  shape: "rest-v1",
  settings: iamSettings,
  validate(_s, stack) {
    if (!stack.userPoolId) throw new EnvironmentError("environment variable USER_POOL_ID is not set");
  },
  principal: (req, s, stack) => fromIam(req.event as APIGatewayProxyEvent, s, stack),
};
