import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DELTA_BURST, DELTAS_PER_SECOND, DeltaBudget } from "./delta-budget";

describe("DeltaBudget", () => {
  it("lets a burst through, then one delta per refill, per sport", () => {
    const budget = new DeltaBudget(4, 16);
    for (let i = 0; i < 4; i += 1) expect(budget.take("soccer", 0)).toBe(true);
    expect(budget.take("soccer", 0)).toBe(false);
    expect(budget.take("tennis", 0)).toBe(true); // its own bucket
    expect(budget.waitMs("soccer", 0)).toBe(63); // 1/16 s
    expect(budget.take("soccer", 62)).toBe(false);
    expect(budget.take("soccer", 63)).toBe(true);
    expect(budget.waitMs("soccer", 63)).toBeGreaterThan(0);
  });

  it("lets urgent deltas through into debt, which later deltas repay", () => {
    const budget = new DeltaBudget(1, 10);
    expect(budget.take("soccer", 0)).toBe(true);
    budget.spend("soccer", 0);
    budget.spend("soccer", 0); // two in debt
    expect(budget.waitMs("soccer", 0)).toBe(300);
    expect(budget.take("soccer", 299)).toBe(false);
    expect(budget.take("soccer", 300)).toBe(true);
  });

  it("never lets more than burst + rate × time through, however deltas are asked for", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 400 }), (gaps) => {
        const budget = new DeltaBudget();
        let now = 0;
        let sent = 0;
        for (const gap of gaps) {
          now += gap;
          if (budget.take("soccer", now)) sent += 1;
        }
        expect(sent).toBeLessThanOrEqual(DELTA_BURST + Math.floor((now * DELTAS_PER_SECOND) / 1_000));
      }),
    );
  });
});
