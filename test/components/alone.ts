import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AuthMode } from "../../handlers/contract/authModes";
import type { NotesBackend } from "../../components/backend/notesBackend";
import { ArgsOf, doorConfig, doorModule } from "../../components/doors/registry";
import type { FrontDoor } from "../../components/doors/door";
import { API_ROUTES } from "../../components/routes";
import type { RestApiOptions } from "../../components/rest/restApi";
import { ResolvedConfig, parseStackConfig } from "../../components/resolvedConfig";
import { MachineIdentities, MachineIdentitiesArgs } from "../../components/identities";
import { UserDirectory } from "../../components/userDirectory";
import { RecordedResource, installRecordingMocks } from "../../offline/mocks";

/**
 * Support for the component specs (`*.component.test.ts`): one component built alone, in this
 * process, under the recording mocks (offline/mocks.ts), without the program around it.
 */

/** Builds what `build` creates in a stack of its own and returns every registered resource. */
export async function buildAlone(build: () => unknown): Promise<RecordedResource[]> {
  const recorded = await installRecordingMocks("notes-auth", "component");
  await pulumi.runtime.runInPulumiStack(async () => {
    build();
    return {};
  });
  // Registrations finish asynchronously: wait until none has come for a few turns.
  let last = -1;
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 10));
    if (recorded.length === last) quiet++;
    else ((quiet = 0), (last = recorded.length));
  }
  return recorded;
}

/** The one recorded resource of a type (and name); throws when there is not exactly one. */
export function only(resources: RecordedResource[], type: string, name?: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0];
}

/** Every recorded resource of a type. */
export const all = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

/** A backend stand-in: a function's names and ARNs, and the permissions doors ask it for. */
export interface StubBackend {
  backend: NotesBackend;
  /** Each allowInvoke call: the permission's name, principal, source ARN (resolved) and parent. */
  invokes: { name: string; principal: string; sourceArn: pulumi.Output<string>; parent?: pulumi.Resource }[];
}

export const STUB_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:stub-notes";
export const STUB_INVOKE_ARN =
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/` + `${STUB_FUNCTION_ARN}/invocations`;
/** The invoke ARN of the stub function's `live` alias, which the doors integrate with. */
export const STUB_LIVE_INVOKE_ARN = STUB_INVOKE_ARN.replace(STUB_FUNCTION_ARN, `${STUB_FUNCTION_ARN}:live`);

export function stubBackend(): StubBackend {
  const invokes: StubBackend["invokes"] = [];
  const backend = {
    function: {
      arn: pulumi.output(STUB_FUNCTION_ARN),
      name: pulumi.output("stub-notes"),
      invokeArn: pulumi.output(STUB_INVOKE_ARN),
    },
    allowInvoke(name: string, principal: string, sourceArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
      invokes.push({ name, principal, sourceArn: pulumi.output(sourceArn), parent: opts.parent });
      return new aws.lambda.Permission(
        name,
        { action: "lambda:InvokeFunction", function: "stub-notes", principal, sourceArn },
        opts,
      );
    },
  } as unknown as NotesBackend;
  return { backend, invokes };
}

/**
 * A user directory of its own (the real component: it is small), as the stack would make it;
 * seal it once the door is built.
 */
export function userDirectory(): UserDirectory {
  return new UserDirectory("users", {
    adminGroup: "admins",
    domainPrefix: "notes-auth-component",
    selfSignUp: true,
    plan: "ESSENTIALS",
  });
}

/** The validated config of a door's minimal config plus `extra`. */
function resolved(mode: AuthMode, extra: Record<string, unknown>): ResolvedConfig {
  const values = doorConfig(mode, extra);
  const lookup = (key: string) => {
    const v = values[key];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
  return parseStackConfig(lookup, undefined, "component", "us-east-1");
}

/** A door's validated arguments for its minimal config plus `extra` (what the stack would give it). */
export function doorArgs<M extends AuthMode>(mode: M, extra: Record<string, unknown> = {}): ArgsOf<M> {
  return resolved(mode, extra).door as ArgsOf<M>;
}

/** The stack's identities for a door's minimal config plus `extra` (what the stack would build). */
export function identityArgs(mode: AuthMode, extra: Record<string, unknown> = {}): MachineIdentitiesArgs {
  return resolved(mode, extra).identities;
}

/** The resolved value of an output. */
export const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

/**
 * Three routes (nested paths, two verbs on one path), enough for wiring facts: a REST API of every
 * route costs seconds.
 */
export const SPEC_ROUTES = API_ROUTES.filter((r) => r.path === "/notes" || r.name === "getNote");

/** A REST door's arguments with the REST API cut to SPEC_ROUTES. */
export function withSpecRoutes<A extends { rest: RestApiOptions }>(args: A): A {
  return { ...args, rest: { ...args.rest, routes: SPEC_ROUTES } };
}

/**
 * A door built alone, as the stack would build it: a stub backend, the stack's machine identities
 * (by default the api-key door's clients), and a user directory of its own sealed after it.
 */
export async function buildDoorAlone<M extends AuthMode>(
  mode: M,
  args: ArgsOf<M>,
  identityArgs: MachineIdentitiesArgs = {
    apiKeyClients: mode === "api-key" ? (args as ArgsOf<"api-key">).clients : [],
    machineRoles: { principals: [] },
    tierGroups: [],
  },
): Promise<{ resources: RecordedResource[]; stub: StubBackend; door: FrontDoor<M> }> {
  const stub = stubBackend();
  let door: FrontDoor<M> | undefined;
  const resources = await buildAlone(() => {
    const users = userDirectory();
    const identities = new MachineIdentities("identities", identityArgs, users);
    door = doorModule(mode).create("door", args, {
      backend: stub.backend,
      users,
      identities,
    }) as unknown as FrontDoor<M>;
    users.seal();
  });
  return { resources, stub, door: door! };
}
