import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LADDER_MAX, LADDER_MIN, MARGIN_METHODS, type PriceLadder, type HybridOutcome, bestPrices, hybridOdds, priceMarket, roundDownToLadder } from "./index";
import { books, feedBooks, market, stakes } from "./test-arbitraries";

/**
 * The price cap of docs/odds.md "Hybrid odds": the pool may shorten a price, never lengthen it past
 * the consensus with margin or the best bookmaker price.
 */

/** Step 4 before clamping, written from the docs rather than from hybrid.ts. */
function formula(p: number, fair: number | null, best: number | null, m: number): number {
  const consensusPrice = fair === null ? Infinity : 1 / (fair * (1 + m));
  return Math.min(1 / (p * (1 + m)), consensusPrice, best ?? Infinity);
}

function specPrice(p: number, fair: number | null, best: number | null, m: number, ladder: PriceLadder): number {
  const clamped = Math.min(LADDER_MAX, Math.max(LADDER_MIN, formula(p, fair, best, m)));
  return ladder === "standard" ? roundDownToLadder(clamped) : clamped;
}

/**
 * Relative slack for "≤" against a cap: the ladder counts a value up to 1e-11 below a tick as the
 * tick (≤ 1e-11 relative, prices being ≥ 1.01), plus a few ulps from 1/(f·(1 + m)).
 */
const EPS = 1e-10;

/** The consensus-with-margin of a floored outcome is below 1.01, so we offer 1.01 (documented). */
const floored = (fair: number, best: number, m: number) => Math.min(1 / (fair * (1 + m)), best) < LADDER_MIN;

const booksFrom = (rows: number[][], margin = 0.05) => rows.map((row, i) => ({ book: `b${i}`, prices: row.map((p) => 1 / (p * (1 + margin))) }));

describe("price cap: worked examples (own computation)", () => {
  it("the old bug: an unbacked outcome in a heavily backed market is capped at the consensus", () => {
    // Fair rows [.5,.3,.2], [.45,.3,.25], [.55,.25,.2] at a 5% book margin → f = [0.5, 0.3, 0.2];
    // best prices 1/(min row·1.05) = [2.1164, 3.8095, 4.7619]. Stakes [0, 0, 20000], L = 5000:
    // w = 0.8, q = [0, 0, 1] → p = 0.2·f + 0.8·q = [0.1, 0.06, 0.84].
    // Before the fix: 1/(p·1.05) = [9.5238, 15.873, 1.1338] → [9.4, 15.5, 1.13]. Home at 9.4 against
    // f = 0.5 is worth 9.4·0.5 − 1 = +370% to a bettor, and 4.4× the best bookmaker price.
    // Now: caps min(1/(f·1.05), best) = [1.9048, 3.1746, 4.7619] → [1.9, 3.15, 1.13]; the backed away
    // side keeps its pool-shortened 1.13. Home: 1.9·0.5 = 0.95 ≤ 1/1.05 ≈ 0.9524. Overround
    // 1/1.9 + 1/3.15 + 1/1.13 − 1 ≈ 0.7288 (before: ≈ 0.0559, only just above the 5%).
    const rows = [
      [0.5, 0.3, 0.2],
      [0.45, 0.3, 0.25],
      [0.55, 0.25, 0.2],
    ];
    const input = { books: booksFrom(rows), stakes: [0, 0, 20000], margin: 0.05, liquidity: 5000, method: "multiplicative" as const };
    const result = hybridOdds(input);
    [0.1, 0.06, 0.84].forEach((p, i) => {
      expect(result[i]!.blended).toBeCloseTo(p, 12);
    });
    expect(result.map((o) => roundDownToLadder(1 / (o.blended * 1.05)))).toEqual([9.4, 15.5, 1.13]); // the old prices
    expect(result.map((o) => o.price)).toEqual([1.9, 3.15, 1.13]);
    expect(result[0]!.price * result[0]!.fair!).toBeLessThanOrEqual(1 / 1.05);
    const overround = result.reduce((s, o) => s + 1 / o.price, 0) - 1;
    expect(overround).toBeCloseTo(1 / 1.9 + 1 / 3.15 + 1 / 1.13 - 1, 12);
    expect(priceMarket(input).outcomes.map((o) => o.price)).toEqual([1.9, 3.15, 1.13]);
  });

  it("with a margin below the books', the best bookmaker price is the tighter cap", () => {
    // One book at 1.9/1.9 (5.3% margin) → f = [0.5, 0.5]. m = 0.02, stakes [0, 10000], L = 10000:
    // w = 0.5, p = [0.25, 0.75]. Before: 1/(0.25·1.02) = 3.92 → 3.9. Now the consensus cap is
    // 1/(0.5·1.02) = 1.9608 but the book offers only 1.9, so 1.9. Backed side: 1/(0.75·1.02) = 1.307 → 1.3.
    const result = hybridOdds({ books: [{ book: "a", prices: [1.9, 1.9] }], stakes: [0, 10000], margin: 0.02, liquidity: 10000 });
    expect(result.map((o) => o.price)).toEqual([1.9, 1.3]);
  });

  it("priceMarket: a book quoting only some outcomes caps them, even without a consensus", () => {
    // No complete book → pool only, p = [0.1, 0.9]. Before: 1/(0.1·1.05) = 9.52 → 9.4, although a
    // quotes 2.1. Now 2.1. The unquoted outcome keeps its pool price 1/(0.9·1.05) = 1.058 → 1.05.
    const result = priceMarket({ books: [{ book: "a", prices: [2.1, null] }], stakes: [10, 90], margin: 0.05, liquidity: 1000 });
    expect(result.outcomes.map((o) => o.fair)).toEqual([null, null]);
    expect(result.outcomes.map((o) => o.price)).toEqual([2.1, 1.05]);
  });

  it("pool-only markets are not capped: an unbacked outcome still goes to 1000", () => {
    const result = priceMarket({ books: [], stakes: [0, 10, 30], margin: 0.05, liquidity: 1000 });
    expect(result.outcomes.map((o) => o.price)).toEqual([1000, 3.8, 1.26]);
  });
});

const common = {
  margin: fc.double({ min: 0, max: 0.3, noNaN: true }),
  liquidity: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
  method: fc.constantFrom(...MARGIN_METHODS),
  ladder: fc.constantFrom("standard" as const, "none" as const),
};

/** Complete books (always at least one), for hybridOdds. */
const cleanMarket = market((n) => fc.record({ books: books(n), stakes: stakes(n), ...common }));
/** Feed books: complete, incomplete, or none at all, for priceMarket. */
const feedMarket = market((n) => fc.record({ books: feedBooks(n), stakes: stakes(n), ...common }));

type CleanInput = typeof cleanMarket extends fc.Arbitrary<infer T> ? T : never;
type FeedInput = typeof feedMarket extends fc.Arbitrary<infer T> ? T : never;

/** hybridOdds, or null when the additive method rejects a book (it throws; priceMarket drops it). */
function hybridOrNull(input: CleanInput) {
  try {
    return hybridOdds(input);
  } catch (error) {
    if (input.method === "additive") return null;
    throw error;
  }
}

/** Runs `check` on hybridOdds of `numRuns` complete markets (skipping books the additive method rejects). */
function forCleanMarkets(numRuns: number, check: (input: CleanInput, result: HybridOutcome[], best: { price: number }[]) => void): void {
  fc.assert(
    fc.property(cleanMarket, (input) => {
      const result = hybridOrNull(input);
      fc.pre(result !== null);
      check(input, result, bestPrices(input.books));
    }),
    { numRuns },
  );
}

/** Runs `check` on 1000 feed markets (complete, incomplete or no books). */
function forFeedMarkets(check: (input: FeedInput) => void): void {
  fc.assert(fc.property(feedMarket, check), { numRuns: 1000 });
}

describe("hybridOdds: the price cap (properties, every method, complete books)", () => {
  it("is exactly the documented formula: roundDown(clamp(min(1/(p(1+m)), 1/(f(1+m)), best)))", () => {
    forCleanMarkets(500, (input, result, best) => {
      result.forEach((o, i) => {
        expect(o.price).toBe(specPrice(o.blended, o.fair, best[i]!.price, input.margin, input.ladder));
        expect(o.clamped === "min").toBe(formula(o.blended, o.fair, best[i]!.price, input.margin) < LADDER_MIN);
      });
    });
  });

  it("never offers positive expected value against the consensus: price·f ≤ 1/(1 + m)", () => {
    forCleanMarkets(1000, (input, result) => {
      for (const o of result) {
        if (o.clamped === "min") continue; // the documented 1.01 floor
        expect(o.price * o.fair! * (1 + input.margin)).toBeLessThanOrEqual(1 + EPS);
      }
    });
  });

  it("never offers more than the best bookmaker price", () => {
    forCleanMarkets(1000, (_input, result, best) => {
      result.forEach((o, i) => {
        if (o.clamped !== "min") expect(o.price).toBeLessThanOrEqual(best[i]!.price * (1 + EPS));
      });
    });
  });

  it("keeps the overround at least the margin: Σ 1/price ≥ 1 + m (no 1.01 floor)", () => {
    forCleanMarkets(1000, (input, result) => {
      fc.pre(result.every((o) => o.clamped !== "min"));
      expect(result.reduce((s, o) => s + 1 / o.price, 0)).toBeGreaterThanOrEqual(1 + input.margin - 1e-9);
    });
  });

  it("the pool only shortens: every price ≤ the same market's no-stake price, exactly", () => {
    // What holds: for ANY stakes and L, price_i ≤ price_i(no stakes) = roundDown(clamp(min(1/(f_i(1+m)),
    // best_i))). Stakes on other outcomes can lengthen price_i again, but only back up to that.
    forCleanMarkets(1000, (input, result, best) => {
      const noPool = hybridOdds({ ...input, stakes: input.stakes.map(() => 0) });
      result.forEach((o, i) => {
        expect(noPool[i]!.price).toBe(specPrice(o.fair!, o.fair, best[i]!.price, input.margin, input.ladder));
        expect(o.price).toBeLessThanOrEqual(noPool[i]!.price);
      });
    });
  });
});

describe("priceMarket: the price cap (properties, every method, complete and incomplete books)", () => {
  it("is exactly the documented formula, with the best price the wire carries", () => {
    forFeedMarkets((input) => {
      for (const o of priceMarket(input).outcomes) {
        expect(o.price).toBe(specPrice(o.blended, o.fair, o.best?.price ?? null, input.margin, input.ladder));
      }
    });
  });

  it("never positive expected value against the consensus, never above the best price", () => {
    forFeedMarkets((input) => {
      for (const o of priceMarket(input).outcomes) {
        if (o.best !== null && o.best.price >= LADDER_MIN) {
          expect(o.price).toBeLessThanOrEqual(o.best.price * (1 + EPS));
        }
        if (o.fair === null) continue;
        if (floored(o.fair, o.best!.price, input.margin)) expect(o.price).toBe(LADDER_MIN);
        else expect(o.price * o.fair * (1 + input.margin)).toBeLessThanOrEqual(1 + EPS);
      }
    });
  });

  it("keeps the overround at least the margin (no 1.01 floor)", () => {
    forFeedMarkets((input) => {
      const result = priceMarket(input);
      const formulas = result.outcomes.map((o) => formula(o.blended, o.fair, o.best?.price ?? null, input.margin));
      fc.pre(formulas.every((f) => f >= LADDER_MIN));
      expect(result.overround).toBeGreaterThanOrEqual(input.margin - 1e-9);
    });
  });

  it("the pool only shortens where there is a consensus; pool-only markets keep the pool price", () => {
    forFeedMarkets((input) => {
      const result = priceMarket(input).outcomes;
      const noPool = priceMarket({ ...input, stakes: input.stakes.map(() => 0) }).outcomes;
      result.forEach((o, i) => {
        if (o.fair !== null) expect(o.price).toBeLessThanOrEqual(noPool[i]!.price);
        // No quotes at all for the outcome: exactly the uncapped pool (or uniform) price.
        if (o.best === null) expect(o.price).toBe(specPrice(o.blended, null, null, input.margin, input.ladder));
      });
    });
  });
});
