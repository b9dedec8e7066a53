import { z } from "zod";
import type { Db } from "@/lib/db";
import { bookMarkets } from "@/lib/publisher/books";
import { eventOddsSelect } from "@/lib/publisher/pricing";
import { type EventDetail, readPriceHistory } from "@/lib/protocol";
import type { Redis } from "ioredis";

/** What an event page shows beyond the board's odds; null when there is no such event. */
export async function readEventDetail(db: Db, redis: Redis, eventId: string): Promise<EventDetail | null> {
  if (!z.guid().safeParse(eventId).success) return null;
  const [event, history] = await Promise.all([
    db.event.findUnique({ where: { id: eventId }, select: { markets: eventOddsSelect.markets } }),
    readPriceHistory(redis, eventId, Date.now()),
  ]);
  return event ? { books: bookMarkets(event.markets), history } : null;
}
