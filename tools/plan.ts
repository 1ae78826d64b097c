/**
 * `npm run plan [-- --stack dev]`: runs the real index.ts under mocks with Pulumi.<stack>.yaml
 * and prints what `pulumi up` would create, as a tree, plus how the chosen door authenticates.
 * Needs no AWS account and no Pulumi CLI.
 */
import { AUTH_MODES, AuthMode } from "../components/config";
import { DOOR_REPORTS } from "../components/doors/reportRegistry";
import { RecordedResource } from "../offline/mocks";
import { readStackFile, runStack, StackRun } from "../offline/runStack";
import { POLICY_NAMES, PolicyViolation, runPolicies } from "../offline/policyPack";
import { projectConfigRefusal } from "../components/pulumiConfig";
import { diffRuns, renderDiff } from "./planDiff";
import { CommandSpec, cliFailure, parseCommandLine } from "../offline/cliArgs";

export interface PlanArgs {
  stack: string;
  /** `--set key=value` overrides of the stack file (a JSON value, or a plain string). */
  overrides: Record<string, unknown>;
  /** `--diff`: what pulumi up would change from the stack file's config to the one with the overrides. */
  diff: boolean;
  json: boolean;
}

/** `npm run plan`'s flags (its `--help` is made from them). */
export const PLAN_COMMAND: CommandSpec = {
  name: "npm run plan",
  summary:
    "Runs index.ts under mocks with Pulumi.<stack>.yaml and prints what pulumi up would create, and the policy " +
    "pack's findings.",
  flags: {
    stack: {
      type: "string",
      value: "<name>",
      default: "dev",
      description: "the stack whose Pulumi.<stack>.yaml is read",
    },
    set: {
      type: "string",
      value: "key=value",
      multiple: true,
      description: "override a config key (a JSON value, or a plain string)",
    },
    diff: {
      type: "boolean",
      description: "print what pulumi up would create, update, replace and delete going from the stack file to --set",
    },
    json: { type: "boolean", description: "with --diff: print the changes as JSON" },
  },
};

export function parseArgs(argv: string[]): PlanArgs {
  const { values } = parseCommandLine(PLAN_COMMAND, argv);
  const stack = values.stack as string;
  const overrides: Record<string, unknown> = {};
  for (const kv of (values.set as string[] | undefined) ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new Error(`--set "${kv}" must be key=value, e.g. --set authMode=http-jwt`);
    const raw = kv.slice(eq + 1);
    let value: unknown = raw;
    if (/^[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new Error(`--set ${kv.slice(0, eq)}: ${raw} is not valid JSON`);
      }
    }
    overrides[kv.slice(0, eq).replace(/^notes-auth:/, "")] = value;
  }
  if (!/^[\w.-]+$/.test(stack)) throw new Error(`--stack "${stack}" is not a stack name`);
  return { stack, overrides, diff: values.diff === true, json: values.json === true };
}

/** The resource tree, children indented under their parents. */
export function renderTree(run: StackRun): string {
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of run.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const kids = (children.get(parent) ?? [])
      .slice()
      .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    for (const r of kids) {
      lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

/** The policy pack's verdict on the plan, as `pulumi preview --policy-pack policy` would give it. */
export function renderPolicies(violations: PolicyViolation[]): string {
  if (violations.length === 0) return `Policy pack (policy/): ${POLICY_NAMES.length} policies, no violations.`;
  return [
    `Policy pack (policy/): ${violations.length} violation(s) of ${POLICY_NAMES.length} policies`,
    ...violations.map((v) => `  ${v.policy}: ${v.resource ? `${v.resource}: ` : ""}${v.message}`),
  ].join("\n");
}

export function renderPlan(stack: string, run: StackRun): string {
  const mode = run.outputs.authMode as AuthMode;
  const doors = (run.outputs.doors as AuthMode[] | undefined) ?? [mode];
  const custom = run.resources.filter((r) => r.custom).length;
  const title = (m: AuthMode) => DOOR_REPORTS[m].facts.title;
  return [
    doors.length === 1
      ? `Stack ${stack}: authMode ${mode} (${title(mode)})`
      : `Stack ${stack}: doors ${doors.map((d) => `${d}${d === mode ? ", primary" : ""} (${title(d)})`).join("; ")}`,
    "",
    renderTree(run),
    "",
    `${custom} resources to create (${run.resources.length - custom} components).`,
    "",
    ...doors.flatMap((d) => {
      const facts = DOOR_REPORTS[d].facts;
      return [
        doors.length === 1 ? "Front door" : `Front door ${d}`,
        `  client presents:   ${facts.clientPresents}`,
        `  how to get it:     ${facts.howToGetIt}`,
        `  verified by:       ${facts.verifiedBy}`,
        `  backend receives:  ${facts.backendReceives}`,
        `  principal id:      ${facts.principalId}`,
        "",
      ];
    }),
    "Outputs (values are mocks)",
    ...Object.entries(run.outputs).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
  ].join("\n");
}

/** What `npm run plan` prints for these arguments, and its exit code (2 on bad input). */
export async function plan(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stack, overrides, diff, json } = parseArgs(argv);
    if (diff) return await planDiff(stack, overrides, json);
    const config = { ...readStackFile(stack), ...overrides };
    const secretKeys = Object.keys(config).filter((k) => config[k] === "<secure>");
    // What `pulumi preview` refuses before the program runs (Pulumi.yaml's rules), refused here too.
    const refused = projectConfigRefusal(stack, { values: config, secure: secretKeys });
    if (refused) return { code: 2, stdout: "", stderr: `error: ${refused}\n` };
    const run = await runStack({ stack, config, secretKeys });
    if (run.error)
      return {
        code: 2,
        stdout: "",
        stderr:
          `error: ` +
          `${run.error}\n${
            run.error.startsWith("notes-auth:authMode ")
              ? `(allowed authMode values: ` + `${AUTH_MODES.join(", ")})\n`
              : ""
          }`,
      };
    return {
      code: 0,
      stdout: renderPlan(stack, run) + "\n\n" + renderPolicies(await runPolicies(run)) + "\n",
      stderr: "",
    };
  } catch (err) {
    return cliFailure(err);
  }
}

/** `--diff`: the two mocked runs (stack file, stack file + overrides) and what changes between them. */
async function planDiff(
  stack: string,
  overrides: Record<string, unknown>,
  json: boolean,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const current = readStackFile(stack);
  const wanted = { ...current, ...overrides };
  const secrets = (c: Record<string, unknown>) => Object.keys(c).filter((k) => c[k] === "<secure>");
  const [before, after] = await Promise.all([
    runStack({ stack, config: current, secretKeys: secrets(current) }),
    runStack({ stack, config: wanted, secretKeys: secrets(wanted) }),
  ]);
  const failed = before.error ?? after.error;
  if (failed) return { code: 2, stdout: "", stderr: `error: ${failed}\n` };
  const changes = diffRuns(before.resources, after.resources);
  if (json) return { code: 0, stdout: JSON.stringify(changes, null, 1) + "\n", stderr: "" };
  return {
    code: 0,
    stdout: `Stack ${stack}: ${doorsChange(before.outputs, after.outputs)}\n\n` + renderDiff(changes),
    stderr: "",
  };
}

/** `authMode cognito -> http-jwt`, or with several doors `doors cognito -> cognito, http-jwt (primary …)`. */
function doorsChange(before: Record<string, any>, after: Record<string, any>): string {
  const doors = (o: Record<string, any>): string[] => o.doors ?? [o.authMode];
  if (doors(before).length === 1 && doors(after).length === 1)
    return `authMode ${before.authMode} -> ${after.authMode}`;
  return (
    `doors ${doors(before).join(", ")} -> ${doors(after).join(", ")} ` +
    `(primary ${before.authMode} -> ${after.authMode})`
  );
}

if (require.main === module) {
  plan(process.argv.slice(2)).then(({ code, stdout, stderr }) => {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exitCode = code;
  });
}
