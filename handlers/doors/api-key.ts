import type { APIGatewayProxyEvent } from "aws-lambda";
import { Unauthorized } from "../http/errors";
import { Principal } from "../principal";
import { EnvironmentError } from "../contract/settings";
import type { HandlerDoor } from "./door";
import { UserPoolState, fromUserPoolClaims, userPoolState } from "./userPoolTokens";
import { allowedClientIds } from "../contract/doors/clientIds";
import { ApiKeySettings, apiKeySettings } from "../contract/doors/api-key";

/** REST API key: identifies an application, never a user. */
export function fromApiKey(event: APIGatewayProxyEvent, adminKeyIds: string[]): Principal {
  const keyId = event.requestContext?.identity?.apiKeyId;
  if (!keyId) throw new Unauthorized();
  return {
    id: `apikey:${keyId}`,
    kind: "machine",
    door: "api-key",
    groups: [],
    scopes: [],
    isAdmin: adminKeyIds.includes(keyId),
  };
}

/** `api-key`: REST v1; the key's id, or with user tokens the user pool claims. */
export const apiKeyDoor: HandlerDoor<ApiKeySettings, UserPoolState | undefined> = {
  shape: "rest-v1",
  settings: apiKeySettings,
  validate(s) {
    if (s.userTokens && s.allowedClientIds.length === 0)
      throw new EnvironmentError(`${allowedClientIds.env} is not set`);
  },
  init: (s, stack) => (s.userTokens ? userPoolState(stack, s.allowedClientIds) : undefined),
  principal: (req, s, stack, state) =>
    s.userTokens
      ? fromUserPoolClaims(req, s.allowedClientIds, stack, state)
      : fromApiKey(req.event as APIGatewayProxyEvent, s.adminApiKeyIds),
};
