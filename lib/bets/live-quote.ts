import { KEYS, parseStoredEvent } from "../protocol";

/** The one ioredis method this needs. */
export interface RedisHget {
  hget(key: string, field: string): Promise<string | null>;
}

/** An outcome as the board shows it right now. */
export interface LiveQuote {
  price: number;
  /** Suspended when either the event or the market is. */
  open: boolean;
  title: string;
  selection: string;
  point: number | null;
}

/**
 * The price of one outcome in the canonical state, the same one every relay serves: a bet is
 * taken at this price, never at one computed anywhere else. Null when the event, market or
 * outcome is not on the board.
 */
export async function liveQuote(redis: RedisHget, sport: string, eventId: string, market: string, outcome: string): Promise<LiveQuote | null> {
  const raw = await redis.hget(KEYS.sportState(sport), eventId);
  if (raw === null) return null;
  const parsed = parseStoredEvent(raw);
  if (!parsed) return null;
  const { event } = parsed;
  const odds = event.markets[market];
  const pick = odds?.outcomes[outcome];
  if (!odds || !pick) return null;
  return { price: pick.price, open: event.status === "active" && odds.status === "open", title: event.title, selection: pick.name, point: pick.point };
}
