import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyJson } from "./iamPolicy";
import { MachineRoleCondition, machineRoleKey, machineTrustStatement } from "./doors/iam/machines";
import { UserDirectory, scopeName } from "./userDirectory";

export const IDENTITIES_TYPE = "notes-auth:identities:MachineIdentities";

/**
 * The doors that parented each identity before it moved here: every door component was named
 * `door`, a child of the stack. Each identity keeps its name and gets an alias to that URN.
 */
const OLD_PARENTS = {
  apiKey: "notes-auth:door:ApiKeyFrontDoor",
  machineRole: "notes-auth:door:IamFrontDoor",
  machineClient: "notes-auth:door:HttpJwtFrontDoor",
  tierGroup: "notes-auth:door:LambdaAuthorizerFrontDoor",
} as const;
const OLD_DOOR_NAME = "door";

export interface MachineIdentitiesArgs {
  /** One API key per calling application name (`apiKeyClients`), whatever the door. @default [] */
  apiKeyClients: string[];
  /** One IAM role per principal (`machineRolePrincipals`), each trusting that principal with the condition. */
  machineRoles: { principals: string[]; condition?: MachineRoleCondition };
  /** A client-credentials app client of the stack's pool (`m2mClient`); `admin` (`m2mAdmin`) adds notes/admin. */
  machineClient?: { admin: boolean };
  /** The Cognito groups of the tiers (`authorizerPlans`, its default too), by tier name. */
  tierGroups: { tier: string; group: string }[];
  /**
   * Protect every identity from `pulumi destroy` and keep it in AWS if the program drops it (`protectData`, as
   * the pool, table and bucket are): a key's, role's or client's id is someone's identity. @default false
   */
  protectData?: boolean;
}

/** True when the config declares any identity (the stack then has a MachineIdentities component). */
export function hasIdentities(args: MachineIdentitiesArgs): boolean {
  return (
    args.apiKeyClients.length > 0 ||
    args.machineRoles.principals.length > 0 ||
    args.machineClient !== undefined ||
    args.tierGroups.length > 0
  );
}

/** True when the identities need the stack's user pool (the machine client, tier groups). */
export function identitiesNeedUserPool(args: MachineIdentitiesArgs): boolean {
  return args.machineClient !== undefined || args.tierGroups.length > 0;
}

/**
 * The stack's machine identities (and the tiers' groups), owned by the stack rather than by a
 * door: a door switch must not replace them, or the notes of `apikey:<old id>`, `iam:<old role>`
 * and `client:<old id>` become unreachable, and deleting a tier's Cognito group drops its members.
 * Each exists as long as its config key says so, whatever the doors; a door only attaches to
 * them (usage plan keys, invoke policies, JWT audiences). Each resource keeps the name it had
 * under its door and an alias for the door-parented URN, so `pulumi up` moves it without
 * replacement.
 * https://www.pulumi.com/docs/iac/concepts/options/aliases/
 */
export class MachineIdentities extends pulumi.ComponentResource {
  /** One API key per client, by client name. */
  public readonly apiKeys: Record<string, aws.apigateway.ApiKey> = {};
  /** One role per listed principal, by principal (as listed): each machine is its own principal. */
  public readonly machineRoles: Record<string, aws.iam.Role> = {};
  /** The client-credentials client, with `m2mClient`. */
  public readonly machineClient?: aws.cognito.UserPoolClient;
  /** The tiers' groups, by tier name. */
  public readonly tierGroups: Record<string, aws.cognito.UserGroup> = {};

  constructor(
    name: string,
    public readonly identityArgs: MachineIdentitiesArgs,
    users: UserDirectory | undefined,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(IDENTITIES_TYPE, name, {}, opts);
    // The door was a child of the stack itself (no parent type in its URN, as the engine names it).
    const protect = identityArgs.protectData ?? false;
    const moved = (doorType: string): pulumi.CustomResourceOptions => ({
      parent: this,
      aliases: [{ parent: pulumi.createUrn(OLD_DOOR_NAME, doorType) }],
      protect,
      retainOnDelete: protect,
    });
    const named = (suffix: string) => `${OLD_DOOR_NAME}-${suffix}`;

    for (const client of identityArgs.apiKeyClients) {
      this.apiKeys[client] = new aws.apigateway.ApiKey(
        named(`key-${client}`),
        {
          name: `notes-auth-${pulumi.getStack()}-${client}`,
          description: `Calling application "${client}" (identifies the app, not a user)`,
          enabled: true,
        },
        moved(OLD_PARENTS.apiKey),
      );
    }

    // One role per principal, each trusting that principal alone: the handler keys a machine on
    // its role (iam:<role ARN>), so a shared role would make every machine one principal with
    // one set of notes. Principals of another account also need a shared secret (sts:ExternalId)
    // or membership of the organization (aws:PrincipalOrgID): a listed principal is never enough.
    // The iam door attaches what it may invoke (its `<role>-access` policy).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
    for (const principal of identityArgs.machineRoles.principals) {
      this.machineRoles[principal] = new aws.iam.Role(
        named(`machine-${machineRoleKey(principal)}`),
        {
          description: `The machine ${principal} calling the notes API with SigV4`,
          assumeRolePolicy: policyJson([machineTrustStatement(principal, identityArgs.machineRoles.condition)]),
        },
        moved(OLD_PARENTS.machineRole),
      );
    }

    const needsPool = identitiesNeedUserPool(identityArgs);
    if (needsPool && !users) throw new Error("MachineIdentities: a machine client or tier groups need a user pool");
    if (users && identityArgs.machineClient) {
      const admin = identityArgs.machineClient.admin;
      this.machineClient = users.addClient(
        named("machine-client"),
        {
          generateSecret: true,
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthFlows: ["client_credentials"],
          allowedOauthScopes: pulumi
            .output(users.resourceServer.scopeIdentifiers)
            .apply((ids) => ids.filter((id) => admin || id !== scopeName("admin"))),
          supportedIdentityProviders: ["COGNITO"],
          explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
          accessTokenValidity: 60,
          tokenValidityUnits: { accessToken: "minutes" },
          enableTokenRevocation: true,
        },
        moved(OLD_PARENTS.machineClient),
      );
    }
    for (const { tier, group } of users ? identityArgs.tierGroups : []) {
      this.tierGroups[tier] = users!.addGroup(
        named(`tier-${tier}`),
        group,
        `Tier ${tier}: its usage plan's throttle and quota`,
        moved(OLD_PARENTS.tierGroup),
      );
    }

    const ids = <T extends pulumi.CustomResource>(r: Record<string, T>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.id]));
    this.registerOutputs({
      apiKeyIds: ids(this.apiKeys),
      machineRoleIds: ids(this.machineRoles),
      machineClientId: this.machineClient?.id,
      tierGroupIds: ids(this.tierGroups),
    });
  }
}
