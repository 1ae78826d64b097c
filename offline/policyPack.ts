import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { POLICIES } from "../policy/rules";
import type { RecordedResource } from "./mocks";
import type { StackRun } from "./runStack";

/** A policy violation, as `pulumi preview --policy-pack policy` would report it. */
export interface PolicyViolation {
  policy: string;
  /** `type name` of the resource, when the violation names one. */
  resource?: string;
  message: string;
}

class NotApplicable extends Error {}

const SECRET = "4dabf18193072939515e22adb298388d";
/** Secret inputs as plain values: policies see what the resource would get. */
function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === "object") {
    if (SECRET in value) return unwrap((value as unknown as { value: unknown }).value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

const typeOf = (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType;

/**
 * Runs the policy pack (policy/rules.ts) over a program's recorded resources, the way the
 * Pulumi engine gives them to it: resource policies get each resource's inputs and options, stack
 * policies every resource's outputs (mocked here) and dependencies. No Pulumi CLI needed.
 */
export async function runPolicies(
  run: StackRun,
  policies: readonly (ResourceValidationPolicy | StackValidationPolicy)[] = POLICIES,
): Promise<PolicyViolation[]> {
  const resources = run.resources.filter((r) => r.custom);
  const violations: PolicyViolation[] = [];
  const label = (r?: RecordedResource) => (r ? `${r.type} ${r.name}` : undefined);
  const common = {
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };

  const policyResources = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = unwrap(r.state) as Record<string, any>;
    policyResources.set(r.urn, {
      type: r.type,
      urn: r.urn,
      name: r.name,
      props,
      dependencies: [],
      propertyDependencies: {},
      opts: {
        protect: r.options.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
      },
      isType: (cls) => typeOf(cls) === r.type,
      asType: ((cls: unknown) => (typeOf(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
    });
  }
  for (const r of resources) {
    const p = policyResources.get(r.urn)!;
    p.dependencies = r.dependencies
      .map((urn) => policyResources.get(urn))
      .filter((d): d is PolicyResource => d !== undefined);
    p.parent = r.parent ? policyResources.get(r.parent) : undefined;
  }

  for (const policy of policies) {
    const report = (resource?: RecordedResource) => (message: string, urn?: string) =>
      violations.push({
        policy: policy.name,
        resource: label(resource ?? resources.find((r) => r.urn === urn)),
        message,
      });
    try {
      if ("validateStack" in policy) {
        const args: StackValidationArgs = { ...common, resources: [...policyResources.values()] };
        await policy.validateStack(args, report());
        continue;
      }
      for (const validate of [policy.validateResource ?? []].flat()) {
        for (const r of resources) {
          const props = unwrap(r.inputs) as Record<string, any>;
          const args: ResourceValidationArgs = {
            ...common,
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: policyResources.get(r.urn)!.opts,
            isType: (cls) => typeOf(cls) === r.type,
            asType: ((cls: unknown) =>
              typeOf(cls) === r.type ? props : undefined) as ResourceValidationArgs["asType"],
          };
          try {
            await validate(args, report(r));
          } catch (err) {
            if (!(err instanceof NotApplicable)) throw err;
          }
        }
      }
    } catch (err) {
      if (!(err instanceof NotApplicable)) throw err;
    }
  }
  return violations;
}

/** The pack's policy names, for reports. */
export const POLICY_NAMES = POLICIES.map((p) => p.name);
