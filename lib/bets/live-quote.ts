import { type EventOdds, KEYS, type MarketOdds, parseStoredEvent } from "../protocol";
import { isInPlay } from "./in-play-delay";

/** The one ioredis method this needs. */
export interface RedisHget {
  hget(key: string, field: string): Promise<string | null>;
}

/**
 * Why the board takes no bets on a market: its event is suspended, the market is, or the market is
 * suspended because no bookmaker prices it (every outcome's `fair` is null: no consensus, and the
 * pool alone never prices a market).
 */
export type ClosedBy = "event" | "market" | "no_prices";

/** An outcome as the board shows it right now. */
export interface LiveQuote {
  price: number;
  /** Suspended when either the event or the market is. */
  open: boolean;
  /** Why it is not open; null when it is. */
  closedBy: ClosedBy | null;
  /** The event is in play (in-play-delay.ts `isInPlay`): its bets wait the in-play delay. */
  inPlay: boolean;
  title: string;
  selection: string;
  point: number | null;
}

/**
 * The price of one outcome in the canonical state, the same one every relay serves: a bet is
 * taken at this price, never at one computed anywhere else. Null when the event, market or
 * outcome is not on the board.
 *
 * @param now ms since epoch, for whether the event has started
 */
export async function liveQuote(
  redis: RedisHget,
  sport: string,
  eventId: string,
  market: string,
  outcome: string,
  now = Date.now(),
): Promise<LiveQuote | null> {
  const raw = await redis.hget(KEYS.sportState(sport), eventId);
  if (raw === null) return null;
  const event = parseStoredEvent(raw);
  if (!event) return null;
  const odds = event.markets[market];
  const pick = odds?.outcomes[outcome];
  if (!odds || !pick) return null;
  const closedBy = closedByOf(event, odds);
  return { price: pick.price, open: closedBy === null, closedBy, inPlay: isInPlay(event, now), title: event.title, selection: pick.name, point: pick.point };
}

function closedByOf(event: EventOdds, market: MarketOdds): ClosedBy | null {
  if (event.status !== "active") return "event";
  if (market.status === "open") return null;
  return Object.values(market.outcomes).every((outcome) => outcome.fair === null) ? "no_prices" : "market";
}
