import type { Prisma } from "../generated/prisma/client";
import type { EventRow } from "./pricing";

type OutcomeRow = EventRow["markets"][number]["outcomes"][number];
type PriceRow = OutcomeRow["prices"][number];

/** The event and market a patched row belongs to (only that market needs pricing again). */
export interface RowPlace {
  eventId: string;
  market: string;
}

/**
 * The leader's copy of the rows behind every event on the board, indexed by price and outcome
 * row id, so that the two hot changes (a bookmaker price, a pool total) are applied by patching
 * one field instead of rereading the event. Filled by the reconcile; kept current by ticks, which
 * put whole events they reread and patch the rows change capture names.
 */
export class RowCache {
  private readonly events = new Map<string, EventRow>();
  private readonly prices = new Map<string, { at: RowPlace; row: PriceRow }>();
  private readonly outcomes = new Map<string, { at: RowPlace; row: OutcomeRow }>();

  has(eventId: string): boolean {
    return this.events.has(eventId);
  }

  get(eventId: string): EventRow | undefined {
    return this.events.get(eventId);
  }

  get size(): number {
    return this.events.size;
  }

  /** Holds (or replaces) an event's rows. */
  put(row: EventRow): void {
    this.remove(row.id);
    this.events.set(row.id, row);
    for (const market of row.markets) {
      const at: RowPlace = { eventId: row.id, market: market.key };
      for (const outcome of market.outcomes) {
        this.outcomes.set(outcome.id, { at, row: outcome });
        for (const price of outcome.prices) this.prices.set(price.id, { at, row: price });
      }
    }
  }

  remove(eventId: string): void {
    const row = this.events.get(eventId);
    if (!row) return;
    this.events.delete(eventId);
    for (const market of row.markets) {
      for (const outcome of market.outcomes) {
        this.outcomes.delete(outcome.id);
        for (const price of outcome.prices) this.prices.delete(price.id);
      }
    }
  }

  clear(): void {
    this.events.clear();
    this.prices.clear();
    this.outcomes.clear();
  }

  /** Sets a held price row's price and update time; returns where it sits, or null when the row is not held. */
  patchPrice(id: string, price: number, lastUpdate: Date): RowPlace | null {
    const held = this.prices.get(id);
    if (!held) return null;
    held.row.price = price;
    held.row.lastUpdate = lastUpdate;
    return held.at;
  }

  /** Sets a held outcome row's pool total; returns where it sits, or null when the row is not held. */
  patchStake(id: string, stakeTotal: Prisma.Decimal): RowPlace | null {
    const held = this.outcomes.get(id);
    if (!held) return null;
    held.row.stakeTotal = stakeTotal;
    return held.at;
  }
}
