import { z } from "zod";
import { Id, PathKey, SportKey } from "./odds";

/**
 * What only an event's own page gets (the `event:<id>` room), so the board's bandwidth does not
 * grow with it: every bookmaker's price per outcome (line shopping) and our price history.
 */

/** One bookmaker's price for one outcome. */
export const BookQuote = z.object({
  /** Bookmaker key, e.g. "pinnacle". */
  book: z.string().min(1).max(64),
  /** Decimal odds. */
  price: z.number().positive(),
  /** When the bookmaker last changed it (the feed's lastUpdate), ms since epoch. */
  updatedAt: z.number(),
});
export type BookQuote = z.infer<typeof BookQuote>;

/** marketKey → outcomeKey → every bookmaker's quote, sorted by book key. */
export const MarketBooks = z.record(PathKey, z.array(BookQuote).max(100));
export const EventBookMarkets = z.record(PathKey, MarketBooks);
export type EventBookMarkets = z.infer<typeof EventBookMarkets>;

/**
 * `event:books`: the bookmaker prices of the markets of one event that moved. Each market listed
 * replaces that market's books whole (so a missed message is healed by the next one, and a page
 * that reconnects reads the books again); markets not listed are unchanged.
 */
export const EventBooks = z.object({
  eventId: Id,
  sport: SportKey,
  /** Publisher clock when read, ms since epoch. */
  ts: z.number(),
  markets: EventBookMarkets,
});
export type EventBooks = z.infer<typeof EventBooks>;

/**
 * One point of an event's price history: per outcome (`"<market>.<outcome>"`), the price we offered
 * and the bookmaker consensus fair probability (null when no bookmaker priced it).
 */
export const PricePoint = z.object({
  /** Publisher clock, ms since epoch. */
  t: z.number(),
  o: z.record(z.string().max(80), z.tuple([z.number().min(1), z.number().min(0).max(1).nullable()])),
});
export type PricePoint = z.infer<typeof PricePoint>;

/**
 * One board event's bookmaker prices as stored in Redis (`books:event:<id>`): every market whole,
 * rewritten by the publisher whenever the event's rows move.
 */
export const StoredEventBooks = z.object({
  v: z.literal(1),
  /** When written, ms since epoch. */
  ts: z.number(),
  markets: EventBookMarkets,
});
export type StoredEventBooks = z.infer<typeof StoredEventBooks>;

/** What an event page shows beyond the board's odds. */
export const EventDetail = z.object({
  /** Every bookmaker's price per market and outcome, as the publisher last stored them. */
  books: EventBookMarkets,
  /** Our offered prices over the last hour ({@link PRICE_HISTORY}), oldest first. */
  history: z.array(PricePoint),
});
export type EventDetail = z.infer<typeof EventDetail>;

/** The body of `GET /api/events/<eventId>` (docs/http.md). */
export const EventDetailAnswer = EventDetail.extend({ eventId: Id });
export type EventDetailAnswer = z.infer<typeof EventDetailAnswer>;

/** How much price history is kept per event, and how densely. */
export const PRICE_HISTORY = {
  /** The window kept and shown, ms. */
  windowMs: 60 * 60 * 1_000,
  /** At most one stored point per event this often, ms (a page adds every move it sees live). */
  sampleMs: 10_000,
  /** Points kept per event: the window at the sample rate, plus slack. */
  maxPoints: 400,
} as const;

/** How long an event's stored books outlive their last write, ms: a quiet event is read from Postgres again after that. */
export const EVENT_BOOKS_TTL_MS = 6 * 60 * 60 * 1_000;

/** The history key of an outcome in a PricePoint. */
export const historyKey = (market: string, outcome: string): string => `${market}.${outcome}`;

/**
 * The point an event's prices make at time `t`: every outcome's offered price and fair probability.
 * The page extends its history with the same function as moves arrive, so stored and live points agree.
 */
export function pricePoint(event: { markets: Record<string, { outcomes: Record<string, { price: number; fair: number | null }> }> }, t: number): PricePoint {
  const o: PricePoint["o"] = {};
  for (const [market, odds] of Object.entries(event.markets)) {
    for (const [outcome, { price, fair }] of Object.entries(odds.outcomes)) o[historyKey(market, outcome)] = [price, fair];
  }
  return { t, o };
}

/** Whether two points hold the same prices (their times aside). */
export function samePrices(a: PricePoint, b: PricePoint): boolean {
  const keys = Object.keys(a.o);
  if (keys.length !== Object.keys(b.o).length) return false;
  return keys.every((key) => {
    const [x, y] = [a.o[key], b.o[key]];
    return x !== undefined && y !== undefined && x[0] === y[0] && x[1] === y[1];
  });
}
