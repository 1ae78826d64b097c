import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The resource server identifier: scopes read `notes/read`, `notes/write`, `notes/admin`. */
export const NOTES_RESOURCE_SERVER = "notes";
export const NOTES_SCOPES = ["read", "write", "admin"] as const;
export type NotesScope = (typeof NOTES_SCOPES)[number];
export const scopeName = (s: NotesScope) => `${NOTES_RESOURCE_SERVER}/${s}`;

export interface UserDirectoryArgs {
  /** Turn on Cognito deletion protection and protect the pool from `pulumi destroy`. @default false */
  protectData?: boolean;
  /** TOTP MFA: OFF, OPTIONAL (users may enrol) or ON. @default "OPTIONAL" */
  mfa?: "OFF" | "OPTIONAL" | "ON";
  /** Name of the group whose members are admins. @default "admins" */
  adminGroup?: string;
  /** Redirect URIs for the SPA's authorization-code flow (managed login). @default ["http://localhost:3000/callback"] */
  callbackUrls?: string[];
  /** Sign-out redirect URIs. @default ["http://localhost:3000/"] */
  logoutUrls?: string[];
  /**
   * IAM role the admin group maps to in an identity pool (the `iam` door sets it); a change is an
   * in-place update of the group, never a replacement.
   */
  adminRoleArn?: pulumi.Input<string>;
  /** Prefix of the Cognito-hosted domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  domainPrefix: pulumi.Input<string>;
}

/**
 * The stack's Cognito user directory, shared by every door that signs users in: a user pool with
 * email sign-in, a secret-less SPA app client (SRP, refresh and the OAuth code flow), the `notes`
 * resource server with read/write/admin scopes, a hosted domain for the token endpoints, and the
 * admin group. Its inputs are the same whatever the door, so a door switch never replaces it and
 * every user keeps their `sub`.
 */
export class UserDirectory extends pulumi.ComponentResource {
  public readonly userPool: aws.cognito.UserPool;
  public readonly client: aws.cognito.UserPoolClient;
  public readonly adminGroup: aws.cognito.UserGroup;
  public readonly resourceServer: aws.cognito.ResourceServer;
  public readonly domain: aws.cognito.UserPoolDomain;
  public readonly userPoolId: pulumi.Output<string>;
  public readonly userPoolArn: pulumi.Output<string>;
  public readonly clientId: pulumi.Output<string>;
  /** https://cognito-idp.{region}.amazonaws.com/{userPoolId}: the `iss` of this pool's tokens. */
  public readonly issuer: pulumi.Output<string>;
  /** https://{prefix}.auth.{region}.amazoncognito.com */
  public readonly domainUrl: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  public readonly adminGroupName: string;

  constructor(name: string, args: UserDirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:users:UserDirectory", name, {}, opts);
    const protect = args.protectData ?? false;
    const mfa = args.mfa ?? "OPTIONAL";
    this.adminGroupName = args.adminGroup ?? "admins";

    this.userPool = new aws.cognito.UserPool(`${name}-pool`, {
      usernameAttributes: ["email"],
      autoVerifiedAttributes: ["email"],
      usernameConfiguration: { caseSensitive: false },
      passwordPolicy: {
        minimumLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      },
      mfaConfiguration: mfa,
      softwareTokenMfaConfiguration: mfa === "OFF" ? undefined : { enabled: true },
      accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
      adminCreateUserConfig: { allowAdminCreateUserOnly: false },
      deletionProtection: protect ? "ACTIVE" : "INACTIVE",
    }, { parent: this, protect, retainOnDelete: protect });

    this.resourceServer = new aws.cognito.ResourceServer(`${name}-notes-scopes`, {
      userPoolId: this.userPool.id,
      identifier: NOTES_RESOURCE_SERVER,
      name: "notes API",
      scopes: [
        { scopeName: "read", scopeDescription: "Read your notes" },
        { scopeName: "write", scopeDescription: "Create, change and delete your notes" },
        { scopeName: "admin", scopeDescription: "Admin routes (the handler also requires the admin group for users)" },
      ],
    }, { parent: this });

    this.domain = new aws.cognito.UserPoolDomain(`${name}-domain`, {
      userPoolId: this.userPool.id,
      domain: args.domainPrefix,
      managedLoginVersion: 1,
    }, { parent: this });

    this.client = new aws.cognito.UserPoolClient(`${name}-spa`, {
      userPoolId: this.userPool.id,
      generateSecret: false,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["code"],
      allowedOauthScopes: pulumi.output(this.resourceServer.scopeIdentifiers).apply((ids) => ["openid", "email", "profile", ...ids]),
      supportedIdentityProviders: ["COGNITO"],
      callbackUrls: args.callbackUrls ?? ["http://localhost:3000/callback"],
      logoutUrls: args.logoutUrls ?? ["http://localhost:3000/"],
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
    }, { parent: this });

    this.adminGroup = new aws.cognito.UserGroup(`${name}-admins`, {
      userPoolId: this.userPool.id,
      name: this.adminGroupName,
      description: "May call /admin/*",
      precedence: 1,
      roleArn: args.adminRoleArn,
    }, { parent: this });

    const region = aws.getRegionOutput({}, { parent: this });
    this.region = region.region;
    this.userPoolId = this.userPool.id;
    this.userPoolArn = this.userPool.arn;
    this.clientId = this.client.id;
    this.issuer = pulumi.interpolate`https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.id}`;
    this.domainUrl = pulumi.interpolate`https://${this.domain.domain}.auth.${this.region}.amazoncognito.com`;
    this.registerOutputs({ userPoolId: this.userPoolId, clientId: this.clientId, issuer: this.issuer, domainUrl: this.domainUrl });
  }
}
