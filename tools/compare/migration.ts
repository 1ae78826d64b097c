import type { AuthMode } from "../../components/config";
import { doorReport } from "../../components/doors/reportRegistry";
import { CostBreakdown, HOURS_PER_MONTH, PRICES, RegionPrices, stackCost } from "./cost";
import type { StackMeters } from "./meters";
import type { Scenario } from "./scenarios";

/** The migration period `npm run compare` prices unless `--days` says otherwise. */
export const DEFAULT_MIGRATION_DAYS = 14;
/** The longest period `--days` takes: a migration that runs longer is two stacks, not a migration. */
export const MAX_MIGRATION_DAYS = 92;
/** The cost model's month (HOURS_PER_MONTH), in days. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/**
 * The new door's share of the requests over the period, on average: clients move from the old door to the new one
 * at an even pace, from none at the start to all at the end.
 */
export const NEW_DOOR_AVERAGE_SHARE = 0.5;

/** A migration from one door to another, run as `doors: [from, to]` for a number of days. */
export interface Migration {
  from: AuthMode;
  to: AuthMode;
  days: number;
}

/** What a migration period costs, and what the same days cost on each door alone. */
export interface MigrationCost extends Migration {
  /** The period with only the old door, and with only the new one, taking all requests. */
  alone: { from: CostBreakdown; to: CostBreakdown };
  /** The period with both doors, the requests moving from the old one to the new one. */
  both: CostBreakdown;
  /**
   * What running both adds to a one-step switch halfway through the period (the old door alone for half of it, the
   * new one for the other half): the price of moving clients without an outage.
   */
  overlap: number;
}

/** Every line of a monthly bill scaled to `days` of it (fixed charges, requests and MAU alike). */
export function forDays(c: CostBreakdown, days: number): CostBreakdown {
  const f = days / DAYS_PER_MONTH;
  return {
    gateway: c.gateway * f,
    cognito: c.cognito * f,
    lambda: c.lambda * f,
    dynamodb: c.dynamodb * f,
    cloudwatch: c.cloudwatch * f,
    dataTransfer: c.dataTransfer * f,
    other: c.other * f,
    total: c.total * f,
    notes: c.notes,
  };
}

/**
 * The cost of `days` with both doors over one backend and one user pool (stackCost), against each
 * door alone. `meters`: what each door's stack records, and what the two record beside each other
 * (tools/compare/report.ts's stackMeters).
 */
export function migrationCost(
  m: Migration,
  s: Scenario,
  meters: { from: StackMeters; to: StackMeters; both: StackMeters },
  p: RegionPrices = PRICES["us-east-1"],
): MigrationCost {
  const alone = (door: AuthMode, dm: StackMeters) =>
    forDays(stackCost([{ door, share: 1, meters: dm }], s, dm, p), m.days);
  const both = forDays(
    stackCost(
      [
        { door: m.from, share: 1 - NEW_DOOR_AVERAGE_SHARE, meters: meters.from },
        { door: m.to, share: NEW_DOOR_AVERAGE_SHARE, meters: meters.to },
      ],
      s,
      meters.both,
      p,
    ),
    m.days,
  );
  const from = alone(m.from, meters.from);
  const to = alone(m.to, meters.to);
  return { ...m, alone: { from, to }, both, overlap: both.total - (from.total + to.total) / 2 };
}

/**
 * The migrations worth pricing among `modes`: between two doors that serve the user pool's people
 * (their users keep their `sub`, so their notes, across the switch), each pair once, in the order
 * given. A door for applications only (`api-key`: keys are not users) is no migration of users.
 * With the clients moving at an even pace, `a -> b` costs what `b -> a` costs.
 */
export function sensibleMigrations(modes: readonly AuthMode[], days: number): Migration[] {
  const users = modes.filter((m) => doorReport(m).pricing.billsMau);
  return users.flatMap((from, i) => users.slice(i + 1).map((to) => ({ from, to, days })));
}

/** The assumptions of the migration prices, in the report's words. */
export function migrationAssumptions(): string[] {
  return [
    `The clients move from the old door to the new one at an even pace, so the new door takes ` +
      `${Math.round(NEW_DOOR_AVERAGE_SHARE * 100)}% of the period's requests; moved the other way, a pair costs ` +
      `the same.`,
    "The users are billed once: Cognito bills a monthly active user of the pool, not of a door, and both doors " +
      "sign in against the one pool. The backend (Lambda, DynamoDB, data transfer) serves every request once.",
    "Each door pays its own fixed charges (the ALB's hours and addresses, its alarms and metric filters) for the " +
      "whole period, and its gateway for its share of the requests; two doors of one API type share the request " +
      "tiers.",
    "Monthly charges are prorated to the period's days (a month of " +
      `${DAYS_PER_MONTH.toFixed(2)} days), MAU included: a user active in the period is billed for the month ` +
      "either way, so the overlap adds nothing for them.",
    "A one-step switch halfway through the period is the old door's bill for half of it and the new door's for " +
      "the other half; it has the outage window a migration avoids.",
  ];
}
