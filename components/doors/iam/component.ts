import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyJson, Statement } from "../../iamPolicy";
import { NotesRestApi, RestApiOptions, restCitations, restDoorTargets } from "../../rest/restApi";
import { IamAuthorizer } from "../../restAuthorizers/iam";
import { API_ROUTES, routeKeys } from "../../routes";
import { DoorComponent, DoorDeps, record, requireUsers } from "../door";
import { machineRoleKey } from "./machines";

export const IAM_DOOR_TYPE = "notes-auth:door:IamFrontDoor";

/**
 * What a SigV4 signer sends besides `host`: the signature, its date, the session token of
 * temporary credentials (identity pool, STS), and the payload hash the AWS SDK's signer adds.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
export const SIGV4_CLIENT_HEADERS = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

export interface IamFrontDoorArgs {
  /** The REST API's shared settings (CORS, throttling, logs, WAF). */
  rest: RestApiOptions;
}

export type IamCitation =
  keyof ReturnType<typeof restCitations> | "identityPool" | "adminAccess" | "machineRole" | "roleAttachment";

/**
 * `iam`: API Gateway REST with AWS_IAM on every non-OPTIONS method. Users sign in to the user
 * pool, trade the ID token at a Cognito identity pool for role credentials and sign with SigV4;
 * each listed machine assumes its own machine role. The admin group maps to an admin role that may also
 * invoke `/admin/*` (token-based role mapping; a user in no group gets the authenticated role).
 */
export class IamFrontDoor extends DoorComponent<"iam", IamCitation> {
  public readonly mode = "iam" as const;
  public readonly rest: NotesRestApi;
  public readonly identityPool: aws.cognito.IdentityPool;
  public readonly userRole: aws.iam.Role;
  public readonly adminRole: aws.iam.Role;
  /** The stack's machine roles (components/identities.ts), by principal: this door lets each invoke it. */
  public readonly machineRoles: Record<string, aws.iam.Role>;
  public readonly adminAccess: aws.iam.RolePolicy;
  public readonly roleAttachment: aws.cognito.IdentityPoolRoleAttachment;

  constructor(name: string, args: IamFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(IAM_DOOR_TYPE, name, {}, opts);
    const users = requireUsers(deps, "IamFrontDoor");
    const child = { parent: this };

    this.rest = new NotesRestApi(
      `${name}-api`,
      {
        ...args.rest,
        backend: deps.backend,
        accountLogging: deps.apiGatewayLogging?.account,
        clientHeaders: SIGV4_CLIENT_HEADERS,
        authorizer: new IamAuthorizer(),
      },
      child,
    );

    const provider = pulumi.interpolate`cognito-idp.${users.region}.amazonaws.com/${users.userPoolId}`;
    this.identityPool = new aws.cognito.IdentityPool(
      `${name}-identities`,
      {
        identityPoolName: `notes_auth_${pulumi.getStack().replace(/[^\w]/g, "_")}`,
        allowUnauthenticatedIdentities: false,
        allowClassicFlow: false,
        cognitoIdentityProviders: [{ clientId: users.clientId, providerName: provider, serverSideTokenCheck: true }],
      },
      child,
    );

    const invoke = (admin: boolean): pulumi.Output<string>[] =>
      routeKeys(API_ROUTES)
        .filter(({ route }) => admin || !route.admin)
        .map(({ method, path }) => this.rest.methodArn(method, path));
    // Only the API: attachments go through its presigned URLs, which carry the size cap, the
    // user pool sub in the key and deletion with the note. A direct S3 grant would bypass all three.
    const userStatements = (admin: boolean): Statement[] => [
      { Sid: "InvokeNotesRoutes", Effect: "Allow", Action: "execute-api:Invoke", Resource: invoke(admin) },
    ];
    const identityTrust = policyJson([
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "cognito-identity.amazonaws.com:aud": this.identityPool.id },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        },
      },
    ]);
    this.userRole = new aws.iam.Role(
      `${name}-user-role`,
      { assumeRolePolicy: identityTrust, description: "Signed-in notes users (identity pool)" },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-user-access`,
      { role: this.userRole.id, policy: policyJson(userStatements(false)) },
      child,
    );
    this.adminRole = new aws.iam.Role(
      `${name}-admin-role`,
      { assumeRolePolicy: identityTrust, description: "Members of the admin group (identity pool)" },
      child,
    );
    this.adminAccess = new aws.iam.RolePolicy(
      `${name}-admin-access`,
      { role: this.adminRole.id, policy: policyJson(userStatements(true)) },
      child,
    );

    // Role from token: admins' ID tokens carry the admin role (their group's) as
    // cognito:preferred_role; everyone else's carries no role, and AuthenticatedRole gives them
    // the default authenticated (user) role. With Deny they would get no credentials at all.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html
    // Escalation stays closed: the classic flow is off (above), and a CustomRoleArn must be one of
    // the token's cognito:roles, which only the admin group's members carry (awsRules/identityPool.ts).
    this.roleAttachment = new aws.cognito.IdentityPoolRoleAttachment(
      `${name}-roles`,
      {
        identityPoolId: this.identityPool.id,
        roles: { authenticated: this.userRole.arn },
        roleMappings: [
          {
            identityProvider: pulumi.interpolate`${provider}:${users.clientId}`,
            type: "Token",
            ambiguousRoleResolution: "AuthenticatedRole",
          },
        ],
      },
      child,
    );

    users.mapAdminGroupToRole(this.adminRole.arn);

    // The machine roles are the stack's (components/identities.ts): this door attaches what each
    // may invoke, a policy named after the role (`<role>-access`), and never owns the role.
    this.machineRoles = deps.identities?.machineRoles ?? {};
    for (const [principal, role] of Object.entries(this.machineRoles)) {
      new aws.iam.RolePolicy(
        `${name}-machine-${machineRoleKey(principal)}-access`,
        {
          role: role.id,
          policy: policyJson([
            { Sid: "InvokeNotesRoutes", Effect: "Allow", Action: "execute-api:Invoke", Resource: invoke(false) },
          ]),
        },
        child,
      );
    }
    const machineRoleArns = pulumi.output(
      Object.fromEntries(Object.entries(this.machineRoles).map(([p, r]) => [p, r.arn])),
    );

    const url = this.rest.url;
    const settings = pulumi.output({ adminRoleArn: this.adminRole.arn, identityPoolId: this.identityPool.id });
    const clientConfig = record({
      signIn:
        "sign in to the user pool (SRP), get credentials from the identity pool with the ID token, sign " +
        "requests with SigV4 (service execute-api)",
      region: users.region,
      userPoolId: users.userPoolId,
      userPoolClientId: users.clientId,
      identityPoolId: this.identityPool.id,
      machineRoleArns,
      ...(deps.identities?.identityArgs.machineRoles.condition?.externalId
        ? { machineRoleExternalIdRequired: true }
        : {}),
      signingService: "execute-api",
    });
    const cited = {
      ...restCitations(this.rest),
      identityPool: this.identityPool,
      adminAccess: this.adminAccess,
      machineRole: Object.values(this.machineRoles)[0],
      roleAttachment: this.roleAttachment,
    };
    this.publish({
      url,
      ...restDoorTargets(this.rest),
      credential: { kind: "identity-pool-sigv4" },
      settings,
      clientConfig,
      cited,
    });
  }
}
