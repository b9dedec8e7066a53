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
  /** Share of our own pool staked on this outcome. */
  pool: z.number().min(0).max(1),
  /** Best bookmaker price for this outcome, if any bookmaker quotes it. */
  best: BestPrice.nullable(),
  /** best.price · fair − 1: positive means the bookmaker price is value. */
  edge: z.number().nullable(),
});

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
