import * as assert from "assert";
import { AUTH_MODES } from "../../../components/config";
import { HOURS_PER_MONTH, cognitoMauCost, monthlyCost } from "../../../tools/compare/cost";
import { NO_METERS } from "../../../tools/compare/meters";
import {
  DAYS_PER_MONTH,
  forDays,
  migrationCost,
  migrationAssumptions,
  sensibleMigrations,
} from "../../../tools/compare/migration";
import { DEFAULT_SCENARIOS } from "../../../tools/compare/scenarios";

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);
const none = { from: NO_METERS, to: NO_METERS, both: NO_METERS };
const quiet = { ...DEFAULT_SCENARIOS[0], mau: 0, requestsPerMonth: 0, m2mTokenRequestsPerMonth: 0 };

describe("the price of a two-door migration", () => {
  it("given a whole month of days, then forDays is the monthly bill; given a week, a week's share of it", () => {
    const month = monthlyCost("alb-oidc", quiet);
    close(forDays(month, DAYS_PER_MONTH).total, month.total, "a month");
    close(forDays(month, 7).gateway, (month.gateway * 7 * 24) / HOURS_PER_MONTH, "a week of ALB hours");
  });

  it("given two REST doors with nothing metered, then running both costs what one costs: nothing to add", () => {
    const c = migrationCost({ from: "iam", to: "cognito", days: 14 }, DEFAULT_SCENARIOS[1], none);
    close(c.both.total, c.alone.from.total, "the gateway tiers, the users and the backend, once");
    close(c.overlap, 0, "overlap");
  });

  it("given cognito to alb-oidc at zero traffic, then the overlap adds the ALB's fixed charges for half of it", () => {
    const c = migrationCost({ from: "cognito", to: "alb-oidc", days: 14 }, quiet, none);
    // 730 h x $0.0225 + 2 IPs x 730 h x $0.005 = $23.725 a month; both doors pay it 14 days, a one-step switch 7
    close(c.both.total, (23.725 * 14) / DAYS_PER_MONTH, "both doors");
    close(c.overlap, (23.725 * 7) / DAYS_PER_MONTH, "overlap");
  });

  it("given 100k users behind both doors, then their MAU are billed once for the period", () => {
    const s = DEFAULT_SCENARIOS[1];
    const c = migrationCost({ from: "cognito", to: "http-jwt", days: 14 }, s, none);
    close(c.alone.from.cognito, (cognitoMauCost(s.mau, s.cognitoPlan) * 14) / DAYS_PER_MONTH, "one door");
    // both doors: the same MAU once, plus http-jwt's machine tokens for its half of the requests
    const tokens = (s.m2mTokenRequestsPerMonth / 2 / 1000) * 2.25;
    close(c.both.cognito, ((cognitoMauCost(s.mau, s.cognitoPlan) + tokens) * 14) / DAYS_PER_MONTH, "both");
  });

  it("given every door, then the migrations are the pairs of user doors, each once (api-key has no users)", () => {
    const pairs = sensibleMigrations(AUTH_MODES, 14).map((m) => `${m.from}>${m.to}`);
    assert.equal(pairs.length, 10, pairs.join(" "));
    assert.ok(!pairs.some((p) => p.includes("api-key")), pairs.join(" "));
    assert.ok(pairs.includes("cognito>http-jwt") && !pairs.includes("http-jwt>cognito"));
    assert.deepEqual(sensibleMigrations(["http-jwt"], 14), [], "one door: no migration");
  });

  it("states that the users are billed once and how the traffic moves", () => {
    const text = migrationAssumptions().join("\n");
    assert.match(text, /users are billed once/);
    assert.match(text, /50% of the period's requests/);
  });
});
