import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OddsInputError, parimutuelPrices } from "./index";

describe("parimutuelPrices", () => {
  it("shares the pool net of takeout among the winners (own computation)", () => {
    // Pool 1000, takeout 10% → 900 to share: 900/600 = 1.5, 900/300 = 3, 900/100 = 9.
    expect(parimutuelPrices([600, 300, 100], 0.1)).toEqual([1.5, 3, 9]);
    // No takeout: payouts are the inverse pool shares.
    expect(parimutuelPrices([50, 50], 0)).toEqual([2, 2]);
  });

  it("a real tote pays what the formula says (US win pool example, own arithmetic)", () => {
    // Win pool $10,000 with 17% takeout → $8,300 net; $2,500 on the winner → 8300/2500 = 3.32
    // per dollar (a $2 ticket returns $6.64 before breakage).
    const [winner] = parimutuelPrices([2500, 4000, 3500], 0.17);
    expect(winner).toBeCloseTo(3.32, 12);
  });

  it("can pay below 1 (a minus pool): it is unrounded and unfloored", () => {
    expect(parimutuelPrices([950, 50], 0.1)[0]).toBeCloseTo(900 / 950, 14);
  });

  it("gives null for an outcome with nothing staked on it", () => {
    expect(parimutuelPrices([0, 100], 0.15)).toEqual([null, 0.85]);
    expect(parimutuelPrices([0, 0], 0.15)).toEqual([null, null]);
  });

  it("property: payout × share of pool = 1 − takeout", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 20 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (pools, takeout) => {
          const total = pools.reduce((a, b) => a + b, 0);
          parimutuelPrices(pools, takeout).forEach((payout, i) => {
            expect(payout! * (pools[i]! / total)).toBeCloseTo(1 - takeout, 10);
          });
        },
      ),
    );
  });

  it("throws OddsInputError for bad pools and takeouts, naming them", () => {
    expect(() => parimutuelPrices([100, -1], 0.1)).toThrow(/pools\[1\].*got -1/);
    expect(() => parimutuelPrices([100, 100], 1)).toThrow(/takeout.*got 1/);
    expect(() => parimutuelPrices([100, 100], -0.1)).toThrow(/takeout.*got -0\.1/);
    expect(() => parimutuelPrices([100], 0.1)).toThrow(/one-outcome market/);
    expect(() => parimutuelPrices([100, Number.NaN], 0.1)).toThrow(OddsInputError);
  });
});
