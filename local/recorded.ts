import { createHash } from "crypto";
import { RecordedResource } from "../offline/mocks";
import { StackRun, readStackFile, runStack } from "../offline/runStack";

/**
 * The program as local mode sees it: the resources the real `index.ts` registered under the
 * recording mocks (offline/), with the ids and outputs the mocks gave them. Every local service
 * is configured from this, never from a second, hand-written copy of the stack.
 */
export interface RecordedProgram {
  readonly run: StackRun;
  /** All recorded resources of a type token, e.g. `aws:apigateway/method:Method`. */
  ofType(type: string): RecordedResource[];
  /** The provider id the mocks gave a resource (what other resources' inputs refer to). */
  idOf(r: RecordedResource): string;
  /** The outputs the mocks gave a resource (arn, executionArn, rootResourceId, …). */
  stateOf(r: RecordedResource): Record<string, any>;
  /** The resource of a type whose id is `id`; undefined if none. */
  byId(type: string, id: string): RecordedResource | undefined;
}

/**
 * A resource the program records that local mode cannot reproduce (an external IdP, a listener
 * rule, another integration type, a policy IAM cannot evaluate): local mode stops at start and names it.
 */
export class NotEmulatedYet extends Error {
  constructor(what: string) {
    super(`local mode cannot emulate ${what}`);
    this.name = "NotEmulatedYet";
  }
}

/** API Gateway's ids: 10 lower-case letters and digits (what an API's ARNs and URLs carry). */
const API_ID = /^[a-z0-9]{10}$/;
const API_TYPES = ["aws:apigateway/restApi:RestApi", "aws:apigatewayv2/api:Api"];

/**
 * The run with each API's id as API Gateway assigns one (10 letters and digits), everywhere the
 * recorded resources and outputs name it (ARNs, URLs, stages, permissions, policies). The mocks
 * name ids after resources (`door-api-id`), which no deployed API has and code that parses ARNs as
 * AWS writes them rightly refuses. The new id is derived from the old one, so it is stable.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html
 */
export function withServiceIds(run: StackRun): StackRun {
  const swaps = run.resources
    .filter((r) => API_TYPES.includes(r.type) && !API_ID.test(String(r.state.id)))
    .map(
      (r) =>
        [
          String(r.state.id),
          createHash("sha256")
            .update(String(r.state.id))
            .digest("base64")
            .replace(/[^a-z0-9]/g, "")
            .padEnd(10, "0")
            .slice(0, 10),
        ] as const,
    );
  if (swaps.length === 0) return run;
  const patterns = swaps.map(
    ([from, to]) =>
      [new RegExp(`(?<![\\w-])${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g"), to] as const,
  );
  const walk = (v: unknown): unknown =>
    typeof v === "string"
      ? patterns.reduce((s, [re, to]) => s.replace(re, to), v)
      : Array.isArray(v)
        ? v.map(walk)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
          : v;
  return walk(run) as StackRun;
}

/** Pulumi's mark on a secret value in recorded inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The run with secret inputs in the clear (local mode configures its services with them, as AWS does). */
export function revealSecrets<T>(value: T): T {
  const walk = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(walk)
      : v && typeof v === "object"
        ? SECRET_SIG in v
          ? walk((v as unknown as { value: unknown }).value)
          : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
        : v;
  return walk(value) as T;
}

export function recordedProgram(recorded: StackRun): RecordedProgram {
  const run = withServiceIds({ ...recorded, resources: revealSecrets(recorded.resources) });
  const ofType = (type: string) => run.resources.filter((r) => r.type === type);
  return {
    run,
    ofType,
    idOf: (r) => String(r.state.id),
    stateOf: (r) => r.state,
    byId: (type, id) => ofType(type).find((r) => r.state.id === id),
  };
}

/** Which stack config to run: `--stack`'s file, `--set` overrides, and the door. */
export interface StackChoice {
  stack: string;
  overrides: Record<string, unknown>;
  /** `--door`: the authMode, over the stack file's. */
  door?: string;
  /** `--door a,b`: several doors side by side (`doors`, the first the primary), over the stack file's door keys. */
  doors?: string[];
}

/**
 * The stack config as `npm run plan` builds it (Pulumi.<stack>.yaml, then overrides, then the
 * door), over the door's example config for the keys that only a deployment needs and the stack
 * file may lack (an ALB's certificate and domain name, api-key's clients): `defaulted` names them.
 */
export function stackConfig(choice: StackChoice): Record<string, unknown> & { defaulted?: string[] } {
  // `--door` decides the door keys (the program takes authMode or doors): the file's and --set's authMode and doors
  // go, and the file's primaryDoor (a --set primaryDoor picks the primary of several --door).
  const several = choice.doors && choice.doors.length > 1 ? choice.doors : undefined;
  const one = several ? undefined : (choice.door ?? choice.doors?.[0]);
  const without = (config: Record<string, unknown>, keys: string[]) =>
    several || one ? Object.fromEntries(Object.entries(config).filter(([k]) => !keys.includes(k))) : config;
  const chosen: Record<string, unknown> = {
    ...without(readStackFile(choice.stack), ["authMode", "doors", "primaryDoor"]),
    ...without(choice.overrides, ["authMode", "doors", ...(one ? ["primaryDoor"] : [])]),
    ...(several ? { doors: several } : {}),
    ...(one ? { authMode: one } : {}),
  };
  // Loaded here only: the registry loads every door's component.
  const { DOORS } = require("../components/doors/registry") as typeof import("../components/doors/registry");
  const modes = Array.isArray(chosen.doors) ? chosen.doors : [chosen.authMode];
  const example: Record<string, unknown> = Object.assign(
    {},
    ...modes.map((m) => DOORS[m as keyof typeof DOORS]?.minimalConfig ?? {}),
  );
  // alb-oidc's example domainName, unless the config opts out of one (albWithoutDomainName: the load balancer's own DNS
  // name, which alb-oidc beside other doors must use; components/resolvedConfig.ts, checkDoorsTogether).
  if (chosen.albWithoutDomainName === true) delete example.domainName;
  const defaulted = Object.keys(example).filter((k) => !(k in chosen));
  return {
    ...Object.fromEntries(defaulted.map((k) => [k, example[k]])),
    ...chosen,
    ...(defaulted.length ? { defaulted } : {}),
  };
}

/** Runs the real program under mocks for that config (memoized per config, as for the plan and the tests). */
export async function recordStack(choice: StackChoice): Promise<StackRun> {
  const { defaulted: _defaulted, ...config } = stackConfig(choice);
  const run = await runStack({
    stack: choice.stack,
    config,
    secretKeys: Object.keys(config).filter((k) => config[k] === "<secure>"),
  });
  if (run.error) throw new Error(`the program stopped: ${run.error}`);
  return run;
}

/** A deep copy of a run, for tests that alter a recorded input. */
export function copyRun(run: StackRun): StackRun {
  return JSON.parse(JSON.stringify(run));
}
