import type { Redis } from "ioredis";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { bookMarkets } from "@/lib/publisher/books";
import { eventOddsSelect } from "@/lib/publisher/pricing";
import { EVENT_BOOKS_TTL_MS, type EventDetail, KEYS, PRICE_HISTORY, type PricePoint, StoredEventBooks, parseJson, parsePriceHistory } from "@/lib/protocol";

/** The parsed price history of an event, by the list's length and last entry (an append or a trim changes the last entry). */
const histories = new Map<string, { tag: string; points: PricePoint[] }>();
/** At most this many events' histories are held; past that the map starts afresh. */
const MAX_HISTORIES = 2_000;

/**
 * Event ids Postgres said do not exist, and when (ms): asked again within UNKNOWN_EVENT_MS, the
 * answer is 404 without a query, so a flood of made-up ids costs Postgres one query per id per
 * window at most. An event's id is made when its row is, and published only after, so no page can
 * ask for an id before it exists: a miss never hides an event for long.
 */
const unknownEvents = new Map<string, number>();
const UNKNOWN_EVENT_MS = 30_000;
/** At most this many are kept; past that the map starts afresh. */
const MAX_UNKNOWN_EVENTS = 10_000;

/**
 * What an event page shows beyond the board's odds; null when there is no such event. Read from
 * Redis: the books the publisher stores for each board event (`books:event:<id>`) and the price
 * history, in one round trip; the parsed history is kept in process until the list changes.
 * Books that are not in Redis (an event the publisher has not moved since Redis was emptied, a quiet
 * event whose books expired, an event off the board) are read from Postgres once and stored with
 * SET NX, so a publisher's newer write always wins. An id Postgres does not know is remembered for
 * a while (`unknownEvents`).
 */
export async function readEventDetail(db: Db, redis: Redis, eventId: string): Promise<EventDetail | null> {
  if (!z.guid().safeParse(eventId).success) return null;
  const historyKey = KEYS.priceHistory(eventId);
  const replies = await redis.multi().get(KEYS.eventBooks(eventId)).llen(historyKey).lindex(historyKey, -1).exec();
  const [[booksError, rawBooks] = [null, null], [lengthError, length] = [null, 0], [lastError, last] = [null, null]] = replies ?? [];
  const failed = booksError ?? lengthError ?? lastError;
  if (failed) throw failed;
  const now = Date.now();
  const history = await historyOf(redis, eventId, `${length}:${last ?? ""}`, now);
  const stored = typeof rawBooks === "string" ? parseJson(StoredEventBooks, rawBooks) : null;
  if (stored?.ok) return { books: stored.message.markets, history };
  const missedAt = unknownEvents.get(eventId);
  if (missedAt !== undefined && now - missedAt < UNKNOWN_EVENT_MS) return null;
  const books = await booksFromPostgres(db, redis, eventId, now);
  if (books) {
    unknownEvents.delete(eventId);
    return { books, history };
  }
  if (unknownEvents.size >= MAX_UNKNOWN_EVENTS) unknownEvents.clear();
  unknownEvents.set(eventId, now);
  return null;
}

/** The event's points within the window before `now`, parsed once per version of the list. */
async function historyOf(redis: Redis, eventId: string, tag: string, now: number): Promise<PricePoint[]> {
  let held = histories.get(eventId);
  if (!held || held.tag !== tag) {
    held = { tag, points: parsePriceHistory(await redis.lrange(KEYS.priceHistory(eventId), 0, -1)) };
    if (histories.size >= MAX_HISTORIES && !histories.has(eventId)) histories.clear();
    histories.set(eventId, held);
  }
  const from = now - PRICE_HISTORY.windowMs;
  return held.points[0] && held.points[0].t >= from ? held.points : held.points.filter((point) => point.t >= from);
}

/** The event's books from Postgres (null: no such event), stored in Redis unless the publisher got there first. */
async function booksFromPostgres(db: Db, redis: Redis, eventId: string, now: number) {
  const event = await db.event.findUnique({ where: { id: eventId }, select: { markets: eventOddsSelect.markets } });
  if (!event) return null;
  const books = bookMarkets(event.markets);
  const stored: StoredEventBooks = { v: 1, ts: now, markets: books };
  await redis.set(KEYS.eventBooks(eventId), JSON.stringify(stored), "PX", EVENT_BOOKS_TTL_MS, "NX");
  return books;
}
