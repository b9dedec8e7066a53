import type { Redis } from "ioredis";
import type { Db } from "../db";
import type { Logger } from "../log";
import { CHANNELS, type Change, EventOdds, type EventUpdateMessage } from "../protocol";
import { drainChanges, loadBoardEvents, loadEvents } from "./change-capture";
import { diffEvent } from "./diff";
import { type EventRow, isOnBoard, type PricingConfig, toEventOdds } from "./pricing";
import type { EventWrite, SportState, StateStore } from "./state-store";

/** Thrown when a commit finds another instance's fencing token: this process must stop writing. */
export class LeadershipLostError extends Error {
  override name = "LeadershipLostError";
}

/** Thrown when Redis holds a seq we did not expect; the sport is reloaded and the tick retried. */
export class SeqConflictError extends Error {
  override name = "SeqConflictError";
}

export interface TickResult {
  /** Events read from Postgres. */
  events: number;
  /** Leaf changes published. */
  changes: number;
  /** Deltas published (one per sport that changed). */
  messages: number;
  /** Bytes of the published deltas. */
  bytes: number;
}

export interface PublisherDeps {
  db: Db;
  redis: Redis;
  store: StateStore;
  pricing: PricingConfig;
  /** The fencing token of our lease, or null when we do not lead. */
  token: () => string | null;
  log: Logger;
}

interface SportBatch {
  writes: EventWrite[];
  changes: Change[];
  updates: EventUpdateMessage[];
}

/**
 * The single writer of live odds. Holds the canonical state in memory (loaded from Redis when it
 * becomes leader), reads only changed events each tick, and commits one delta per changed sport.
 * Not safe to call concurrently: the runner serialises ticks.
 */
export class Publisher {
  private readonly sports = new Map<string, SportState>();
  /** eventId → the sport whose state holds it, to remove events that move or leave the board. */
  private readonly eventSport = new Map<string, string>();
  private loaded = false;

  constructor(private readonly deps: PublisherDeps) {}

  /** Publishes what changed since the last tick. */
  tick(): Promise<TickResult> {
    return this.inSnapshot(async (tx) => {
      const ids = await drainChanges(tx);
      const rows = await loadEvents(tx, ids);
      const next = new Map<string, EventOdds | null>(ids.map((id) => [id, null]));
      for (const row of rows) if (isOnBoard(row)) next.set(row.id, this.price(row));
      return this.publish(next, rows.length);
    });
  }

  /**
   * Recomputes every event on the board and publishes whatever differs from Redis (first start,
   * failover, changed pricing config). The queue is drained in the same snapshot: everything in it
   * is already reflected in the full read.
   */
  reconcile(): Promise<TickResult> {
    return this.inSnapshot(async (tx) => {
      await drainChanges(tx);
      const rows = await loadBoardEvents(tx);
      const next = new Map<string, EventOdds | null>([...this.eventSport.keys()].map((id) => [id, null]));
      for (const row of rows) if (isOnBoard(row)) next.set(row.id, this.price(row));
      const sports = await tx.sport.findMany({ where: { active: true }, select: { key: true } });
      await this.deps.store.registerSports(sports.map((sport) => sport.key));
      return this.publish(next, rows.length);
    });
  }

  /**
   * Prices one event and checks it against the wire schema. An event that fails (a feed row with
   * an empty bookmaker key, a 300-character team name) stays off the board with an error in the
   * log, rather than making every relay reject its sport's whole delta.
   */
  private price(row: EventRow): EventOdds | null {
    const odds = toEventOdds(row, this.deps.pricing);
    const checked = EventOdds.safeParse(odds);
    if (checked.success) return odds;
    const issue = checked.error.issues[0];
    this.deps.log.error({ eventId: row.id, path: issue?.path.join("."), problem: issue?.message }, "event does not fit the wire schema; kept off the board");
    return null;
  }

  /** Sports and their seq as this publisher holds them. */
  seqs(): Record<string, number> {
    return Object.fromEntries([...this.sports].map(([sport, state]) => [sport, state.seq]));
  }

  private async inSnapshot(work: (tx: Parameters<Parameters<Db["$transaction"]>[0]>[0]) => Promise<TickResult>): Promise<TickResult> {
    await this.ensureLoaded();
    // Repeatable read: the drained ids and the rows we price come from one snapshot, so a tick
    // never mixes a price from before a commit with a stake from after it.
    return this.deps.db.$transaction((tx) => work(tx), { isolationLevel: "RepeatableRead", timeout: 30_000, maxWait: 5_000 });
  }

  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    for (const sport of await this.deps.store.sports()) await this.reload(sport);
    this.loaded = true;
  }

  private async reload(sport: string): Promise<void> {
    for (const [id, owner] of this.eventSport) if (owner === sport) this.eventSport.delete(id);
    const state = await this.deps.store.load(sport);
    this.sports.set(sport, state);
    for (const id of state.events.keys()) this.eventSport.set(id, sport);
  }

  private async publish(next: Map<string, EventOdds | null>, eventsRead: number): Promise<TickResult> {
    const batches = this.batch(next);
    const result: TickResult = { events: eventsRead, changes: 0, messages: 0, bytes: 0 };
    for (const [sport, batch] of batches) {
      if (batch.changes.length === 0) continue;
      result.bytes += await this.commit(sport, batch);
      result.changes += batch.changes.length;
      result.messages += 1;
    }
    return result;
  }

  /** Groups the diffs by sport; an event that moved sport is removed from the old one. */
  private batch(next: Map<string, EventOdds | null>): Map<string, SportBatch> {
    const batches = new Map<string, SportBatch>();
    const batchFor = (sport: string) => {
      let batch = batches.get(sport);
      if (!batch) batches.set(sport, (batch = { writes: [], changes: [], updates: [] }));
      return batch;
    };
    for (const [id, event] of next) {
      const oldSport = this.eventSport.get(id);
      if (oldSport !== undefined && oldSport !== event?.sport) {
        this.stage(batchFor(oldSport), id, this.sports.get(oldSport)?.events.get(id), undefined);
      }
      if (event) this.stage(batchFor(event.sport), id, this.sports.get(event.sport)?.events.get(id), event);
    }
    return batches;
  }

  private stage(batch: SportBatch, id: string, prev: EventOdds | undefined, next: EventOdds | undefined): void {
    const changes = diffEvent(id, prev, next);
    if (changes.length === 0) return;
    batch.changes.push(...changes);
    batch.writes.push({ eventId: id, event: next ?? null });
    const update = eventUpdate(prev, next);
    if (update) batch.updates.push(update);
  }

  private async commit(sport: string, batch: SportBatch): Promise<number> {
    const token = this.deps.token();
    if (!token) throw new LeadershipLostError("not the leader");
    const state = this.sports.get(sport) ?? { seq: 0, events: new Map() };
    const result = await this.deps.store.commit({ sport, token, expectedSeq: state.seq, writes: batch.writes, changes: batch.changes, ts: Date.now() });
    if (!result.ok) {
      if (result.reason === "not_leader") throw new LeadershipLostError("another instance holds the lease");
      this.deps.log.warn({ sport, expected: state.seq, found: result.seq }, "seq moved underneath us; reloading sport");
      await this.reload(sport);
      throw new SeqConflictError(`seq of ${sport} is ${result.seq}, expected ${state.seq}`);
    }
    state.seq = result.seq;
    for (const write of batch.writes) {
      if (write.event) {
        state.events.set(write.eventId, write.event);
        this.eventSport.set(write.eventId, sport);
      } else {
        state.events.delete(write.eventId);
        if (this.eventSport.get(write.eventId) === sport) this.eventSport.delete(write.eventId);
      }
    }
    this.sports.set(sport, state);
    await this.publishUpdates(batch.updates);
    return result.bytes;
  }

  /** event:update for status, phase and score moves (after the delta, on the same connection, so in order). */
  private async publishUpdates(updates: EventUpdateMessage[]): Promise<void> {
    if (updates.length === 0) return;
    const pipeline = this.deps.redis.pipeline();
    for (const update of updates) pipeline.publish(CHANNELS.eventUpdates, JSON.stringify(update));
    await pipeline.exec();
  }
}

function eventUpdate(prev: EventOdds | undefined, next: EventOdds | undefined): EventUpdateMessage | null {
  if (!prev || !next) return null; // added or removed: the odds delta itself says so
  const scoreMoved = JSON.stringify(prev.score) !== JSON.stringify(next.score);
  if (prev.status === next.status && prev.phase === next.phase && !scoreMoved) return null;
  return { v: 1, type: "event:update", eventId: next.id, sport: next.sport, status: next.status, phase: next.phase, score: next.score, ts: Date.now() };
}
