import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OddsInputError, arbitrage, bestPrices, edge } from "./index";
import { books, market } from "./test-arbitraries";

describe("bestPrices", () => {
  it("takes the highest price per outcome; ties go to the book listed first", () => {
    const result = bestPrices([
      { book: "a", prices: [2.1, 1.8, 3.5] },
      { book: "b", prices: [2.0, 1.9, 3.5] },
      { book: "c", prices: [2.05, 1.85, 3.4] },
    ]);
    expect(result).toEqual([
      { book: "a", price: 2.1 },
      { book: "b", price: 1.9 },
      { book: "a", price: 3.5 },
    ]);
  });

  it("throws OddsInputError for bad input", () => {
    expect(() => bestPrices([])).toThrow(OddsInputError);
    expect(() =>
      bestPrices([
        { book: "a", prices: [2, 2] },
        { book: "b", prices: [2, -3] },
      ]),
    ).toThrow(/books\[1\]\.prices\[1\].*got -3/);
    expect(() =>
      bestPrices([
        { book: "a", prices: [2, 2] },
        { book: "b", prices: [2, 2, 2] },
      ]),
    ).toThrow(/has 3 prices but the market has 2/);
  });
});

describe("edge", () => {
  it("is price · p − 1", () => {
    expect(edge(2.2, 0.5)).toBeCloseTo(0.1, 15);
    expect(edge(1.9, 0.5)).toBeCloseTo(-0.05, 15);
    expect(edge(3, 1 / 3)).toBeCloseTo(0, 15);
    expect(edge(5, 0)).toBe(-1);
  });

  it("rejects a bad price or a probability outside [0, 1], naming it", () => {
    expect(() => edge(0.5, 0.5)).toThrow(/price.*got 0\.5/);
    expect(() => edge(2, 1.2)).toThrow(/fairProbability.*got 1\.2/);
    expect(() => edge(2, Number.NaN)).toThrow(/got NaN/);
  });
});

describe("arbitrage", () => {
  it("finds the sure bet and sizes equal-return stakes (own computation)", () => {
    // Best prices 2.1 (a) and 2.05 (b): Σ 1/best = 0.476190 + 0.487805 = 0.963995.
    // margin = 1 − 0.963995 = 0.036005; payout = 100/0.963995 = 103.7350; stakes = payout/price.
    const result = arbitrage(
      [
        { book: "a", prices: [2.1, 1.8] },
        { book: "b", prices: [1.9, 2.05] },
      ],
      100,
    );
    expect(result.exists).toBe(true);
    expect(result.margin).toBeCloseTo(1 - (1 / 2.1 + 1 / 2.05), 15);
    expect(result.margin).toBeCloseTo(0.036005, 6);
    expect(result.payout).toBeCloseTo(103.73494, 5);
    expect(result.stakes[0]).toBeCloseTo(49.39759, 5);
    expect(result.stakes[1]).toBeCloseTo(50.60241, 5);
    expect(result.best.map((b) => b.book)).toEqual(["a", "b"]);
  });

  it("reports no arbitrage, with the negative margin, when the best prices still overround", () => {
    const result = arbitrage([{ book: "a", prices: [1.9, 1.9] }]);
    expect(result.exists).toBe(false);
    expect(result.margin).toBeCloseTo(1 - 2 / 1.9, 15);
    expect(result.stakes[0]! + result.stakes[1]!).toBeCloseTo(1, 15);
  });

  it("an exactly fair book is not an arbitrage", () => {
    expect(arbitrage([{ book: "a", prices: [2, 2] }]).exists).toBe(false);
  });

  it("property: stakes sum to the total and every outcome returns the same payout", () => {
    fc.assert(
      fc.property(
        market((n) => books(n)),
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        (list, total) => {
          const result = arbitrage(list, total);
          expect(result.stakes.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
          result.stakes.forEach((stake, i) => {
            expect(stake * result.best[i]!.price).toBeCloseTo(result.payout, 6);
          });
          expect(result.exists).toBe(result.margin > 0);
        },
      ),
    );
  });

  it("rejects a non-positive total stake", () => {
    expect(() => arbitrage([{ book: "a", prices: [2, 2] }], 0)).toThrow(/totalStake.*got 0/);
    expect(() => arbitrage([{ book: "a", prices: [2, 2] }], -5)).toThrow(OddsInputError);
  });
});
