import type { APIGatewayProxyEvent } from "aws-lambda";
import { SettingsOf, settings } from "../settings";
import type { HandlerDoor } from "./door";
import { allowedClientIds, fromUserPoolClaims } from "./userPoolTokens";

export const cognitoSettings = settings({ allowedClientIds });
export type CognitoSettings = SettingsOf<typeof cognitoSettings>;

/** `cognito`: REST v1 with the user pools authorizer's claims. */
export const cognitoDoor: HandlerDoor<CognitoSettings> = {
  shape: "rest-v1",
  settings: cognitoSettings,
  principal: (req, s, stack) => fromUserPoolClaims(req.event as APIGatewayProxyEvent, s.allowedClientIds, stack),
};
