/**
 * Lambda entry point of the user pool's pre token generation trigger (bundled by esbuild on its own; logs only).
 * The settings are read once per container, on the first event: a bad environment fails every sign-in (closed).
 */
import {
  GroupMappingSettings,
  PreTokenGenerationEvent,
  preTokenGeneration,
  readGroupMapping,
} from "../preTokenGeneration";

/** A trigger configured only by an environment, as Lambda configures a container. */
export function preTokenGenerationFromEnvironment(vars: NodeJS.ProcessEnv) {
  let settings: GroupMappingSettings | undefined;
  return async (event: PreTokenGenerationEvent): Promise<PreTokenGenerationEvent> => {
    settings ??= readGroupMapping(vars);
    return preTokenGeneration(settings, event);
  };
}

export const handler = preTokenGenerationFromEnvironment(process.env);
