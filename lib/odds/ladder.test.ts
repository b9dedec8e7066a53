import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LADDER_MAX, LADDER_MIN, OddsInputError, isOnLadder, ladderPrices, roundDownToLadder, ticks } from "./index";

const ladder = ladderPrices();

describe("the standard exchange ladder", () => {
  it("has 350 ticks from 1.01 to 1000 with the documented steps", () => {
    expect(ladder).toHaveLength(350);
    expect(ladder[0]).toBe(LADDER_MIN);
    expect(ladder[349]).toBe(LADDER_MAX);
    const step = (from: number) => {
      const i = ladder.indexOf(from);
      return Math.round((ladder[i + 1]! - from) * 100) / 100;
    };
    expect([1.01, 1.99, 2, 2.98, 3, 3.95, 4, 5.9, 6, 9.8, 10, 19.5, 20, 29, 30, 48, 50, 95, 100, 990].map(step)).toEqual([
      0.01, 0.01, 0.02, 0.02, 0.05, 0.05, 0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 1, 1, 2, 2, 5, 5, 10, 10,
    ]);
  });

  it("returns the exact nearest doubles (h/100), never float noise", () => {
    for (const price of ladder) expect(price).toBe(Number((Math.round(price * 100) / 100).toFixed(2)));
    expect(ladder).toContain(2.02);
    expect(ladder).toContain(1.1);
    expect(ladder).toContain(4.3);
  });
});

describe("roundDownToLadder", () => {
  it("rounds down, never up", () => {
    expect(roundDownToLadder(2.039)).toBe(2.02);
    expect(roundDownToLadder(2.02)).toBe(2.02);
    expect(roundDownToLadder(2.0199999)).toBe(2);
    expect(roundDownToLadder(7.77)).toBe(7.6);
    expect(roundDownToLadder(1.011)).toBe(1.01);
    expect(roundDownToLadder(3.99)).toBe(3.95);
    expect(roundDownToLadder(999.99)).toBe(990);
    expect(roundDownToLadder(5000)).toBe(1000);
  });

  it("is not fooled by float noise: 1.1 stays 1.1, 0.1 + 1 stays on 1.1", () => {
    expect(roundDownToLadder(1.1)).toBe(1.1);
    expect(roundDownToLadder(0.1 + 1)).toBe(1.1);
    expect(roundDownToLadder(1.15 * 2 - 0.2)).toBe(2.1); // 2.0999999999999996
    expect(roundDownToLadder(0.7 * 3)).toBe(2.1); // 2.0999999999999996
  });

  it("throws below 1.01 and for non-prices, naming the value", () => {
    expect(() => roundDownToLadder(1.005)).toThrow(/1\.005 is below the ladder minimum/);
    expect(() => roundDownToLadder(0.5)).toThrow(OddsInputError);
    expect(() => roundDownToLadder(Number.POSITIVE_INFINITY)).toThrow(/got Infinity/);
  });

  it("property: result ≤ d, on the ladder, and the next tick is above d", () => {
    fc.assert(
      fc.property(fc.double({ min: 1.01, max: 2000, noNaN: true }), (d) => {
        const r = roundDownToLadder(d);
        expect(r).toBeLessThanOrEqual(d + 1e-11);
        expect(isOnLadder(r)).toBe(true);
        if (r < LADDER_MAX) expect(ticks(r, 1)).toBeGreaterThan(d - 1e-11);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("isOnLadder", () => {
  it("accepts ticks and rejects everything else without throwing", () => {
    expect(isOnLadder(1.1)).toBe(true);
    expect(isOnLadder(0.1 + 1)).toBe(true);
    expect(isOnLadder(2.02)).toBe(true);
    expect(isOnLadder(1000)).toBe(true);
    expect(isOnLadder(2.01)).toBe(false);
    expect(isOnLadder(3.02)).toBe(false);
    expect(isOnLadder(1)).toBe(false);
    expect(isOnLadder(1010)).toBe(false);
    expect(isOnLadder(Number.NaN)).toBe(false);
    expect(isOnLadder(Number.POSITIVE_INFINITY)).toBe(false);
    expect(isOnLadder("2" as never)).toBe(false);
  });
});

describe("ticks", () => {
  it("moves along the ladder across band boundaries", () => {
    expect(ticks(1.99, 2)).toBe(2.02);
    expect(ticks(2.02, -2)).toBe(1.99);
    expect(ticks(3, -1)).toBe(2.98);
    expect(ticks(100, 1)).toBe(110);
    expect(ticks(1.5, 0)).toBe(1.5);
  });

  it("stops at the ends of the ladder", () => {
    expect(ticks(1.01, -1)).toBe(1.01);
    expect(ticks(1000, 5)).toBe(1000);
    expect(ticks(1.01, 1000)).toBe(1000);
  });

  it("throws for off-ladder prices and fractional tick counts", () => {
    expect(() => ticks(2.01, 1)).toThrow(/got 2\.01/);
    expect(() => ticks(2, 1.5)).toThrow(/got 1\.5/);
    expect(() => ticks(Number.NaN, 1)).toThrow(OddsInputError);
  });

  it("property: ticks(ticks(d, n), −n) = d within the ladder's range", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 349 }), fc.integer({ min: -349, max: 349 }), (index, n) => {
        fc.pre(index + n >= 0 && index + n <= 349);
        const d = ladder[index]!;
        expect(ticks(d, n)).toBe(ladder[index + n]);
        expect(ticks(ticks(d, n), -n)).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });
});
