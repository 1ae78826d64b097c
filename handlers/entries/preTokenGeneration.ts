/**
 * Lambda entry point of the user pool's pre token generation trigger (bundled by esbuild on its own; logs only).
 * The settings are read once per container, on the first event: a bad environment fails every sign-in (closed).
 * A granted group's role is read with the function's own credentials (Lambda's environment), one GetGroup client, and
 * so one deadline, per event; a failed read is logged naming the group and fails the sign-in.
 */
import { environmentCredentials, serviceEndpoint } from "../notes/aws";
import {
  GetGroup,
  GroupMappingSettings,
  GroupRoleUnreadable,
  PreTokenGenerationEvent,
  cognitoGetGroup,
  preTokenGeneration,
  readGroupMapping,
} from "../preTokenGeneration";

/** A trigger configured only by an environment, as Lambda configures a container. */
export function preTokenGenerationFromEnvironment(
  vars: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => console.error(line),
) {
  let settings: GroupMappingSettings | undefined;
  const getGroupFor = (event: PreTokenGenerationEvent): GetGroup =>
    cognitoGetGroup({
      region: vars.AWS_REGION ?? event.region,
      endpoint: serviceEndpoint("COGNITO_IDENTITY_PROVIDER", vars),
      credentials: () => environmentCredentials(vars),
    });
  return async (event: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent> => {
    settings ??= readGroupMapping(vars);
    try {
      return await preTokenGeneration(settings, event, getGroupFor(event));
    } catch (err) {
      if (err instanceof GroupRoleUnreadable)
        log(JSON.stringify({ level: "ERROR", message: err.message, group: err.group, userPoolId: event.userPoolId }));
      throw err;
    }
  };
}

export const handler = preTokenGenerationFromEnvironment(process.env);
