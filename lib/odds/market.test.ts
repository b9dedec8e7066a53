import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MARGIN_METHODS, OddsInputError, consensus, hybridOdds, priceMarket } from "./index";
import { books, market, messyPrice, stakes } from "./test-arbitraries";

const base = { stakes: [0, 0, 0], margin: 0.05, liquidity: 1000 };

describe("priceMarket", () => {
  it("uses complete books for the consensus and every quote for the best price", () => {
    const result = priceMarket({
      ...base,
      books: [
        { book: "a", prices: [1.9, 2.0, 4.0] },
        { book: "b", prices: [2.05, null, 3.8] }, // incomplete: best price only
        { book: "c", prices: [Number.NaN, 0.5, Number.POSITIVE_INFINITY] }, // nothing usable: ignored
        { book: "d", prices: [1.95, 1.95, 4.2] },
      ],
    });
    const fair = consensus([
      { book: "a", prices: [1.9, 2.0, 4.0] },
      { book: "d", prices: [1.95, 1.95, 4.2] },
    ]);
    result.outcomes.forEach((o, i) => {
      expect(o.fair).toBeCloseTo(fair[i]!, 15);
    });
    expect(result.outcomes.map((o) => o.best)).toEqual([
      { book: "b", price: 2.05 },
      { book: "a", price: 2.0 },
      { book: "d", price: 4.2 },
    ]);
    result.outcomes.forEach((o) => {
      expect(o.edge).toBeCloseTo(o.best!.price * o.fair! - 1, 15);
    });
    expect(result.arb).toBe(false); // 1/2.05 + 1/2 + 1/4.2 ≈ 1.226
  });

  it("matches hybridOdds exactly on clean, complete data", () => {
    fc.assert(
      fc.property(
        market((n) => fc.tuple(books(n), stakes(n))),
        fc.constantFrom(...MARGIN_METHODS.filter((m) => m !== "additive")),
        fc.constantFrom("standard" as const, "none" as const),
        ([list, staked], method, ladder) => {
          const input = { books: list, stakes: staked, margin: 0.04, liquidity: 5000, method, ladder };
          const hybrid = hybridOdds(input);
          const priced = priceMarket(input);
          priced.outcomes.forEach((o, i) => {
            expect(o.price).toBe(hybrid[i]!.price);
            expect(o.fair).toBe(hybrid[i]!.fair);
            expect(o.pool).toBe(hybrid[i]!.pool);
            expect(o.blended).toBe(hybrid[i]!.blended);
          });
          const offered = priced.outcomes.reduce((s, o) => s + 1 / o.price, 0) - 1;
          expect(priced.overround).toBeCloseTo(offered, 14);
        },
      ),
    );
  });

  it("gives ties for the best price to the book listed first, like bestPrices", () => {
    const result = priceMarket({
      ...base,
      stakes: [0, 0],
      books: [
        { book: "a", prices: [2.0, 1.9] },
        { book: "b", prices: [2.0, 1.95] },
      ],
    });
    expect(result.outcomes.map((o) => o.best)).toEqual([
      { book: "a", price: 2.0 },
      { book: "b", price: 1.95 },
    ]);
  });

  it("reproduces the JSDoc example", () => {
    const result = priceMarket({
      books: [
        { book: "a", prices: [1.9, 1.9] },
        { book: "b", prices: [1.95, null] },
      ],
      stakes: [0, 0],
      margin: 0.05,
      liquidity: 1000,
    });
    expect(result.outcomes.map((o) => o.fair)).toEqual([0.5, 0.5]);
    expect(result.outcomes.map((o) => o.price)).toEqual([1.9, 1.9]); // 1/(0.5·1.05) = 1.905 → 1.9
    expect(result.outcomes.map((o) => o.best)).toEqual([
      { book: "b", price: 1.95 },
      { book: "a", price: 1.9 },
    ]);
    expect(result.outcomes[0]!.edge).toBeCloseTo(1.95 * 0.5 - 1, 15);
    expect(result.arb).toBe(false);
    expect(result.overround).toBeCloseTo(2 / 1.9 - 1, 15);
  });

  it("flags an arbitrage across books", () => {
    const result = priceMarket({
      ...base,
      stakes: [0, 0],
      books: [
        { book: "a", prices: [2.1, 1.8] },
        { book: "b", prices: [1.9, 2.05] },
      ],
    });
    expect(result.arb).toBe(true);
    expect(result.outcomes.map((o) => o.best?.book)).toEqual(["a", "b"]);
  });

  it("arb needs a best price for every outcome, but not a complete book", () => {
    const split = priceMarket({
      ...base,
      stakes: [0, 0],
      books: [
        { book: "a", prices: [2.1, null] },
        { book: "b", prices: [null, 2.5] },
      ],
    });
    expect(split.arb).toBe(true);
    expect(split.outcomes.map((o) => o.fair)).toEqual([null, null]);
    expect(split.outcomes.map((o) => o.edge)).toEqual([null, null]);
    const oneSided = priceMarket({ ...base, stakes: [0, 0], books: [{ book: "a", prices: [5, null] }] });
    expect(oneSided.arb).toBe(false);
    expect(oneSided.outcomes[1]!.best).toBeNull();
  });

  it("without usable books it prices from the pool alone (uniform without stakes)", () => {
    const result = priceMarket({ ...base, stakes: [10, 30], books: [{ book: "a", prices: [null, null] }] });
    expect(result.outcomes.map((o) => o.blended)).toEqual([0.25, 0.75]);
    expect(result.outcomes.map((o) => o.fair)).toEqual([null, null]);
    expect(result.outcomes.map((o) => o.best)).toEqual([null, null]);
    // 1/(0.25·1.05) = 3.81 → 3.8; 1/(0.75·1.05) = 1.27 → 1.26.
    expect(result.outcomes.map((o) => o.price)).toEqual([3.8, 1.26]);
    expect(result.overround).toBeCloseTo(1 / 3.8 + 1 / 1.26 - 1, 14);
  });

  it("leaves out a book the additive method cannot handle instead of throwing", () => {
    const race = [0.87, 0.2, 0.1, 0.05, 0.02, 0.01].map((r) => 1 / r);
    // A 2% book the additive method handles: the deduction 0.02/6 stays below every 1/price.
    const sane = [0.5, 0.2, 0.12, 0.08, 0.06, 0.04].map((p) => 1 / (p * 1.02));
    const result = priceMarket({
      stakes: [0, 0, 0, 0, 0, 0],
      margin: 0.05,
      liquidity: 100,
      method: "additive",
      books: [
        { book: "bad", prices: race },
        { book: "ok", prices: sane },
      ],
    });
    const expected = consensus([{ book: "ok", prices: sane }], "additive");
    result.outcomes.forEach((o, i) => {
      expect(o.fair).toBeCloseTo(expected[i]!, 15);
    });
    expect(result.outcomes[4]!.best).toEqual({ book: "bad", price: race[4] }); // its 50 is still the best quote
  });

  it("ignores a book whose key is not a string", () => {
    const result = priceMarket({
      ...base,
      stakes: [0, 0],
      books: [
        { book: 7 as never, prices: [3, 3] },
        { book: "a", prices: [1.9, 1.9] },
      ],
    });
    expect(result.outcomes.map((o) => o.best?.book)).toEqual(["a", "a"]);
  });

  it("reuses its scratch space safely across market sizes", () => {
    const big = { ...base, stakes: Array(12).fill(1), books: [{ book: "a", prices: Array(12).fill(13) }] };
    const small = { ...base, books: [{ book: "a", prices: [2.5, 3.4, 2.9] }] };
    const first = priceMarket(small);
    priceMarket(big);
    expect(priceMarket(small)).toEqual(first);
    expect(first.outcomes.map((o) => o.price)).toEqual(hybridOdds(small).map((o) => o.price));
  });

  it("property: never NaN for arbitrary messy book data", () => {
    const messyMarket = market(
      (n) =>
        fc.record({
          books: fc.array(
            fc.record({
              book: fc.string({ minLength: 1, maxLength: 8 }),
              prices: fc.array(messyPrice, { minLength: n, maxLength: n }),
            }),
            { maxLength: 10 },
          ),
          stakes: stakes(n),
          margin: fc.double({ min: 0, max: 0.5, noNaN: true }),
          liquidity: fc.double({ min: 0, max: 1e9, noNaN: true }),
          method: fc.constantFrom(...MARGIN_METHODS),
          ladder: fc.constantFrom("standard" as const, "none" as const),
        }),
      8,
    );
    fc.assert(
      fc.property(messyMarket, (input) => {
        const result = priceMarket(input);
        expect(Number.isFinite(result.overround)).toBe(true);
        expect(typeof result.arb).toBe("boolean");
        for (const o of result.outcomes) {
          expect(Number.isFinite(o.price) && o.price >= 1.01 && o.price <= 1000).toBe(true);
          expect(Number.isFinite(o.blended) && o.blended >= 0 && o.blended <= 1).toBe(true);
          expect(Number.isFinite(o.pool)).toBe(true);
          if (o.fair !== null) expect(Number.isFinite(o.fair)).toBe(true);
          if (o.edge !== null) expect(Number.isFinite(o.edge)).toBe(true);
          if (o.best !== null) expect(o.best.price > 1 && Number.isFinite(o.best.price)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ["negative stake", { stakes: [1, -2, 0] }, /stakes\[1\].*got -2/],
    ["mismatched book length", { books: [{ book: "a", prices: [2, 2] }] }, /books\[0\]\.prices must be an array of 3 prices.*array\(2\)/],
    ["prices not an array", { books: [{ book: "a", prices: "2,2,2" }] }, /books\[0\]\.prices.*"2,2,2"/],
    ["book not an object", { books: [null] }, /books\[0\]\.prices.*got undefined/],
    ["books not an array", { books: {} }, /books must be an array.*got object/],
    ["margin out of range", { margin: Number.NaN }, /margin.*got NaN/],
    ["unknown method", { method: "fuzzy" }, /method.*"fuzzy"/],
  ])("throws OddsInputError for our own bad arguments: %s", (_name, override, message) => {
    const input = { ...base, books: [], ...(override as object) } as never;
    expect(() => priceMarket(input)).toThrow(OddsInputError);
    expect(() => priceMarket(input)).toThrow(message);
  });
});
