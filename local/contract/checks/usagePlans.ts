import * as assert from "assert";
import { Check, notAbout } from "../check";
import { ContractContext, Party, Skip, expectStatus } from "../context";
import type { DoorFacts } from "../facts";

/** The usage plan checks are about doors whose callers are metered: by their API key, or by their tier. */
const meteredDoor = (facts: DoorFacts) =>
  facts.apiKey || facts.tiers
    ? undefined
    : notAbout(
        facts,
        "doors whose callers' usage plans meter them, by API key or by tier (client.tiers)",
        "callers send no API key and the outputs publish no tiers",
      );

/** The usage plan (rate, burst, quota) of an API key or tier, when the outputs say. */
function planOf(
  ctx: ContractContext,
  party: Party,
): { rateLimit: number; burstLimit: number; quota?: { limit: number; period: string } } | undefined {
  if (ctx.facts.tiers) {
    const tiers = (ctx.outputs.client.tiers ?? {}) as Record<
      string,
      { group?: string; rateLimit: number; burstLimit: number; quota: string }
    >;
    const tier =
      Object.values(tiers).find((t) => t.group && party.user?.groups.includes(t.group)) ??
      Object.values(tiers).find((t) => !t.group);
    if (!tier) return undefined;
    const [limit, period] = tier.quota.split("/");
    return { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit, quota: { limit: Number(limit), period } };
  }
  const plan = ctx.outputs.local?.usagePlans.find((p) => party.key && p.keyIds.includes(party.key.keyId));
  return plan?.rateLimit !== undefined
    ? { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit ?? plan.rateLimit, quota: plan.quota }
    : undefined;
}

/** Sends `n` requests at once as a party; the statuses and messages of the answers. */
async function burst(ctx: ContractContext, party: Party, n: number): Promise<{ status: number; message?: string }[]> {
  const auth = await ctx.as(party);
  return Promise.all(
    Array.from({ length: n }, async () => {
      const r = await ctx.call("/me", { auth, noRetry: true });
      return { status: r.status, message: r.json?.message };
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Spends a party's quota, one request after another (throttled ones retried), until "Limit Exceeded"; the number
 * served.
 */
async function spendQuota(
  ctx: ContractContext,
  party: Party,
  plan: { burstLimit: number; quota?: { limit: number } },
): Promise<number> {
  const auth = await ctx.as(party);
  for (let served = 0; served <= plan.quota!.limit + plan.burstLimit; served++) {
    const r = await ctx.call("/me", { auth });
    if (r.status === 429 && r.json?.message === "Limit Exceeded") return served;
    expectStatus(r, 200, `${party.label} spending its quota`);
  }
  throw new assert.AssertionError({
    message: `${party.label} was served more than its quota (${plan.quota!.limit}) without "Limit Exceeded"`,
  });
}

/** Skips unless quotas may be spent here and the party's is small enough to spend in a test. */
function quotaSkip(ctx: ContractContext, party: Party | undefined): string | undefined {
  if (!ctx.options.spendQuotas)
    return (
      "spending a whole quota blocks every caller of that key or tier until the period ends: done against " +
      "local mode only"
    );
  const plan = party && planOf(ctx, party);
  if (!plan?.quota) return "the outputs name no quota for this caller";
  if (plan.quota.limit > 500)
    return (
      `a quota of ${plan.quota.limit} a ${plan.quota.period} takes too long to spend in a test (start the door ` +
      `with a small one, e.g. --set apiKeyQuotaLimit=100)`
    );
  return undefined;
}

/** Usage plans, an API key's or a tier's: throttling beyond the burst, and the quota. */
export const USAGE_PLAN_CHECKS: Check[] = [
  {
    id: "usage-burst",
    title:
      "given a key's (or a tier's) usage plan, when it sends more than its burst at once, then some answers are " +
      "429 Too Many Requests, and a moment later it is served again; another tier's caller is not throttled " +
      "with it",
    whyNotAbout: meteredDoor,
    async run(ctx) {
      // The same caller as the quota check after it: the burst spends its quota too.
      const a = ctx.parties.a;
      const plan = planOf(ctx, a);
      const n = plan ? plan.burstLimit + Math.ceil(plan.rateLimit / 2) + 5 : 60;
      // Another tier's caller first, with as many at once: its larger burst lets them all through
      // (first, so the stage's own throttle, which every caller shares, is not spent yet).
      const tiered = ctx.parties.tiered;
      const other = tiered && planOf(ctx, tiered);
      if (tiered && other && other.burstLimit >= n) {
        const theirs = await burst(ctx, tiered, n);
        assert.ok(
          theirs.every((x) => x.status === 200),
          `${tiered.label}'s tier (burst ${other.burstLimit}) was throttled: ` +
            `${JSON.stringify(theirs.filter((x) => x.status !== 200).slice(0, 3))}`,
        );
      }
      // A second burst if the first was not throttled: on a loaded machine requests may arrive slower than the bucket
      // refills.
      let answers: { status: number; message?: string }[] = [];
      let throttled = 0;
      for (let attempt = 0; attempt < 2 && throttled === 0; attempt++) {
        answers = await burst(ctx, a, n);
        throttled = answers.filter((x) => x.status === 429 && x.message === "Too Many Requests").length;
      }
      if (!plan && throttled === 0)
        throw new Skip(`no 429 after ${n} concurrent requests: the key's burst is above that (the outputs do not say)`);
      assert.ok(
        throttled > 0,
        `${n} requests at once against a burst of ${plan?.burstLimit}: none was throttled ` +
          `(${JSON.stringify(answers.slice(0, 3))})`,
      );
      assert.ok(
        answers.every((x) => x.status === 200 || x.status === 429),
        JSON.stringify(answers.filter((x) => x.status !== 200 && x.status !== 429)),
      );
      await sleep(Math.ceil(1000 / (plan?.rateLimit ?? 10)) + 100);
      expectStatus(await ctx.call("/me", { auth: await ctx.as(a) }), 200, "served again once the bucket refills");
    },
  },
  {
    id: "usage-quota",
    title:
      "given a key's (or a tier's) quota, when it is spent, then its calls get 429 Limit Exceeded until the " +
      "period ends, while another key (tier) is still served",
    whyNotAbout: meteredDoor,
    skip: (ctx) =>
      quotaSkip(ctx, ctx.parties.a) ??
      (ctx.facts.tiers && !ctx.parties.tiered ? "needs a user of another tier" : undefined),
    async run(ctx) {
      const { a } = ctx.parties;
      const plan = planOf(ctx, a)!;
      await spendQuota(ctx, a, plan);
      await sleep(Math.ceil(1000 / plan.rateLimit) + 100);
      const again = await ctx.call("/me", { auth: await ctx.as(a) });
      expectStatus(again, 429, "after the quota, with the bucket refilled");
      assert.equal(again.json?.message, "Limit Exceeded");
      const other = ctx.facts.tiers ? ctx.parties.tiered! : (ctx.parties.admin ?? ctx.parties.b);
      expectStatus(await ctx.call("/me", { auth: await ctx.as(other) }), 200, `${other.label}, on another key`);
    },
  },
];
