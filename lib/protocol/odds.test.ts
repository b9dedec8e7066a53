import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FAIR_PRICE_PLACES, IMPLIED_PLACES, OutcomeOdds, fairPriceOf, impliedOf } from "./odds";

const price = fc.double({ min: 1, max: 1000, noNaN: true });
/** Fair probabilities as they travel: 0, or at least 0.0001 (4 places). */
const fair = fc.double({ min: 1e-4, max: 1, noNaN: true });
const decimals = (value: number) => (String(value).split(".")[1] ?? "").length;

describe("impliedOf", () => {
  it("is 1 / price to within half of its last place, a probability, with at most 4 decimals", () => {
    fc.assert(
      fc.property(price, (p) => {
        const implied = impliedOf(p);
        expect(Math.abs(implied - 1 / p)).toBeLessThanOrEqual(0.5 * 10 ** -IMPLIED_PLACES + 1e-12);
        expect(implied).toBeGreaterThanOrEqual(0);
        expect(implied).toBeLessThanOrEqual(1);
        expect(decimals(implied)).toBeLessThanOrEqual(IMPLIED_PLACES);
        expect(Object.is(implied, -0)).toBe(false);
      }),
    );
  });

  it("matches worked examples", () => {
    expect(impliedOf(1.95)).toBe(0.5128);
    expect(impliedOf(2)).toBe(0.5);
    expect(impliedOf(1000)).toBe(0.001);
  });
});

describe("fairPriceOf", () => {
  it("is 1 / fair to within half of its last place: fairPrice · fair ≈ 1", () => {
    fc.assert(
      fc.property(fair, (f) => {
        const fairPrice = fairPriceOf(f);
        if (fairPrice === null) throw new Error("a positive fair has a fair price");
        expect(Math.abs(fairPrice - 1 / f)).toBeLessThanOrEqual(0.5 * 10 ** -FAIR_PRICE_PLACES * (1 + 1e-9) + 1e-12 / f);
        // The relative error is at most half a thousandth of a price over the price itself.
        expect(Math.abs(fairPrice * f - 1)).toBeLessThanOrEqual(0.5 * 10 ** -FAIR_PRICE_PLACES * f + 1e-9);
        expect(fairPrice).toBeGreaterThanOrEqual(1);
        expect(decimals(fairPrice)).toBeLessThanOrEqual(FAIR_PRICE_PLACES);
      }),
    );
  });

  it("is null without a consensus, or with a consensus of 0 (no finite price)", () => {
    expect(fairPriceOf(null)).toBeNull();
    expect(fairPriceOf(0)).toBeNull();
    expect(fairPriceOf(1)).toBe(1);
    expect(fairPriceOf(0.4865)).toBe(2.055);
  });

  it("derives values the wire schema accepts for every price and fair it accepts, however small the fair", () => {
    const anyFair = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(price, anyFair, (p, f) => {
        const outcome = { name: "X", point: null, price: p, fair: f, implied: impliedOf(p), fairPrice: fairPriceOf(f), pool: 0, best: null, edge: null };
        expect(OutcomeOdds.safeParse(outcome).success).toBe(true);
        // A fair so small that 1 / fair overflows has no finite price: null, never Infinity (JSON would make it null anyway).
        if (f !== null && f > 0 && !Number.isFinite(1 / f)) expect(outcome.fairPrice).toBeNull();
      }),
    );
  });
});
