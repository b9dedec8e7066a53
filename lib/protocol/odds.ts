import { z } from "zod";
import { ID_PATTERN, SPORT_KEY_PATTERN } from "./names";

/**
 * The shape of live odds on the wire: one EventOdds per event, markets keyed by market key
 * (h2h, spreads, totals), outcomes keyed by outcome key (home, draw, away, over, under).
 * All prices are decimal odds; probabilities are in [0, 1].
 */

export const SportKey = z.string().regex(SPORT_KEY_PATTERN, "invalid sport key");
export const Id = z.string().regex(ID_PATTERN, "invalid id");
/** Keys used as path segments (market and outcome keys). */
export const PathKey = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "invalid key");

export const BestPrice = z.object({
  /** Bookmaker key, e.g. "pinnacle". */
  book: z.string().min(1).max(64),
  /** Decimal odds. */
  price: z.number().positive(),
});

export const OutcomeOdds = z.object({
  name: z.string().max(200),
  /** Handicap or total line for this outcome, e.g. -1.5 or 2.5. */
  point: z.number().nullable(),
  /** The price we offer (decimal odds, on the price ladder). */
  price: z.number().min(1),
  /** Bookmaker consensus fair probability; null when no bookmaker prices the market. */
  fair: z.number().min(0).max(1).nullable(),
  /** The probability our price implies, margin included: `impliedOf(price)`. */
  implied: z.number().min(0).max(1),
  /** The consensus as a decimal price, margin removed: `fairPriceOf(fair)`; null when fair is null or 0. */
  fairPrice: z.number().min(1).nullable(),
  /** Share of our own pool staked on this outcome. */
  pool: z.number().min(0).max(1),
  /** Best bookmaker price for this outcome, if any bookmaker quotes it. */
  best: BestPrice.nullable(),
  /** best.price · fair − 1: positive means the bookmaker price is value. */
  edge: z.number().nullable(),
});

/** Decimal places of `implied` on the wire, as for every other probability. */
export const IMPLIED_PLACES = 4;
/** Decimal places of `fairPrice` on the wire: a thousandth of a price, finer than any display. */
export const FAIR_PRICE_PLACES = 3;

/**
 * An outcome's `implied`: 1 / price rounded to {@link IMPLIED_PLACES}. A function of the price
 * alone, so an unchanged price gives an unchanged value and no delta.
 *
 * @param price decimal odds ≥ 1
 * @example impliedOf(1.95) // 0.5128
 */
export function impliedOf(price: number): number {
  return roundTo(1 / price, IMPLIED_PLACES);
}

/**
 * An outcome's `fairPrice`: 1 / fair rounded to {@link FAIR_PRICE_PLACES}, from the wire `fair`
 * (already rounded to 4 places), so it moves exactly when `fair` does. Null when there is no
 * consensus, or a consensus of 0 or so small that 1 / fair is not finite.
 *
 * @param fair fair probability in [0, 1], or null
 * @example fairPriceOf(0.4865) // 2.055
 */
export function fairPriceOf(fair: number | null): number | null {
  if (fair === null || fair <= 0) return null;
  const price = 1 / fair;
  return Number.isFinite(price) ? roundTo(price, FAIR_PRICE_PLACES) : null;
}

/**
 * Rounds half up to `places` decimals; never -0 (JSON has none, so it would not survive a round
 * trip). A value too large to scale has no fractional digits to round and comes back as it is.
 */
export function roundTo(value: number, places: number): number {
  const factor = 10 ** places;
  const scaled = value * factor;
  if (!Number.isFinite(scaled)) return value;
  return Math.round(scaled) / factor || 0;
}

export const MarketStatus = z.enum(["open", "suspended"]);

export const MarketOdds = z.object({
  key: PathKey,
  line: z.number().nullable(),
  status: MarketStatus,
  /** True when backing every outcome at its best bookmaker price guarantees a profit. */
  arb: z.boolean(),
  outcomes: z.record(PathKey, OutcomeOdds),
});

export const Score = z.object({ home: z.number().int().min(0), away: z.number().int().min(0) });

export const EventStatus = z.enum(["active", "suspended"]);
export const EventPhase = z.enum(["prematch", "live"]);

export const EventOdds = z.object({
  id: Id,
  sport: SportKey,
  league: z.string().max(200),
  home: z.string().max(200),
  away: z.string().max(200),
  title: z.string().max(400),
  /** ISO 8601 start time. */
  startsAt: z.string().datetime({ offset: true }),
  status: EventStatus,
  phase: EventPhase,
  score: Score.nullable(),
  markets: z.record(PathKey, MarketOdds),
});

export type BestPrice = z.infer<typeof BestPrice>;
export type OutcomeOdds = z.infer<typeof OutcomeOdds>;
export type MarketOdds = z.infer<typeof MarketOdds>;
export type Score = z.infer<typeof Score>;
export type EventOdds = z.infer<typeof EventOdds>;
