import type { Prisma } from "../generated/prisma/client";
import { type SportVouch, boardSport } from "../protocol";
import { type Book, DEMO_BOOKS, type Rng, bookPrices } from "./market-model";

/**
 * The simulator's view of one market (pure): its outcomes, the running "true" probabilities it
 * walks, and each bookmaker's BookPrice rows, so a repricing is one UPDATE by id.
 */

/** What the simulator reads of a market. */
export const simMarketSelect = {
  id: true,
  eventId: true,
  status: true,
  event: { select: { phase: true, status: true, sport: true, isEsports: true } },
  outcomes: { orderBy: { key: "asc" }, select: { id: true, prices: { select: { id: true, bookmaker: true, price: true } } } },
} satisfies Prisma.MarketSelect;

export type SimMarketRow = Prisma.MarketGetPayload<{ select: typeof simMarketSelect }>;

export interface SimMarket {
  marketId: string;
  eventId: string;
  /** The board's sport key of its event (null: not on the board). */
  sport: string | null;
  live: boolean;
  /** OPEN, of an ACTIVE event: the simulated pool may bet on it. */
  tradable: boolean;
  /** Outcome ids in a fixed order, and our running "true" probabilities for them. */
  outcomeIds: string[];
  probabilities: number[];
  /** bookmaker → BookPrice ids aligned with outcomeIds (null where the book has no price). */
  books: Map<string, (string | null)[]>;
}

/** New prices for BookPrice rows, by id. */
export interface PriceWrite {
  ids: string[];
  values: number[];
}

/**
 * The simulator's market for a row; null when it has fewer than two outcomes (not a market yet).
 * @param previous the probabilities walked so far, if the simulator knew the market already
 */
export function toSimMarket(row: SimMarketRow, previous?: number[]): SimMarket | null {
  if (row.outcomes.length < 2) return null;
  const outcomeIds = row.outcomes.map((o) => o.id);
  const books = new Map<string, (string | null)[]>();
  for (const [i, outcome] of row.outcomes.entries()) {
    for (const price of outcome.prices) {
      const ids = books.get(price.bookmaker) ?? outcomeIds.map(() => null);
      ids[i] = price.id;
      books.set(price.bookmaker, ids);
    }
  }
  return {
    marketId: row.id,
    eventId: row.eventId,
    sport: boardSport(row.event),
    live: row.event.phase === "LIVE",
    tradable: row.status === "OPEN" && row.event.status === "ACTIVE",
    outcomeIds,
    probabilities: previous ?? impliedFromBooks(row.outcomes),
    books,
  };
}

/** One book's prices for the market's current probabilities. */
export function bookQuote(market: SimMarket, bookKey: string, rng: Rng): PriceWrite {
  const priceIds = market.books.get(bookKey) ?? [];
  const book: Book = DEMO_BOOKS.find((b) => b.key === bookKey) ?? { key: bookKey, margin: 0.05 };
  const prices = bookPrices(market.probabilities, book, rng);
  const write: PriceWrite = { ids: [], values: [] };
  priceIds.forEach((id, i) => {
    if (id === null) return;
    write.ids.push(id);
    write.values.push(prices[i] ?? 1.01);
  });
  return write;
}

/** Every book's prices for the market's current probabilities: a complete re-quote. */
export function fullQuote(market: SimMarket, rng: Rng): PriceWrite {
  const write: PriceWrite = { ids: [], values: [] };
  for (const bookKey of [...market.books.keys()].sort()) {
    const quote = bookQuote(market, bookKey, rng);
    write.ids.push(...quote.ids);
    write.values.push(...quote.values);
  }
  return write;
}

/**
 * What the simulator vouches for in its beat: every sport of the markets it moves, until
 * `freshUntil` (ms since epoch), the same for all: it moves prices continuously, so it vouches
 * for a few seconds past its last completed step (simulator.ts).
 */
export function simulatorVouches(markets: readonly Pick<SimMarket, "sport">[], freshUntil: number): Record<string, SportVouch> {
  const sports = new Set(markets.flatMap((market) => (market.sport === null ? [] : [market.sport])));
  return Object.fromEntries([...sports].map((sport) => [sport, { freshUntil }]));
}

/** Margin-free probabilities from the books' current prices (the mean implied, renormalised). */
export function impliedFromBooks(outcomes: { prices: { price: number }[] }[]): number[] {
  const implied = outcomes.map((o) => {
    const prices = o.prices.map((p) => p.price).filter((p) => p > 1);
    return prices.length ? prices.reduce((sum, p) => sum + 1 / p, 0) / prices.length : 1 / outcomes.length;
  });
  const total = implied.reduce((a, b) => a + b, 0);
  return implied.map((p) => p / total);
}
