import * as path from "path";
import { HANDLER_ENTRY, bundleHandler } from "../../components/backend/bundle";
import { handlerFromEnvironment } from "../../handlers/entries/api";
import { authorizerFromEnvironment } from "../../handlers/entries/authorizer";
import { preTokenGenerationFromEnvironment } from "../../handlers/entries/preTokenGeneration";
import type { RecordedProgram } from "../recorded";

/**
 * The Lambda service, locally: each recorded `aws:lambda/function:Function` runs its real code
 * in-process, configured only by an environment as Lambda configures a container: the recorded
 * `environment.variables`, then what Lambda itself adds (region, credentials) and the endpoints
 * of the local services. Which code a function runs is read from its recorded deployment
 * package: the bundle must be exactly the esbuild bundle of one of the program's entry points
 * (the notes API, the authorizer or the user pool's pre token generation trigger). Invocations by a service are
 * checked against the function's resource-based policy, i.e. the recorded `aws:lambda/permission:Permission` resources.
 */

/** The program's function entry points, each with how to build its handler from an environment. */
export const KNOWN_CODE: {
  entry: string;
  handlerFor(environment: Record<string, string>): (event: any) => Promise<any>;
}[] = [
  { entry: HANDLER_ENTRY, handlerFor: (env) => handlerFromEnvironment(env) },
  {
    entry: path.join(__dirname, "..", "..", "handlers", "entries", "authorizer.ts"),
    handlerFor: (env) => authorizerFromEnvironment(env),
  },
  {
    entry: path.join(__dirname, "..", "..", "handlers", "entries", "preTokenGeneration.ts"),
    handlerFor: (env) => preTokenGenerationFromEnvironment(env),
  },
];

/** The entry point whose bundle a recorded function's code is; undefined when it is none of them. */
export function codeOf(recordedCode: unknown): (typeof KNOWN_CODE)[number] | undefined {
  const text = (recordedCode as { assets?: Record<string, { text?: string }> } | undefined)?.assets?.["index.js"]?.text;
  return text === undefined ? undefined : KNOWN_CODE.find((k) => bundleHandler(k.entry).code === text);
}

/** What a local function's environment adds to the recorded variables. */
export interface FunctionSurroundings {
  /** Local endpoints: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3 (the SDKs' documented variables). */
  endpoints: Record<string, string>;
  /**
   * Credentials of a session of the function's execution role, which Lambda puts in the environment
   * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); the session is named after the function.
   * https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
   */
  credentials(
    roleArn: string,
    functionName: string,
  ): { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Maps AWS URLs in recorded values (the Cognito issuer) to local ones. */
  localize(value: string): string;
}

export interface LocalFunction {
  name: string;
  arn: string;
  /** Which of the program's entry points it runs. */
  entry: string;
  /** The environment the handler runs with. */
  environment: Record<string, string>;
  handler: (event: any) => Promise<any>;
}

/** An invocation's outcome as Lambda reports it: the result, or the function's error (errorType, errorMessage). */
export type Invocation =
  { result: any; error?: undefined } | { error: { errorType: string; errorMessage: string }; result?: undefined };

/** One statement of a function's resource-based policy, from a recorded Permission. */
export interface InvokePermission {
  action: string;
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
}

export interface LocalLambda {
  functions: LocalFunction[];
  /**
   * Invokes a function as an AWS service does: only if the function's resource-based policy
   * lets that service principal invoke it from `sourceArn`. Undefined `result` means denied.
   */
  invokeAs(
    caller: { principal: string; sourceArn: string; sourceAccount: string },
    functionRef: string,
    event: unknown,
  ): Promise<({ allowed: true } & Invocation) | { allowed: false; reason: string }>;
  /** Invokes a function for a caller whose own IAM policies were checked (the Invoke API). */
  invoke(functionRef: string, event: unknown): Promise<Invocation>;
  find(functionRef: string): LocalFunction | undefined;
}

/** Runs a handler as Lambda does: a thrown error becomes the invocation's error. */
async function run(fn: LocalFunction, event: unknown): Promise<Invocation> {
  try {
    return { result: await fn.handler(event) };
  } catch (err) {
    return {
      error: {
        errorType: err instanceof Error ? err.name : "Error",
        errorMessage: err instanceof Error ? err.message : String(err),
      },
    };
  }
}

/**
 * IAM's ArnLike: the ARN's six colon-separated parts compared one by one, `*` matching any run
 * of characters (slashes included) and `?` one character.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function arnLike(pattern: string, arn: string): boolean {
  const p = pattern.split(":");
  const a = arn.split(":");
  if (p.length < 6 || a.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(":")];
  const [pp, aa] = [head(p), head(a)];
  return pp.every((part, i) =>
    new RegExp(
      `^${part
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(aa[i]),
  );
}

/**
 * Whether a resource-based policy lets a service invoke the function: a statement for
 * `lambda:InvokeFunction` whose principal is the service and whose SourceArn (ArnLike) and
 * SourceAccount conditions, when set, hold.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
export function permits(
  statements: InvokePermission[],
  caller: { principal: string; sourceArn: string; sourceAccount: string },
): boolean {
  return statements.some(
    (s) =>
      (s.action === "lambda:InvokeFunction" || s.action === "lambda:*") &&
      s.principal === caller.principal &&
      (s.sourceArn === undefined || arnLike(s.sourceArn, caller.sourceArn)) &&
      (s.sourceAccount === undefined || s.sourceAccount === caller.sourceAccount),
  );
}

/** The function a Permission or an integration names: its name, its ARN, or its ARN with a qualifier. */
function refersTo(fn: { name: string; arn: string }, ref: string): boolean {
  return ref === fn.name || ref === fn.arn || ref.startsWith(`${fn.arn}:`);
}

/** The version or alias a reference to the function names (`<arn>:live`), or undefined (unqualified). */
const qualifierIn = (fn: { arn: string }, ref: string): string | undefined =>
  ref.startsWith(`${fn.arn}:`) ? ref.slice(fn.arn.length + 1) : undefined;

/**
 * The statements of the resource-based policy that an invocation of `invoked` (the function's ARN, or its ARN
 * qualified by a version or alias) is checked against: each version and alias has its own policy, so a
 * permission given with a qualifier covers invocations of that qualifier only, and an unqualified one
 * unqualified invocations only.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 * https://docs.aws.amazon.com/lambda/latest/API/API_AddPermission.html (Qualifier)
 */
export function policyFor(
  permissions: { inputs: Record<string, any> }[],
  fn: { name: string; arn: string },
  invoked: string,
): InvokePermission[] {
  const qualifier = qualifierIn(fn, invoked);
  return permissions
    .filter((p) => refersTo(fn, String(p.inputs.function)))
    .filter((p) => (p.inputs.qualifier || qualifierIn(fn, String(p.inputs.function))) === qualifier)
    .map((p) => ({
      action: p.inputs.action,
      principal: p.inputs.principal,
      sourceArn: p.inputs.sourceArn,
      sourceAccount: p.inputs.sourceAccount,
    }));
}

export function startLambda(program: RecordedProgram, around: FunctionSurroundings): LocalLambda {
  const functions: LocalFunction[] = program.ofType("aws:lambda/function:Function").map((r) => {
    const code = codeOf(r.inputs.code);
    if (r.inputs.handler !== "index.handler" || !code) {
      throw new Error(
        `local mode runs the program's own bundles ` +
          `(${KNOWN_CODE.map((k) => path.relative(path.join(__dirname, "..", ".."), k.entry)).join(", ")}) as ` +
          `index.handler; ${r.name}'s code is none of them (handler ${r.inputs.handler})`,
      );
    }
    const state = program.stateOf(r);
    const recorded: Record<string, string> = r.inputs.environment?.variables ?? {};
    const credentials = around.credentials(String(r.inputs.role), String(state.name));
    const environment: Record<string, string> = {
      ...Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, around.localize(String(v))])),
      // Lambda's reserved variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
      AWS_REGION: String(state.arn).split(":")[3],
      AWS_LAMBDA_FUNCTION_NAME: String(state.name),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
      ...around.endpoints,
    };
    return {
      name: String(state.name),
      arn: String(state.arn),
      entry: code.entry,
      environment,
      handler: code.handlerFor(environment),
    };
  });
  const permissions = program.ofType("aws:lambda/permission:Permission");
  const find = (ref: string) => functions.find((f) => refersTo(f, ref));
  return {
    functions,
    find,
    async invoke(functionRef, event) {
      const fn = find(functionRef);
      if (!fn) throw new Error(`no function ${functionRef}`);
      return run(fn, event);
    },
    async invokeAs(caller, functionRef, event) {
      const fn = find(functionRef);
      if (!fn) return { allowed: false, reason: `no function ${functionRef}` };
      if (!permits(policyFor(permissions, fn, functionRef), caller))
        return { allowed: false, reason: `${caller.principal} may not invoke ${fn.name} from ${caller.sourceArn}` };
      return { allowed: true, ...(await run(fn, event)) };
    },
  };
}
