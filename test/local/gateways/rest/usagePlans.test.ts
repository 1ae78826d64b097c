import * as assert from "assert";
import { Quota, periodStart } from "../../../../local/gateways/rest/usagePlans";

describe("local gateways: usage plan quotas", () => {
  it(
    "given a quota of 2 a day, when a key spends it, then it is refused until the next UTC day, when it " +
      "starts again from the limit",
    () => {
      let t = Date.UTC(2026, 10, 25, 23, 59, 0);
      const quota = new Quota(2, "DAY", 0, () => t);
      assert.deepEqual([quota.take(), quota.take(), quota.take()], [true, true, false]);
      t = Date.UTC(2026, 10, 25, 23, 59, 59);
      assert.equal(quota.take(), false, "still the same day");
      t = Date.UTC(2026, 10, 26, 0, 0, 1);
      assert.deepEqual([quota.take(), quota.take(), quota.take()], [true, true, false]);
    },
  );

  it("given a quota with an offset, when the first period starts, then the offset counts as spent", () => {
    const quota = new Quota(3, "MONTH", 2, () => Date.UTC(2026, 10, 5));
    assert.deepEqual([quota.take(), quota.take()], [true, false]);
  });

  it("given the periods, when one starts, then days, weeks (from Sunday) and months begin at UTC midnight", () => {
    const wed = Date.UTC(2026, 10, 25, 15);
    assert.equal(new Date(periodStart("DAY", wed)).toISOString(), "2026-11-25T00:00:00.000Z");
    assert.equal(new Date(periodStart("WEEK", wed)).toISOString(), "2026-11-22T00:00:00.000Z");
    assert.equal(new Date(periodStart("MONTH", wed)).toISOString(), "2026-11-01T00:00:00.000Z");
  });
});
