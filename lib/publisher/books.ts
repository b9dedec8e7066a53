import type { BookQuote, EventBookMarkets } from "../protocol";

/** The rows one event's bookmaker prices come from (the publisher's row cache, or a page's read). */
export type BookRows = ReadonlyArray<{
  key: string;
  outcomes: ReadonlyArray<{ key: string; prices: ReadonlyArray<{ bookmaker: string; price: number; lastUpdate: Date }> }>;
}>;

/**
 * Every bookmaker's quote per outcome, for the markets in `only` (all when absent), books in key
 * order. A quote without a bookmaker key or with a price that is not a decimal price is left out,
 * as pricing leaves it out.
 * @example bookMarkets([{ key: "h2h", outcomes: [{ key: "home", prices: [{ bookmaker: "b", price: 2.1, lastUpdate }] }] }])
 *   // { h2h: { home: [{ book: "b", price: 2.1, updatedAt: lastUpdate.getTime() }] } }
 */
export function bookMarkets(markets: BookRows, only?: ReadonlySet<string>): EventBookMarkets {
  const result: EventBookMarkets = {};
  for (const market of markets) {
    if (only && !only.has(market.key)) continue;
    const outcomes: Record<string, BookQuote[]> = {};
    for (const outcome of market.outcomes) {
      outcomes[outcome.key] = outcome.prices
        .filter((p) => p.bookmaker.trim() !== "" && Number.isFinite(p.price) && p.price > 1)
        .map((p) => ({ book: p.bookmaker, price: p.price, updatedAt: p.lastUpdate.getTime() }))
        .sort((a, b) => a.book.localeCompare(b.book));
    }
    result[market.key] = outcomes;
  }
  return result;
}
