import { SettingsOf, settings } from "../settings";
import { allowedClientIds } from "./clientIds";

/** What the `cognito` door's component hands the handler (handlers/doors/cognito.ts). */
export const cognitoSettings = settings({ allowedClientIds });
export type CognitoSettings = SettingsOf<typeof cognitoSettings>;
