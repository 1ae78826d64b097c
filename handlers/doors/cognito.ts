import type { HandlerDoor } from "./door";
import { UserPoolState, fromUserPoolClaims, userPoolState } from "./userPoolTokens";
import { CognitoSettings, cognitoSettings } from "../contract/doors/cognito";

/**
 * `cognito`: REST v1 with the user pools authorizer's claims (and our pool's ID-token verifier, for comma-joined
 * groups).
 */
export const cognitoDoor: HandlerDoor<CognitoSettings, UserPoolState> = {
  shape: "rest-v1",
  settings: cognitoSettings,
  init: (s, stack) => userPoolState(stack, s.allowedClientIds),
  principal: (req, s, stack, state) => fromUserPoolClaims(req, s.allowedClientIds, stack, state),
};
