import { AUTH_MODES, AuthMode } from "../../components/config";
import { OFFLINE_STACK, doorConfig } from "../offline/doorConfigs";
import { StackRun, resourcesUnder, runStack } from "../offline/runStack";

/** The variants the report runs besides each door's minimal stack, to back matrix cells. */
export const VARIANTS = {
  iamMachines: ["iam", { machineRolePrincipals: ["arn:aws:iam::210987654321:role/reporting"] }],
  jwtMachines: ["http-jwt", { m2mClient: true }],
  jwtExternal: ["http-jwt", { jwtIssuer: "https://login.example.com/", jwtAudiences: ["notes-api"] }],
  apiKeyUsers: ["api-key", { apiKeyWithCognito: true }],
  albExternal: ["alb-oidc", {
    oidcIssuer: "https://idp.example.com", oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
    oidcTokenEndpoint: "https://idp.example.com/token", oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
    oidcClientId: "alb-client", oidcClientSecret: "placeholder",
  }],
  ...Object.fromEntries(AUTH_MODES.map((m) => [`waf:${m}`, [m, { wafAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/notes/abc" }]])),
} as Record<string, [AuthMode, Record<string, unknown>]>;

export interface DoorRuns {
  /** The door's minimal stack. */
  base: Record<AuthMode, StackRun>;
  /** Named variants (see VARIANTS). */
  variant: Record<string, StackRun>;
}

/** Runs each door (and the variants) under mocks; memoized, so tests that ran them share them. */
export async function runDoors(modes: readonly AuthMode[] = AUTH_MODES): Promise<DoorRuns> {
  const base = {} as Record<AuthMode, StackRun>;
  const variant: Record<string, StackRun> = {};
  const jobs: Promise<void>[] = [];
  for (const mode of modes) jobs.push(runChecked(mode, {}).then((r) => void (base[mode] = r)));
  for (const [name, [mode, extra]] of Object.entries(VARIANTS)) {
    if (modes.includes(mode)) jobs.push(runChecked(mode, extra).then((r) => void (variant[name] = r)));
  }
  await Promise.all(jobs); // runStack runs one program per core at a time
  return { base, variant };
}

async function runChecked(mode: AuthMode, extra: Record<string, unknown>): Promise<StackRun> {
  const run = await runStack({ stack: OFFLINE_STACK, config: doorConfig(mode, extra), ...(extra.oidcClientSecret ? { secretKeys: ["oidcClientSecret"] } : {}) });
  if (run.error) throw new Error(`the ${mode} stack did not build: ${run.error}`);
  return run;
}

/** Custom (non-component) resources, counted by type. */
export function countByType(run: StackRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.resources.filter((r) => r.custom)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** URNs of the custom resources under a component type. */
export function urnsUnder(run: StackRun, componentType: string): string[] {
  return resourcesUnder(run, componentType).filter((r) => r.custom).map((r) => r.urn).sort();
}
