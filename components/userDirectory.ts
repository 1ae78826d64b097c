import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { citedUrns } from "./cited";
import type { CognitoPlan } from "../awsRules/userPool";
import { NOTES_RESOURCE_SERVER, NOTES_SCOPES, NotesScope, scopeName } from "../handlers/contract/routeTable";

export { NOTES_RESOURCE_SERVER, NOTES_SCOPES, scopeName };
export type { NotesScope };

const SCOPE_DESCRIPTIONS: Record<NotesScope, string> = {
  read: "Read your notes",
  write: "Create, change and delete your notes",
  admin: "Admin routes (the handler also requires the admin group for users)",
};

export interface UserDirectoryArgs {
  /** Turn on Cognito deletion protection and protect the pool from `pulumi destroy`. @default false */
  protectData?: boolean;
  /** TOTP MFA: OFF, OPTIONAL (users may enrol) or ON. @default "OPTIONAL" */
  mfa?: "OFF" | "OPTIONAL" | "ON";
  /** Name of the group whose members are admins (the stack's `adminGroup`). */
  adminGroup: string;
  /** Redirect URIs for the SPA's authorization-code flow (managed login). @default ["http://localhost:3000/callback"] */
  callbackUrls?: string[];
  /** Sign-out redirect URIs. @default ["http://localhost:3000/"] */
  logoutUrls?: string[];
  /** Prefix of the Cognito-hosted domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  domainPrefix: pulumi.Input<string>;
  /** Anyone may sign up (true), or only admins create users (false). */
  selfSignUp: boolean;
  /** Send Cognito's email through SES with a verified identity; unset: Cognito's capped default sender. */
  email?: { sesIdentityArn: string; from?: string };
  /** The feature plan. A change updates the pool in place: plans can be switched at any time (UpdateUserPool). */
  plan: CognitoPlan;
  /** Threat protection (advanced security), which needs the Plus plan. @default "OFF" */
  threatProtection?: "OFF" | "AUDIT" | "ENFORCED";
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
  /** The children reports cite (the capability matrix). */
  public readonly cited: { pool: aws.cognito.UserPool; spaClient: aws.cognito.UserPoolClient };
  private readonly resolveAdminRole: (role: pulumi.Output<string | undefined>) => void;
  private adminRole?: pulumi.Input<string>;
  private sealed = false;

  constructor(name: string, args: UserDirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:users:UserDirectory", name, {}, opts);
    const protect = args.protectData ?? false;
    const mfa = args.mfa ?? "OPTIONAL";
    // The pool and what the directory adds to it (scopes, domain, SPA client, admin group) are
    // protected and retained together: a protected pool must not lose its domain or clients to
    // `pulumi destroy --exclude-protected`. Other clients and groups follow their parent (a door,
    // the stack's identities).
    const poolOpts: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
    this.adminGroupName = args.adminGroup;

    this.userPool = new aws.cognito.UserPool(
      `${name}-pool`,
      {
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
        adminCreateUserConfig: { allowAdminCreateUserOnly: !args.selfSignUp },
        // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html: the
        // default sender is capped at 50 emails a day per account; DEVELOPER sends through SES.
        emailConfiguration: args.email
          ? {
              emailSendingAccount: "DEVELOPER",
              sourceArn: args.email.sesIdentityArn,
              ...(args.email.from ? { fromEmailAddress: args.email.from } : {}),
            }
          : { emailSendingAccount: "COGNITO_DEFAULT" },
        deletionProtection: protect ? "ACTIVE" : "INACTIVE",
        // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
        // ("You can switch between feature plans at any time"): an in-place update, never a new pool.
        userPoolTier: args.plan,
        ...(args.threatProtection && args.threatProtection !== "OFF"
          ? { userPoolAddOns: { advancedSecurityMode: args.threatProtection } }
          : {}),
      },
      poolOpts,
    );

    this.resourceServer = new aws.cognito.ResourceServer(
      `${name}-notes-scopes`,
      {
        userPoolId: this.userPool.id,
        identifier: NOTES_RESOURCE_SERVER,
        name: "notes API",
        scopes: NOTES_SCOPES.map((scope) => ({ scopeName: scope, scopeDescription: SCOPE_DESCRIPTIONS[scope] })),
      },
      poolOpts,
    );

    this.domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      {
        userPoolId: this.userPool.id,
        domain: args.domainPrefix,
        managedLoginVersion: 1,
      },
      poolOpts,
    );

    this.client = new aws.cognito.UserPoolClient(
      `${name}-spa`,
      {
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: pulumi
          .output(this.resourceServer.scopeIdentifiers)
          .apply((ids) => ["openid", "email", "profile", ...ids]),
        supportedIdentityProviders: ["COGNITO"],
        callbackUrls: args.callbackUrls ?? ["http://localhost:3000/callback"],
        logoutUrls: args.logoutUrls ?? ["http://localhost:3000/"],
        accessTokenValidity: 60,
        idTokenValidity: 60,
        refreshTokenValidity: 30,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
      },
      poolOpts,
    );

    // A door may map the group to an IAM role (mapAdminGroupToRole); the role exists only once
    // the door does, so the group takes it as a deferred input, resolved by seal().
    const [adminRoleArn, resolveAdminRole] = pulumi.deferredOutput<string | undefined>();
    this.resolveAdminRole = resolveAdminRole;
    this.adminGroup = new aws.cognito.UserGroup(
      `${name}-admins`,
      {
        userPoolId: this.userPool.id,
        name: this.adminGroupName,
        description: "May call /admin/*",
        precedence: 1,
        roleArn: adminRoleArn,
      },
      poolOpts,
    );

    const region = aws.getRegionOutput({}, { parent: this });
    this.region = region.region;
    this.userPoolId = this.userPool.id;
    this.userPoolArn = this.userPool.arn;
    this.clientId = this.client.id;
    this.issuer = pulumi.interpolate`https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.id}`;
    this.domainUrl = pulumi.interpolate`https://${this.domain.domain}.auth.${this.region}.amazoncognito.com`;
    this.cited = { pool: this.userPool, spaClient: this.client };
    this.registerOutputs({
      userPoolId: this.userPoolId,
      clientId: this.clientId,
      issuer: this.issuer,
      domainUrl: this.domainUrl,
      cited: citedUrns(this.cited),
    });
  }

  /**
   * Another app client of this pool, owned by whoever `parent` names: a door (the ALB's login
   * client) or the stack's identities (the machine client, components/identities.ts).
   */
  public addClient(
    name: string,
    args: Omit<aws.cognito.UserPoolClientArgs, "userPoolId">,
    opts: pulumi.CustomResourceOptions,
  ): aws.cognito.UserPoolClient {
    return new aws.cognito.UserPoolClient(name, { ...args, userPoolId: this.userPool.id }, opts);
  }

  /** Another group of this pool, owned by `parent` (the stack's identities: a tier's group). */
  public addGroup(
    name: string,
    groupName: string,
    description: string,
    opts: pulumi.CustomResourceOptions,
  ): aws.cognito.UserGroup {
    if (groupName === this.adminGroupName) throw new Error(`UserDirectory: ${groupName} is the admin group`);
    return new aws.cognito.UserGroup(name, { userPoolId: this.userPool.id, name: groupName, description }, opts);
  }

  /**
   * Maps the admin group to an IAM role: members' ID tokens then carry it in `cognito:roles`
   * and `cognito:preferred_role`, which an identity pool's token-based role mapping reads.
   * A change is an in-place update of the group, never a replacement.
   */
  public mapAdminGroupToRole(roleArn: pulumi.Input<string>): void {
    if (this.sealed) throw new Error("UserDirectory: mapAdminGroupToRole after seal()");
    if (this.adminRole !== undefined) throw new Error("UserDirectory: the admin group is already mapped to a role");
    this.adminRole = roleArn;
  }

  /** Resolves what doors added (the admin group's role). The stack calls it once, after the door is built. */
  public seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    this.resolveAdminRole(pulumi.output(this.adminRole));
  }
}
