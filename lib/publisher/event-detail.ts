import type { Redis } from "ioredis";
import type { Logger } from "../log";
import { CHANNELS, EVENT_BOOKS_TTL_MS, type EventBooksMessage, type EventOdds, KEYS, type StoredEventBooks } from "../protocol";
import { bookMarkets } from "./books";
import { PriceHistoryWriter } from "./price-history";
import type { RowCache } from "./row-cache";

/** Which events a tick priced, and of each which markets' rows moved (null: all of them, the event was read whole). */
export interface TickedEvents {
  next: Map<string, EventOdds | null>;
  moved: Map<string, ReadonlySet<string> | null>;
}

/**
 * What event pages get beyond the board, after each tick: every bookmaker's price of the markets
 * whose rows moved (`event:books` on `event-updates`, which the relay sends to the event's room
 * only), the event's whole books stored for `GET /api/events/<id>` (`books:event:<id>`, removed
 * when the event leaves the board), and the price history. Best effort: the odds are committed already, a page reads the
 * books again when it reconnects, and a failure here never fails the tick.
 */
export class EventDetailPublisher {
  private readonly history: PriceHistoryWriter;
  private lastFailureLog = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {
    this.history = new PriceHistoryWriter(redis);
  }

  async published({ next, moved }: TickedEvents, rows: RowCache, now: number): Promise<void> {
    for (const [id, event] of next) this.history.offer(id, event);
    const pipeline = this.redis.pipeline();
    for (const [id, markets] of moved) {
      const event = next.get(id);
      const row = rows.get(id);
      if (!event || !row) {
        pipeline.del(KEYS.eventBooks(id));
        continue;
      }
      const stored: StoredEventBooks = { v: 1, ts: now, markets: bookMarkets(row.markets) };
      pipeline.set(KEYS.eventBooks(id), JSON.stringify(stored), "PX", EVENT_BOOKS_TTL_MS);
      const message: EventBooksMessage = {
        v: 1,
        type: "event:books",
        eventId: id,
        sport: event.sport,
        ts: now,
        markets: bookMarkets(row.markets, markets ?? undefined),
      };
      pipeline.publish(CHANNELS.eventUpdates, JSON.stringify(message));
    }
    try {
      await Promise.all([pipeline.length > 0 ? pipeline.exec() : null, this.history.flush(now)]);
    } catch (error) {
      if (now - this.lastFailureLog < 10_000) return;
      this.lastFailureLog = now;
      this.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "could not publish book prices or price history; event pages catch up on the next move",
      );
    }
  }
}
