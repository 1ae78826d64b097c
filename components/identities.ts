import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export const IDENTITIES_TYPE = "notes-auth:identities:MachineIdentities";
/** The api-key door's component type and name, which parented the keys before they moved here. */
const OLD_API_KEY_PARENT = { type: "notes-auth:door:ApiKeyFrontDoor", name: "door" } as const;

export interface MachineIdentitiesArgs {
  /** One API key per calling application name (`apiKeyClients`), whatever the door. @default [] */
  apiKeyClients: string[];
}

/**
 * The stack's machine identities, owned by the stack rather than by a door: a door switch must
 * not replace them, or the notes of `apikey:<old id>` become unreachable. Doors only attach to
 * them (the api-key door adds each key to its usage plan). Each resource keeps the name it had
 * under its door and an alias for the door-parented URN, so `pulumi up` moves it without
 * replacement.
 */
export class MachineIdentities extends pulumi.ComponentResource {
  /** One API key per client, by client name. */
  public readonly apiKeys: Record<string, aws.apigateway.ApiKey> = {};

  constructor(name: string, args: MachineIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(IDENTITIES_TYPE, name, {}, opts);
    // The door was a child of the stack itself (no parent type in its URN, as the engine names it).
    const oldApiKeyParent = pulumi.createUrn(OLD_API_KEY_PARENT.name, OLD_API_KEY_PARENT.type);
    for (const client of args.apiKeyClients) {
      this.apiKeys[client] = new aws.apigateway.ApiKey(
        `${OLD_API_KEY_PARENT.name}-key-${client}`,
        {
          name: `notes-auth-${pulumi.getStack()}-${client}`,
          description: `Calling application "${client}" (identifies the app, not a user)`,
          enabled: true,
        },
        { parent: this, aliases: [{ parent: oldApiKeyParent }] },
      );
    }
    this.registerOutputs({ apiKeyIds: Object.fromEntries(Object.entries(this.apiKeys).map(([c, k]) => [c, k.id])) });
  }
}
