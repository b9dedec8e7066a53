import { describe, expect, it } from "vitest";
import { bookMarkets } from "./books";

const at = new Date(1_000);
const quote = (bookmaker: string, price: number) => ({ bookmaker, price, lastUpdate: at });
const markets = [
  {
    key: "h2h",
    outcomes: [
      { key: "home", prices: [quote("zebra", 2.1), quote("alpha", 2.05)] },
      { key: "away", prices: [quote("alpha", 1.8)] },
    ],
  },
  { key: "totals", outcomes: [{ key: "over", prices: [quote("alpha", 1.9)] }] },
];

describe("bookMarkets", () => {
  it("lists every book per outcome, in book order, with its update time in ms", () => {
    expect(bookMarkets(markets).h2h).toEqual({
      home: [
        { book: "alpha", price: 2.05, updatedAt: 1_000 },
        { book: "zebra", price: 2.1, updatedAt: 1_000 },
      ],
      away: [{ book: "alpha", price: 1.8, updatedAt: 1_000 }],
    });
  });

  it("keeps only the markets asked for", () => {
    expect(Object.keys(bookMarkets(markets, new Set(["totals"])))).toEqual(["totals"]);
  });

  it("leaves out quotes pricing would not use: no book key, no decimal price", () => {
    const odd = [{ key: "h2h", outcomes: [{ key: "home", prices: [quote(" ", 2), quote("a", 1), quote("b", Number.NaN), quote("c", 3)] }] }];
    expect(bookMarkets(odd).h2h?.home?.map((q) => q.book)).toEqual(["c"]);
  });
});
