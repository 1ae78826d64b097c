import { ConfigError, ConfigReader, PRINCIPAL_ARN } from "../../configReader";
import { REST_MINIMAL_CONFIG, restOptions } from "../restDoor";
import { DoorModule } from "../door";
import { IAM_DOOR_TYPE, IamCitation, IamFrontDoor, IamFrontDoorArgs } from "./component";
import { MachineRoleCondition, checkMachinePrincipals } from "./machines";

/** `iam`: API Gateway REST + AWS_IAM; users through a Cognito identity pool, each machine through its own role. */
export const iamDoor: DoorModule<"iam", IamFrontDoorArgs, IamCitation> = {
  mode: "iam",
  componentType: IAM_DOOR_TYPE,
  minimalConfig: REST_MINIMAL_CONFIG,
  argsFrom: (_config, stack) => ({ rest: restOptions(stack) }),
  usesUserPool: () => true,
  create: (name, args, deps, opts) => new IamFrontDoor(name, args, deps, opts),
};

/**
 * `machineRolePrincipals` and their condition (`machineRoleExternalId`, `machineRoleOrgId`),
 * read and checked whatever the doors: the roles are the stack's (components/identities.ts).
 */
export function readMachineRoles(config: ConfigReader): { principals: string[]; condition?: MachineRoleCondition } {
  const principals = config.list("machineRolePrincipals", PRINCIPAL_ARN);
  const externalId = config.str("machineRoleExternalId");
  const orgId = config.str("machineRoleOrgId");
  if (externalId !== undefined && !/^[\w+=,.@:\/-]{2,1224}$/.test(externalId)) {
    throw new ConfigError(
      "machineRoleExternalId",
      "must be 2-1224 letters, digits or +=,.@:/- (the sts:ExternalId a machine passes to AssumeRole)",
    );
  }
  if (orgId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(orgId))
    throw new ConfigError("machineRoleOrgId", `is "${orgId}": it must be an AWS Organizations id such as o-a1b2c3d4e5`);
  if (principals.length > 0 && externalId === undefined && orgId === undefined) {
    throw new ConfigError(
      "machineRoleExternalId",
      "or notes-auth:machineRoleOrgId is required with notes-auth:machineRolePrincipals: a listed principal " +
        "must also present an external id (sts:ExternalId) or belong to your organization (aws:PrincipalOrgID) " +
        "to assume the machine role",
    );
  }
  const condition = externalId || orgId ? { externalId, orgId } : undefined;
  checkMachinePrincipals(principals, condition);
  return { principals, condition };
}
