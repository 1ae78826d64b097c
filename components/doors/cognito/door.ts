import { REST_MINIMAL_CONFIG, restOptions } from "../restDoor";
import { DoorModule } from "../door";
import { COGNITO_DOOR_TYPE, CognitoCitation, CognitoFrontDoor, CognitoFrontDoorArgs } from "./component";

/** `cognito`: API Gateway REST + the Cognito user pools authorizer (ID tokens). */
export const cognitoDoor: DoorModule<"cognito", CognitoFrontDoorArgs, CognitoCitation> = {
  mode: "cognito",
  componentType: COGNITO_DOOR_TYPE,
  minimalConfig: REST_MINIMAL_CONFIG,
  argsFrom: (_config, stack) => ({ rest: restOptions(stack) }),
  usesUserPool: () => true,
  create: (name, args, deps, opts) => new CognitoFrontDoor(name, args, deps, opts),
};
