import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyJson, Statement } from "../../policies";
import { NotesRestApi, RestApiOptions, restCitations } from "../../rest/restApi";
import { API_ROUTES, routeKeys } from "../../routes";
import { DoorComponent, DoorDeps, record, requireUsers } from "../door";

export const IAM_DOOR_TYPE = "notes-auth:door:IamFrontDoor";

export interface IamFrontDoorArgs {
  /** The REST API's shared settings (CORS, throttling, logs, WAF). */
  rest: RestApiOptions;
  /** IAM principals that may assume the machine role; empty: no machine role. @default [] */
  machineRolePrincipals: string[];
}

export type IamCitation = keyof ReturnType<typeof restCitations> | "identityPool" | "adminAccess" | "machineRole";

/** The IAM policy variable for the caller's identity id. It must reach AWS literally. */
export const IDENTITY_SUB_VARIABLE = "${cognito-identity.amazonaws.com:sub}";

/**
 * `iam`: API Gateway REST with AWS_IAM on every non-OPTIONS method. Users sign in to the user
 * pool, trade the ID token at a Cognito identity pool for role credentials and sign with SigV4;
 * machines assume an optional machine role. The admin group maps to an admin role that may also
 * invoke `/admin/*` (token-based role mapping, ambiguous roles denied).
 */
export class IamFrontDoor extends DoorComponent<"iam", IamCitation> {
  public readonly mode = "iam" as const;
  public readonly rest: NotesRestApi;
  public readonly identityPool: aws.cognito.IdentityPool;
  public readonly userRole: aws.iam.Role;
  public readonly adminRole: aws.iam.Role;
  public readonly machineRole?: aws.iam.Role;
  public readonly adminAccess: aws.iam.RolePolicy;

  constructor(name: string, args: IamFrontDoorArgs, deps: DoorDeps, opts?: pulumi.ComponentResourceOptions) {
    super(IAM_DOOR_TYPE, name, {}, opts);
    const users = requireUsers(deps, "IamFrontDoor");
    const child = { parent: this };

    this.rest = new NotesRestApi(`${name}-api`, { ...args.rest, backend: deps.backend, accountLogging: deps.apiGatewayLogging?.account, auth: { kind: "iam" } }, child);

    const provider = pulumi.interpolate`cognito-idp.${users.region}.amazonaws.com/${users.userPoolId}`;
    this.identityPool = new aws.cognito.IdentityPool(`${name}-identities`, {
      identityPoolName: `notes_auth_${pulumi.getStack().replace(/[^\w]/g, "_")}`,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [{ clientId: users.clientId, providerName: provider, serverSideTokenCheck: true }],
    }, child);

    const invoke = (admin: boolean): pulumi.Output<string>[] =>
      routeKeys(API_ROUTES).filter(({ route }) => admin || !route.admin).map(({ method, path }) => this.rest.methodArn(method, path));
    const bucketArn = pulumi.interpolate`arn:aws:s3:::${deps.backend.bucketName}`;
    const ownPrefix = pulumi.concat(bucketArn, "/private/", IDENTITY_SUB_VARIABLE, "/*");
    const userStatements = (admin: boolean): Statement[] => [
      { Sid: "InvokeNotesRoutes", Effect: "Allow", Action: "execute-api:Invoke", Resource: invoke(admin) },
      { Sid: "OwnAttachments", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ownPrefix },
      {
        Sid: "ListOwnAttachments", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": `private/${IDENTITY_SUB_VARIABLE}/*` } },
      },
    ];
    const identityTrust = policyJson([{
      Effect: "Allow",
      Principal: { Federated: "cognito-identity.amazonaws.com" },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "cognito-identity.amazonaws.com:aud": this.identityPool.id },
        "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
      },
    }]);
    this.userRole = new aws.iam.Role(`${name}-user-role`, { assumeRolePolicy: identityTrust, description: "Signed-in notes users (identity pool)" }, child);
    new aws.iam.RolePolicy(`${name}-user-access`, { role: this.userRole.id, policy: policyJson(userStatements(false)) }, child);
    this.adminRole = new aws.iam.Role(`${name}-admin-role`, { assumeRolePolicy: identityTrust, description: "Members of the admin group (identity pool)" }, child);
    this.adminAccess = new aws.iam.RolePolicy(`${name}-admin-access`, { role: this.adminRole.id, policy: policyJson(userStatements(true)) }, child);

    new aws.cognito.IdentityPoolRoleAttachment(`${name}-roles`, {
      identityPoolId: this.identityPool.id,
      roles: { authenticated: this.userRole.arn },
      roleMappings: [{
        identityProvider: pulumi.interpolate`${provider}:${users.clientId}`,
        type: "Token",
        ambiguousRoleResolution: "Deny",
      }],
    }, child);

    users.mapAdminGroupToRole(this.adminRole.arn);

    if (args.machineRolePrincipals.length > 0) {
      this.machineRole = new aws.iam.Role(`${name}-machine-role`, {
        description: "Machines calling the notes API with SigV4",
        assumeRolePolicy: policyJson([{ Effect: "Allow", Principal: { AWS: args.machineRolePrincipals }, Action: "sts:AssumeRole" }]),
      }, child);
      new aws.iam.RolePolicy(`${name}-machine-access`, {
        role: this.machineRole.id,
        policy: policyJson([{ Sid: "InvokeNotesRoutes", Effect: "Allow", Action: "execute-api:Invoke", Resource: invoke(false) }]),
      }, child);
    }

    const url = this.rest.url;
    const settings = pulumi.output({ adminRoleName: this.adminRole.name });
    const clientConfig = record({
      signIn: "sign in to the user pool (SRP), get credentials from the identity pool with the ID token, sign requests with SigV4 (service execute-api)",
      region: users.region,
      userPoolId: users.userPoolId,
      userPoolClientId: users.clientId,
      identityPoolId: this.identityPool.id,
      machineRoleArn: this.machineRole?.arn ?? "",
      attachmentsBucket: deps.backend.bucketName,
      signingService: "execute-api",
    });
    const cited = { ...restCitations(this.rest), identityPool: this.identityPool, adminAccess: this.adminAccess, machineRole: this.machineRole };
    this.publish({ url, settings, clientConfig, cited });
  }
}
