import type { Redis } from "ioredis";
import { type EventOdds, KEYS, PRICE_HISTORY, type PricePoint, pricePoint, samePrices } from "../protocol";

/**
 * Keeps each event's price history in Redis for event pages: a list of PricePoint per event,
 * at most one point per `sampleMs`, trimmed to `maxPoints` and expiring `windowMs` after the last
 * write, so it stays bounded whatever the feed does. Between samples only the latest state of an
 * event waits to be written (a page adds every move it sees live itself). Held by the leader;
 * a new leader starts afresh and appends to the same lists.
 */
export class PriceHistoryWriter {
  /** eventId → the last point written. */
  private readonly written = new Map<string, PricePoint>();
  /** eventId → its latest state, waiting for the next sample. */
  private readonly waiting = new Map<string, EventOdds>();

  constructor(
    private readonly redis: Redis,
    private readonly limits: { sampleMs: number; windowMs: number; maxPoints: number } = PRICE_HISTORY,
  ) {}

  /** The event now stands as given (null: it left the board). */
  offer(eventId: string, event: EventOdds | null): void {
    if (event) return void this.waiting.set(eventId, event);
    this.waiting.delete(eventId);
    this.written.delete(eventId);
  }

  /** Writes a point for every waiting event whose last point is `sampleMs` old and whose prices moved. Returns how many. */
  async flush(now: number): Promise<number> {
    const pipeline = this.redis.pipeline();
    let points = 0;
    for (const [id, event] of this.waiting) {
      const last = this.written.get(id);
      if (last && now - last.t < this.limits.sampleMs) continue;
      this.waiting.delete(id);
      const point = pricePoint(event, now);
      if (last && samePrices(last, point)) continue;
      this.written.set(id, point);
      const key = KEYS.priceHistory(id);
      pipeline.rpush(key, JSON.stringify(point)).ltrim(key, -this.limits.maxPoints, -1).pexpire(key, this.limits.windowMs);
      points += 1;
    }
    if (points > 0) await pipeline.exec();
    return points;
  }
}
