import type { Redis } from "ioredis";
import type { Logger } from "../lib/log";
import {
  type EventOdds,
  type HistoryMessage,
  KEYS,
  type OddsDeltaMessage,
  type OddsSnapshot,
  applyChanges,
  isReplayable,
  readHistory,
  readSportState,
  sortEvents,
} from "../lib/protocol";

/**
 * The relay's copy of each subscribed sport's canonical state, kept current by applying every delta
 * in seq order, plus a ring of the most recent deltas for `resume`.
 *
 * Ordering guarantee: a delta is applied and broadcast in the same synchronous step, and a socket
 * is sent its snapshot (or replay) and joined to the room in one synchronous step, so every socket
 * sees "state at seq N, then N+1, N+2, …" with nothing missing or doubled. When a seq is missing
 * (a lost pub/sub message, a Redis reconnect) the sport catches up from the Redis history stream
 * and broadcasts what the room missed, before anything newer; only when the history no longer
 * reaches back does it reload the state and send the room a snapshot flagged `resync`.
 */

interface Entry {
  seq: number;
  ts: number;
  events: Map<string, EventOdds>;
  /** `events` in board order, built by the first snapshot after a change and shared by the next ones. */
  ordered: EventOdds[] | null;
  /** The last deltas, contiguous and ending at `seq` (empty after a reload until new ones arrive). */
  recent: OddsDeltaMessage[];
  /** Set while loading or catching up; messages that arrive meanwhile wait in `pending`. */
  busy: Promise<void> | null;
  pending: HistoryMessage[];
}

export interface CacheHooks {
  /**
   * A delta the room missed, replayed from history: called right after each one is applied, so
   * the held seq is always the seq of the delta being sent (slow-consumer bookkeeping relies on it).
   */
  replay(sport: string, delta: OddsDeltaMessage): void;
  /** The state was reloaded: the room needs a fresh snapshot (flagged resync). */
  reloaded(sport: string): void;
}

export interface RingLimits {
  /** Deltas kept per sport in memory. */
  deltas: number;
  /** Deltas older than this are dropped from memory, ms. */
  maxAgeMs: number;
}

export class UnavailableError extends Error {
  override name = "UnavailableError";
}

export type ApplyOutcome =
  /** Applied: broadcast it. */
  | "applied"
  /** Not newer than what we hold: drop it. */
  | "duplicate"
  /** Nobody subscribes to this sport here: nothing to do. */
  | "untracked"
  /** Held until the load or catch-up in progress finishes, which will deliver it. */
  | "pending";

/** How to bring one subscriber up to date (see `resumePlan`). */
export type ResumePlan = { mode: "current" } | { mode: "replay"; deltas: OddsDeltaMessage[] } | { mode: "snapshot" };

export class SportCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly hooks: CacheHooks,
    private readonly ring: RingLimits,
  ) {}

  /** Whether the publisher has ever registered this sport. */
  async exists(sport: string): Promise<boolean> {
    if (this.entries.has(sport)) return true;
    return (await this.redis.sismember(KEYS.sports, sport)) === 1;
  }

  /**
   * Resolves once the sport's state is held and no catch-up is running (loading it on first use);
   * rejects with UnavailableError when Redis cannot provide it within `timeoutMs`.
   */
  async ensure(sport: string, timeoutMs = 5_000): Promise<void> {
    let entry = this.entries.get(sport);
    if (!entry) {
      entry = { seq: 0, ts: Date.now(), events: new Map(), ordered: null, recent: [], busy: null, pending: [] };
      this.entries.set(sport, entry);
      this.run(sport, entry, () => this.load(sport, entry as Entry, false));
    }
    const deadline = Date.now() + timeoutMs;
    while (entry.busy) {
      const left = deadline - Date.now();
      if (left <= 0) throw new UnavailableError(`state of ${sport} is not available right now`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.busy, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  }

  isBusy(sport: string): boolean {
    return this.entries.get(sport)?.busy != null;
  }

  seq(sport: string): number | null {
    return this.entries.get(sport)?.seq ?? null;
  }

  /** The held state as a snapshot. Sorted once per change, not once per subscriber. */
  snapshot(sport: string, resync = false): OddsSnapshot {
    const entry = this.entries.get(sport);
    const events = entry ? (entry.ordered ??= sortEvents([...entry.events.values()])) : [];
    return { sport, seq: entry?.seq ?? 0, ts: entry?.ts ?? Date.now(), events, ...(resync ? { resync: true } : {}) };
  }

  /** Applies a seq-bearing message from the bus if it is the next one. See ApplyOutcome. */
  apply(message: HistoryMessage): ApplyOutcome {
    const entry = this.entries.get(message.sport);
    if (!entry) return "untracked";
    if (entry.busy) {
      entry.pending.push(message);
      return "pending";
    }
    if (message.seq <= entry.seq) return "duplicate";
    if (message.prevSeq !== entry.seq || message.type === "odds:resync") {
      if (message.type === "odds:delta") this.log.warn({ sport: message.sport, held: entry.seq, got: message.seq }, "seq gap; catching up from history");
      entry.pending.push(message);
      this.run(message.sport, entry, () => this.catchUp(message.sport, entry));
      return "pending";
    }
    this.applyDelta(entry, message);
    return "applied";
  }

  /** Catches every held sport up from history (after the bus reconnects, messages may be lost). */
  catchUpAll(): void {
    for (const [sport, entry] of this.entries) if (!entry.busy) this.run(sport, entry, () => this.catchUp(sport, entry));
  }

  /**
   * The history a `resume` from `since` needs that the in-memory ring does not have, from Redis
   * (empty when the ring suffices or nothing can help). Call before `resumePlan`.
   */
  async historyBefore(sport: string, since: number): Promise<OddsDeltaMessage[]> {
    const entry = this.entries.get(sport);
    if (!entry || since >= entry.seq) return [];
    const ringStart = entry.recent[0]?.seq ?? entry.seq + 1;
    if (since + 1 >= ringStart) return [];
    try {
      const read = await readHistory(this.redis, sport, since, ringStart - since - 1);
      return read.entries.filter((m): m is OddsDeltaMessage => m.type === "odds:delta" && m.seq < ringStart);
    } catch {
      return []; // Redis unreachable: the plan falls back to a snapshot
    }
  }

  /**
   * Whether history read for a resume from `since` (`older`, from historyBefore) no longer joins
   * the ring: deltas that arrived while it was being read pushed the ring's start past it (a small
   * ring under a fast feed). Read it again rather than fall back to a snapshot.
   */
  historyFallsShort(sport: string, since: number, older: OddsDeltaMessage[]): boolean {
    const entry = this.entries.get(sport);
    if (!entry || since >= entry.seq) return false;
    const ringStart = entry.recent[0]?.seq ?? entry.seq + 1;
    const reached = older[older.length - 1]?.seq ?? since;
    return reached + 1 < ringStart;
  }

  /**
   * How to bring a client that holds `since` up to date, decided synchronously against what the
   * cache holds now: nothing (it is current), the deltas it missed (contiguous, no resync marker in
   * between), or a snapshot flagged resync (history too short, or the client is ahead of us).
   */
  resumePlan(sport: string, since: number, older: OddsDeltaMessage[]): ResumePlan {
    const entry = this.entries.get(sport);
    if (!entry) return { mode: "snapshot" };
    if (since === entry.seq) return { mode: "current" };
    if (since > entry.seq) return { mode: "snapshot" };
    const deltas = [...older, ...entry.recent].filter((d) => d.seq > since);
    return isReplayable(deltas, since, entry.seq) ? { mode: "replay", deltas } : { mode: "snapshot" };
  }

  sports(): Array<{ sport: string; seq: number; events: number; recent: number }> {
    return [...this.entries].map(([sport, entry]) => ({ sport, seq: entry.seq, events: entry.events.size, recent: entry.recent.length }));
  }

  private applyDelta(entry: Entry, delta: OddsDeltaMessage): void {
    applyChanges(entry.events, delta.changes);
    entry.ordered = null;
    entry.seq = delta.seq;
    entry.ts = delta.ts;
    entry.recent.push(delta);
    const cutoff = Date.now() - this.ring.maxAgeMs;
    let drop = Math.max(0, entry.recent.length - this.ring.deltas);
    while (drop < entry.recent.length && (entry.recent[drop]?.ts ?? 0) < cutoff) drop += 1;
    if (drop > 0) entry.recent.splice(0, drop);
  }

  /** Runs `work` as the entry's one busy task, retrying until it succeeds, then drains `pending`. */
  private run(sport: string, entry: Entry, work: () => Promise<void>): void {
    if (entry.busy) return;
    entry.busy = (async () => {
      for (let attempt = 0, rounds = 0; ; attempt += 1) {
        try {
          await work();
          if (this.drain(sport, entry)) return;
          rounds += 1;
          if (rounds > 2) {
            // Still unplaceable after catching up and reloading: Redis no longer has what these
            // messages follow (it restarted and lost writes). The publisher republishes the sport
            // above them; until then we keep the state we have.
            this.log.warn({ sport, held: entry.seq, dropped: entry.pending.map((m) => m.seq) }, "messages from ahead of Redis dropped");
            entry.pending = [];
            return;
          }
          work = () => this.catchUp(sport, entry);
        } catch (error) {
          if (attempt === 0)
            this.log.error({ sport, err: error instanceof Error ? error.message : String(error) }, "cannot read sport state from Redis; retrying");
          await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      entry.busy = null;
    });
  }

  /**
   * Applies pending messages in seq order; each applied delta is broadcast. Returns false when
   * they still have a hole or a resync marker is next (the caller catches up again).
   */
  private drain(sport: string, entry: Entry): boolean {
    const pending = entry.pending.filter((m) => m.seq > entry.seq).sort((a, b) => a.seq - b.seq);
    entry.pending = [];
    for (const [i, message] of pending.entries()) {
      if (message.seq <= entry.seq) continue;
      if (message.prevSeq !== entry.seq || message.type === "odds:resync") {
        entry.pending = pending.slice(i);
        return false;
      }
      this.applyDelta(entry, message);
      this.hooks.replay(sport, message);
    }
    return true;
  }

  /** Replays what history has after our seq; reloads the state if it has a marker or a hole. */
  private async catchUp(sport: string, entry: Entry): Promise<void> {
    const read = await readHistory(this.redis, sport, entry.seq);
    for (const message of read.entries) {
      if (message.seq <= entry.seq) continue;
      if (message.seq !== entry.seq + 1 || message.type === "odds:resync") break;
      this.applyDelta(entry, message);
      this.hooks.replay(sport, message);
    }
    if (entry.seq < read.seq) await this.load(sport, entry, true);
  }

  /** Loads state and seq atomically, then the history tail into the ring. */
  private async load(sport: string, entry: Entry, resync: boolean): Promise<void> {
    const state = await readSportState(this.redis, sport);
    if (state.invalid > 0) this.log.error({ sport, invalid: state.invalid }, "invalid events in Redis state were skipped");
    const tail = await readHistory(this.redis, sport, Math.max(0, state.seq - this.ring.deltas), this.ring.deltas + 1_000).catch(() => null);
    entry.events = state.events;
    entry.ordered = null;
    entry.seq = state.seq;
    entry.ts = Date.now();
    const upToSeq = (tail?.entries ?? []).filter((m): m is OddsDeltaMessage => m.type === "odds:delta" && m.seq <= state.seq);
    // Keep the longest contiguous run of deltas that ends exactly at the loaded seq.
    let start = upToSeq.length;
    while (start > 0 && upToSeq[start - 1]?.seq === state.seq - (upToSeq.length - start)) start -= 1;
    entry.recent = upToSeq.slice(start);
    for (const message of tail?.entries ?? []) if (message.seq > state.seq) entry.pending.push(message);
    if (resync) this.hooks.reloaded(sport);
  }
}
