import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { citedUrns } from "./cited";
import type { CognitoPlan } from "../awsRules/userPool";
import {
  COGNITO_PROVIDER,
  IDP_GROUPS_ATTRIBUTE,
  SECRET_DETAIL,
  TOKEN_LIMITS,
  providerDetails,
} from "../awsRules/federation";
import { DEFAULT_TOKEN_LIFETIMES, FederationConfig, IdentityProviderConfig, TokenLifetimes } from "./config";
import { NOTES_RESOURCE_SERVER, NOTES_SCOPES, NotesScope, scopeName } from "../handlers/contract/routeTable";
import { GroupMappingSettings, encodeGroupMapping } from "../handlers/preTokenGeneration";
import { bundledFunction } from "./backend/bundledFunction";
import { policyJson } from "./iamPolicy";

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
  /** Outside identity providers federated into the pool (the stack's `identityProviders`). @default none */
  federation?: FederationConfig;
  /** Token lifetimes and refresh-token rotation of the clients that sign people in. @default DEFAULT_TOKEN_LIFETIMES */
  tokens?: TokenLifetimes;
  /** Retention of the pre token generation trigger's logs (made when a provider has a groupMapping). @default 30 */
  logRetentionDays?: number;
}

/** The pre token generation trigger's entry point (handlers/entries/preTokenGeneration.ts). */
export const PRE_TOKEN_GENERATION_ENTRY = path.join(__dirname, "..", "handlers", "entries", "preTokenGeneration.ts");

/**
 * The scope of a user's own user pools API calls (UpdateUserAttributes among them): an access token with it lets
 * its holder write every attribute the app client may write, and a client that signs federated people in must be
 * able to write the attributes mapped from the IdP, `custom:idp_groups` included. So with a group mapping no client
 * that signs people in may allow this scope, or a federated user could write their own IdP groups.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html (WriteAttributes)
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
 */
export const USER_ADMIN_SCOPE = "aws.cognito.signin.user.admin";

/** The app-client settings every client that signs people in shares (addSignInClient). */
type SignInSettings = Pick<
  aws.cognito.UserPoolClientArgs,
  | "supportedIdentityProviders"
  | "accessTokenValidity"
  | "idTokenValidity"
  | "refreshTokenValidity"
  | "tokenValidityUnits"
  | "refreshTokenRotation"
>;

/**
 * A provider's attribute mapping as Cognito takes it: the configured one, plus the IdP's groups
 * claim into the custom attribute (`custom:idp_groups`) when the provider names one.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html
 */
export function cognitoAttributeMapping(provider: IdentityProviderConfig): Record<string, string> {
  return {
    ...provider.attributeMapping,
    ...(provider.groupsClaim ? { [`custom:${IDP_GROUPS_ATTRIBUTE}`]: provider.groupsClaim } : {}),
  };
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
  /** One per outside identity provider, by provider name (the stack's `identityProviders`). */
  public readonly identityProviders: Record<string, aws.cognito.IdentityProvider> = {};
  /**
   * The pre token generation trigger (V1_0) that maps the IdP's groups to pool groups, when a provider has a
   * `groupMapping`; with the permission that lets this pool, and only it, invoke it.
   */
  public readonly preTokenGeneration?: {
    fn: aws.lambda.Function;
    role: aws.iam.Role;
    permission: aws.lambda.Permission;
  };
  /** Lets the trigger read this pool's groups (GetGroup), when a group a mapping may grant has a role (seal()). */
  public triggerReadsGroups?: aws.iam.RolePolicy;
  private readonly signIn: SignInSettings;
  /** Provider name -> IdP group -> pool group (empty: no trigger). */
  private readonly groupMappings: Record<string, Record<string, string>>;
  /** The groups doors and the stack's identities add (addGroup): a mapping may grant them. */
  private readonly addedGroups: string[] = [];
  private readonly resolveTriggerSettings?: (settings: pulumi.Output<Record<string, string>>) => void;
  private readonly resolveAdminRole: (role: pulumi.Output<string | undefined>) => void;
  private adminRole?: pulumi.Input<string>;
  private sealed = false;
  private readonly name: string;

  constructor(name: string, args: UserDirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("notes-auth:users:UserDirectory", name, {}, opts);
    this.name = name;
    const protect = args.protectData ?? false;
    const mfa = args.mfa ?? "OPTIONAL";
    // The pool and what the directory adds to it (scopes, domain, SPA client, admin group) are
    // protected and retained together: a protected pool must not lose its domain or clients to
    // `pulumi destroy --exclude-protected`. Other clients and groups follow their parent (a door,
    // the stack's identities).
    const poolOpts: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
    this.adminGroupName = args.adminGroup;
    const providers = args.federation?.providers ?? [];
    const tokens = args.tokens ?? DEFAULT_TOKEN_LIFETIMES;
    this.groupMappings = Object.fromEntries(
      providers.filter((p) => p.groupMapping !== undefined).map((p) => [p.name, p.groupMapping!]),
    );

    // The IdP's groups reach cognito:groups only through a pre token generation trigger: Cognito maps IdP claims to
    // attributes, never to groups. The V1_0 event is on every feature plan (Lite too), and its groupOverrideDetails
    // replaces cognito:groups in the access token as well as the ID token, so every door sees the groups.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
    // Its settings name the pool's groups, known once doors and identities added theirs: resolved by seal().
    let trigger: ReturnType<typeof bundledFunction> | undefined;
    if (Object.keys(this.groupMappings).length > 0) {
      const [settings, resolveSettings] = pulumi.deferredOutput<Record<string, string>>();
      this.resolveTriggerSettings = resolveSettings;
      // Logs only here; reading the pool's groups (GetGroup) is a separate policy on this role, made by seal() when a
      // mapped group has a role: it names the pool, which names this function, so it cannot be one of its statements.
      trigger = bundledFunction(
        `${name}-pre-token`,
        {
          entry: PRE_TOKEN_GENERATION_ENTRY,
          memoryMb: 128,
          // Cognito waits 5 seconds for a trigger.
          timeoutSeconds: 5,
          reservedConcurrency: -1,
          tracing: false,
          logRetentionDays: args.logRetentionDays ?? 30,
          statements: [],
          environment: settings,
        },
        this,
      );
    }

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
        // The IdP's groups land in a custom attribute. A mapped attribute must be mutable: Cognito
        // rewrites it at every federated sign-in. Custom attributes can be added to a pool, never
        // removed: the Terraform provider adds them in place (AddCustomAttributes, cognitoidp/user_pool.go)
        // and refuses a removal ("cannot modify or remove schema items"), never replacing the pool.
        // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
        ...(providers.some((p) => p.groupsClaim)
          ? {
              schemas: [
                {
                  name: IDP_GROUPS_ATTRIBUTE,
                  attributeDataType: "String",
                  mutable: true,
                  developerOnlyAttribute: false,
                  stringAttributeConstraints: { minLength: "0", maxLength: "2048" },
                },
              ],
            }
          : {}),
        // LambdaConfig's PreTokenGeneration with the V1_0 event (PreTokenGenerationConfig). An in-place update of
        // the pool (UpdateUserPool; lambda_config is not ForceNew in the Terraform provider, cognitoidp/user_pool.go).
        // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_LambdaConfigType.html
        ...(trigger
          ? { lambdaConfig: { preTokenGenerationConfig: { lambdaArn: trigger.fn.arn, lambdaVersion: "V1_0" } } }
          : {}),
      },
      poolOpts,
    );
    if (trigger) {
      // Cognito invokes the trigger as cognito-idp.amazonaws.com; only this pool may.
      // https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
      const permission = new aws.lambda.Permission(
        `${name}-pre-token-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: trigger.fn.name,
          principal: "cognito-idp.amazonaws.com",
          sourceArn: this.userPool.arn,
        },
        { parent: this },
      );
      this.preTokenGeneration = { fn: trigger.fn, role: trigger.role, permission };
    }

    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html:
    // one IdP per provider, its providerDetails as the API names them, the secret kept a Pulumi secret.
    for (const p of providers) {
      const secretKey = SECRET_DETAIL[p.type];
      if (secretKey !== undefined && args.federation?.secrets === undefined)
        throw new Error(`UserDirectory: identity provider ${p.name} (${p.type}) needs its ${secretKey}`);
      const secret =
        secretKey === undefined
          ? undefined
          : pulumi.secret(
              pulumi.output(args.federation!.secrets!).apply((json) => {
                const v = (JSON.parse(json) as Record<string, string>)[p.name];
                if (!v) throw new Error(`UserDirectory: identityProviderSecrets has no secret for ${p.name}`);
                return v;
              }),
            );
      this.identityProviders[p.name] = new aws.cognito.IdentityProvider(
        `${name}-idp-${p.name}`,
        {
          userPoolId: this.userPool.id,
          providerName: p.name,
          providerType: p.type,
          providerDetails: providerDetails(p.type, p.settings, secret),
          attributeMapping: cognitoAttributeMapping(p),
        },
        poolOpts,
      );
    }
    const idps = Object.values(this.identityProviders);
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html:
    // SupportedIdentityProviders names COGNITO and each IdP (which must exist first); the
    // lifetimes in TOKEN_LIMITS' units; RefreshTokenRotation (API_RefreshTokenRotationType.html)
    // only when asked, so a stack that does not ask sees no change.
    this.signIn = {
      supportedIdentityProviders:
        idps.length === 0
          ? [COGNITO_PROVIDER]
          : pulumi.all(idps.map((i) => i.providerName)).apply((names) => [COGNITO_PROVIDER, ...names]),
      accessTokenValidity: tokens.accessTokenValidity,
      idTokenValidity: tokens.idTokenValidity,
      refreshTokenValidity: tokens.refreshTokenValidity,
      tokenValidityUnits: {
        accessToken: TOKEN_LIMITS.accessTokenValidity.unit,
        idToken: TOKEN_LIMITS.idTokenValidity.unit,
        refreshToken: TOKEN_LIMITS.refreshTokenValidity.unit,
      },
      ...(tokens.refreshTokenRotation ? { refreshTokenRotation: { feature: "ENABLED" } } : {}),
    };

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

    this.client = this.addSignInClient(
      `${name}-spa`,
      {
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: pulumi
          .output(this.resourceServer.scopeIdentifiers)
          .apply((ids) => ["openid", "email", "profile", ...ids]),
        callbackUrls: args.callbackUrls ?? ["http://localhost:3000/callback"],
        logoutUrls: args.logoutUrls ?? ["http://localhost:3000/"],
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

  /**
   * An app client that signs people in (the SPA's; a door's login client): it lists the pool's
   * identity providers beside COGNITO, waits for them, and takes the stack's token lifetimes.
   */
  public addSignInClient(
    name: string,
    args: Omit<aws.cognito.UserPoolClientArgs, "userPoolId" | keyof SignInSettings>,
    opts: pulumi.CustomResourceOptions,
  ): aws.cognito.UserPoolClient {
    const idps = Object.values(this.identityProviders);
    if (Object.keys(this.groupMappings).length > 0) {
      const refuse = (scopes: string[] | undefined) => {
        if (scopes?.includes(USER_ADMIN_SCOPE))
          throw new Error(
            `UserDirectory: ${name} may not allow ${USER_ADMIN_SCOPE} while identityProviders map groups: a ` +
              `federated user could write their own custom:${IDP_GROUPS_ATTRIBUTE}`,
          );
        return scopes;
      };
      if (Array.isArray(args.allowedOauthScopes)) refuse(args.allowedOauthScopes as string[]);
      else if (args.allowedOauthScopes !== undefined)
        args = { ...args, allowedOauthScopes: pulumi.output(args.allowedOauthScopes).apply((s) => refuse(s)) };
    }
    const dependsOn =
      opts.dependsOn === undefined
        ? idps
        : pulumi.output(opts.dependsOn).apply((d) => [...(Array.isArray(d) ? d : [d]), ...idps]);
    return this.addClient(name, { ...args, ...this.signIn }, idps.length === 0 ? opts : { ...opts, dependsOn });
  }

  /** Another group of this pool, owned by `parent` (the stack's identities: a tier's group). */
  public addGroup(
    name: string,
    groupName: string,
    description: string,
    opts: pulumi.CustomResourceOptions,
  ): aws.cognito.UserGroup {
    if (groupName === this.adminGroupName) throw new Error(`UserDirectory: ${groupName} is the admin group`);
    if (this.sealed) throw new Error("UserDirectory: addGroup after seal()");
    this.addedGroups.push(groupName);
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
    // Names only, never the admin group's role: that role trusts the identity pool, which trusts this pool, which
    // names the trigger, so waiting for it would be a dependency cycle (pool -> trigger -> role -> identity pool).
    // The trigger reads the role at run time (GetGroup) instead.
    const groupsWithRoles = this.adminRole === undefined ? [] : [this.adminGroupName];
    const settings: GroupMappingSettings = {
      providers: this.groupMappings,
      groups: [this.adminGroupName, ...this.addedGroups],
      groupsWithRoles,
    };
    this.resolveTriggerSettings?.(pulumi.output(encodeGroupMapping(settings)));
    if (this.preTokenGeneration && groupsWithRoles.length > 0) {
      // GetGroup on this pool only: the policy waits for the pool (which waits for the function) and the function
      // does not wait for the policy, so there is no cycle. No resource-level narrowing below the pool exists.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
      const role = this.preTokenGeneration.role;
      this.triggerReadsGroups = new aws.iam.RolePolicy(
        `${this.name}-pre-token-read-groups`,
        {
          role: role.id,
          policy: policyJson([
            { Sid: "GroupRoles", Effect: "Allow", Action: ["cognito-idp:GetGroup"], Resource: this.userPool.arn },
          ]),
        },
        { parent: this },
      );
    }
  }
}
