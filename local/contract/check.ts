import type { ContractContext } from "./context";
import { DoorFacts, presents } from "./facts";

/**
 * A check of the contract: black-box calls against a running door with the clients a user has,
 * from the stack outputs alone. It selects itself from what the outputs publish (facts.ts), never
 * from the door's name; one that needs what a target cannot give is skipped with the reason.
 */
export interface Check {
  id: string;
  /** given / when / then */
  title: string;
  /**
   * Why the check is not about this door, from its published facts (undefined: it is); unset: it
   * is about every door. The suite reports such a check as skipped with this reason, and mocha does
   * not list it.
   */
  whyNotAbout?(facts: DoorFacts): string | undefined;
  /** Why the check, about this door, cannot run against these outputs and options. */
  skip?(ctx: ContractContext): string | undefined;
  run(ctx: ContractContext): Promise<void>;
}

/** Whether a check is about a door, from its facts. */
export function appliesTo(check: Check, facts: DoorFacts): boolean {
  return check.whyNotAbout?.(facts) === undefined;
}

/**
 * Why a check does not run against this door, if it does not: it is about other doors, or the door lacks what it needs.
 */
export function skipReason(check: Check, ctx: ContractContext): string | undefined {
  return check.whyNotAbout?.(ctx.facts) ?? check.skip?.(ctx);
}

/**
 * The reason of a family of checks that is not about a door: what the family is about (`about`:
 * "doors whose clients sign requests with SigV4"), and what this door has instead (by default,
 * what its clients present).
 */
export function notAbout(
  facts: DoorFacts,
  about: string,
  instead = `clients present ${presents(facts.credential)}`,
): string {
  return `a check of ${about}: at the ${facts.name} door, ${instead}`;
}
