import { describe, expect, it } from "vitest";
import {
  OddsInputError,
  arbitrage,
  bestPrices,
  consensus,
  decimalToAmerican,
  decimalToFractional,
  formatOdds,
  hybridOdds,
  impliedProbability,
  overround,
  parimutuelPrices,
  priceMarket,
  removeMargin,
  removeMarginDetailed,
  roundDownToLadder,
} from "./index";

/** [what, call, the value the message must name]. */
const BAD_PRICES: Array<[string, number]> = [
  ["a price of 1", 1],
  ["a price below 1", 0.95],
  ["zero", 0],
  ["a negative price", -2],
  ["NaN", Number.NaN],
  ["+Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
];

const SINGLE_PRICE_FUNCTIONS: Array<[string, (d: number) => unknown]> = [
  ["impliedProbability", impliedProbability],
  ["decimalToAmerican", decimalToAmerican],
  ["decimalToFractional", decimalToFractional],
  ["formatOdds", (d) => formatOdds(d, "decimal")],
  ["roundDownToLadder", roundDownToLadder],
];

const MARKET_FUNCTIONS: Array<[string, (prices: number[]) => unknown]> = [
  ["overround", overround],
  ["removeMargin", (p) => removeMargin(p, "shin")],
  ["removeMarginDetailed", (p) => removeMarginDetailed(p, "odds-ratio")],
  ["consensus", (p) => consensus([{ book: "x", prices: p }])],
  ["bestPrices", (p) => bestPrices([{ book: "x", prices: p }])],
  ["arbitrage", (p) => arbitrage([{ book: "x", prices: p }])],
  ["hybridOdds", (p) => hybridOdds({ books: [{ book: "x", prices: p }], stakes: p.map(() => 0), margin: 0.05, liquidity: 1 })],
];

function thrown(fn: () => unknown): OddsInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OddsInputError);
    return error as OddsInputError;
  }
  throw new Error("expected OddsInputError, nothing was thrown");
}

describe("OddsInputError", () => {
  it("is an Error with its own name and the rejected value", () => {
    const error = thrown(() => impliedProbability(0.5));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("OddsInputError");
    expect(error.value).toBe(0.5);
    expect(error.message).toBe("decimal must be a finite decimal price > 1, got 0.5");
  });

  describe.each(SINGLE_PRICE_FUNCTIONS)("%s", (_name, fn) => {
    it.each(BAD_PRICES)("rejects %s, naming it", (_what, price) => {
      const error = thrown(() => fn(price));
      expect(error.message).toContain(`got ${String(price)}`);
      expect(Object.is(error.value, price)).toBe(true);
    });
  });

  describe.each(MARKET_FUNCTIONS)("%s", (_name, fn) => {
    it.each(BAD_PRICES)("rejects %s inside a market, naming it and its position", (_what, price) => {
      const error = thrown(() => fn([2.5, price, 3]));
      expect(error.message).toMatch(/\[1\]/);
      expect(error.message).toContain(`got ${String(price)}`);
    });

    it("rejects an empty market", () => {
      expect(thrown(() => fn([])).message).toMatch(/empty market/);
    });

    it("rejects a one-outcome market", () => {
      expect(thrown(() => fn([2])).message).toMatch(/one-outcome market/);
    });
  });

  it("mismatched lengths name both counts", () => {
    expect(
      thrown(() =>
        consensus([
          { book: "a", prices: [2, 2] },
          { book: "b", prices: [3, 3, 3] },
        ]),
      ).message,
    ).toMatch(/books\[1\]\.prices has 3 prices but the market has 2 outcomes/);
    expect(thrown(() => hybridOdds({ books: [{ book: "a", prices: [2, 2] }], stakes: [0, 0, 0], margin: 0, liquidity: 0 })).message).toMatch(
      /has 2 prices but the market has 3 outcomes/,
    );
    expect(thrown(() => priceMarket({ books: [{ book: "a", prices: [2, null] }], stakes: [0, 0, 0], margin: 0, liquidity: 0 })).message).toMatch(
      /must be an array of 3 prices/,
    );
  });

  it("negative stakes and a takeout outside [0, 1) name the value", () => {
    expect(thrown(() => hybridOdds({ books: [], stakes: [5, -0.5], margin: 0, liquidity: 0 })).message).toMatch(/stakes\[1\].*got -0\.5/);
    expect(thrown(() => priceMarket({ books: [], stakes: [5, -0.5], margin: 0, liquidity: 0 })).message).toMatch(/stakes\[1\].*got -0\.5/);
    expect(thrown(() => parimutuelPrices([1, 2], 1.5)).message).toMatch(/takeout.*got 1\.5/);
    expect(thrown(() => parimutuelPrices([1, 2], -0.01)).message).toMatch(/takeout.*got -0\.01/);
    expect(thrown(() => parimutuelPrices([1, -2], 0.1)).message).toMatch(/pools\[1\].*got -2/);
  });
});
