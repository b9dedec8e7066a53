import type { Redis } from "ioredis";
import type { Logger } from "../lib/log";
import { type EventOdds, KEYS, type OddsDeltaMessage, type OddsSnapshot, applyChanges, readSportState, sortEvents } from "../lib/protocol";

/**
 * The relay's copy of each subscribed sport's canonical state, kept current by applying every delta
 * in seq order. A delta is applied and broadcast in the same synchronous step, and a socket is sent
 * its snapshot and joined to the room in one synchronous step, so every socket sees
 * "snapshot at seq N, then N+1, N+2, …" with nothing missing or doubled.
 */

interface Entry {
  seq: number;
  ts: number;
  events: Map<string, EventOdds>;
  /** Set while (re)loading from Redis; deltas that arrive meanwhile wait in `pending`. */
  loading: Promise<void> | null;
  pending: OddsDeltaMessage[];
}

export class UnavailableError extends Error {
  override name = "UnavailableError";
}

export type ApplyOutcome =
  /** Applied: broadcast it. */
  | "applied"
  /** Older than what we hold (a duplicate): drop it. */
  | "duplicate"
  /** Nobody subscribes to this sport here: nothing to do. */
  | "untracked"
  /** Held until the load in progress finishes (it will be part of the snapshot sent then). */
  | "pending"
  /** A seq is missing: the sport is being reloaded; subscribers get a fresh snapshot. */
  | "gap";

export class SportCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    /** Called after a gap forced a reload: the room must get the fresh snapshot. */
    private readonly onResync: (sport: string) => void,
  ) {}

  /** Whether the publisher has ever registered this sport. */
  async exists(sport: string): Promise<boolean> {
    if (this.entries.has(sport)) return true;
    return (await this.redis.sismember(KEYS.sports, sport)) === 1;
  }

  /**
   * Resolves once the sport's state is held (loading it on first use); rejects with
   * UnavailableError when Redis cannot provide it within `timeoutMs`.
   */
  async ensure(sport: string, timeoutMs = 5_000): Promise<void> {
    let entry = this.entries.get(sport);
    if (!entry) {
      entry = { seq: 0, ts: Date.now(), events: new Map(), loading: null, pending: [] };
      this.entries.set(sport, entry);
      this.reload(sport, entry);
    }
    const deadline = Date.now() + timeoutMs;
    while (entry.loading) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UnavailableError(`state of ${sport} is not available right now`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.loading, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  }

  seq(sport: string): number | null {
    return this.entries.get(sport)?.seq ?? null;
  }

  snapshot(sport: string, resync = false): OddsSnapshot & { resync?: boolean } {
    const entry = this.entries.get(sport);
    const events = entry ? sortEvents([...entry.events.values()]) : [];
    return { sport, seq: entry?.seq ?? 0, ts: entry?.ts ?? Date.now(), events, ...(resync ? { resync: true } : {}) };
  }

  /** Applies a delta from the bus, if it is the next one. See ApplyOutcome. */
  apply(delta: OddsDeltaMessage): ApplyOutcome {
    const entry = this.entries.get(delta.sport);
    if (!entry) return "untracked";
    if (entry.loading) {
      entry.pending.push(delta);
      return "pending";
    }
    if (delta.seq <= entry.seq) return "duplicate";
    if (delta.prevSeq !== entry.seq) {
      this.log.warn({ sport: delta.sport, held: entry.seq, got: delta.seq }, "seq gap; reloading sport from Redis");
      entry.pending.push(delta);
      this.reload(delta.sport, entry, true);
      return "gap";
    }
    applyChanges(entry.events, delta.changes);
    entry.seq = delta.seq;
    entry.ts = delta.ts;
    return "applied";
  }

  /** Reloads every held sport (after the bus reconnects, deltas may have been missed). */
  reloadAll(): void {
    for (const [sport, entry] of this.entries) if (!entry.loading) this.reload(sport, entry, true);
  }

  sports(): Array<{ sport: string; seq: number; events: number }> {
    return [...this.entries].map(([sport, entry]) => ({ sport, seq: entry.seq, events: entry.events.size }));
  }

  /** Loads until it succeeds: an unreadable sport stays "loading" (subscribers time out), never empty. */
  private reload(sport: string, entry: Entry, resync = false): void {
    if (entry.loading) return;
    entry.loading = (async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.load(sport, entry);
          return;
        } catch (error) {
          if (attempt === 0) this.log.error({ sport, err: error instanceof Error ? error.message : String(error) }, "cannot load sport state; retrying");
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      entry.loading = null;
      if (resync) this.onResync(sport);
    });
  }

  private async load(sport: string, entry: Entry): Promise<void> {
    const state = await readSportState(this.redis, sport);
    if (state.invalid > 0) this.log.error({ sport, invalid: state.invalid }, "invalid events in Redis state were skipped");
    entry.events = state.events;
    entry.seq = state.seq;
    entry.ts = Date.now();
    // Deltas that arrived during the load: keep those after the loaded seq, in order.
    const later = entry.pending.filter((d) => d.seq > state.seq).sort((a, b) => a.seq - b.seq);
    entry.pending = [];
    for (const delta of later) {
      if (delta.prevSeq !== entry.seq) break; // still a hole: the stream will bring the rest
      applyChanges(entry.events, delta.changes);
      entry.seq = delta.seq;
      entry.ts = delta.ts;
    }
  }
}
