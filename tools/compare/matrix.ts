import { AUTH_MODES, AuthMode } from "../../components/config";
import { CAPABILITIES, Capability, CellSpec } from "../../components/doors/report";
import { doorModule } from "../../components/doors/registry";
import { doorReport } from "../../components/doors/reportRegistry";
import { RecordedResource } from "../../offline/mocks";
import { StackRun, citedResource } from "../../offline/runStack";
import { DoorRuns } from "./runs";

export { CAPABILITIES };
export type { Capability };

/** One cell: what the door does, and the recorded resource that shows it (or "not built"). */
export interface Cell {
  text: string;
  /** `type name` of the resource behind the claim, "handler" (handler code), "AWS behaviour", or "not built". */
  evidence: string;
}

export type Matrix = Record<Capability, Record<AuthMode, Cell>>;

const ev = (r: RecordedResource) => `${r.type.split(":").pop()} ${r.name}`;

/** The resource a cell cites: a child the door exposes, or (users:<key>) one of the user directory's. */
function cited(run: StackRun | undefined, mode: AuthMode, cite: string): RecordedResource | undefined {
  if (!run) return undefined;
  const owners: Record<string, string> = {
    users: "notes-auth:users:UserDirectory",
    domain: "notes-auth:domain:CustomDomain",
  };
  const colon = cite.indexOf(":");
  const [owner, key] =
    colon > 0 && owners[cite.slice(0, colon)]
      ? [owners[cite.slice(0, colon)], cite.slice(colon + 1)]
      : [doorModule(mode).componentType, cite];
  return citedResource(
    run,
    run.resources.find((r) => r.type === owner),
    key,
  );
}

/** A claim holds only if the child it cites was recorded; otherwise the cell says "not built". */
function cell(runs: DoorRuns, mode: AuthMode, spec: CellSpec<string>): Cell {
  if ("evidence" in spec) return { text: spec.text, evidence: spec.evidence };
  const run = spec.variant ? runs.variant[`${mode}:${spec.variant}`] : runs.base[mode];
  const r = cited(run, mode, spec.cite);
  if (!r) return { text: "not built", evidence: "not built" };
  return { text: typeof spec.text === "function" ? spec.text(r.inputs) : spec.text, evidence: ev(r) };
}

/** The capability matrix: each door module's claims, checked against the recorded resources of the runs. */
export function capabilityMatrix(runs: DoorRuns, modes: readonly AuthMode[] = AUTH_MODES): Matrix {
  return Object.fromEntries(
    CAPABILITIES.map((c) => [
      c,
      Object.fromEntries(modes.map((m) => [m, cell(runs, m, doorReport(m).capabilities[c])])),
    ]),
  ) as Matrix;
}
