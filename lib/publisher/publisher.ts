import type { Redis } from "ioredis";
import type { Db } from "../db";
import type { Logger } from "../log";
import { CHANNELS, type Change, EventOdds, type EventUpdateMessage, MarketOdds, type SportCount } from "../protocol";
import { type CapturedChange, drainChanges, loadBoardEvents, loadEvents, type Tx } from "./change-capture";
import { diffEvent } from "./diff";
import { EventDetailPublisher, type TickedEvents } from "./event-detail";
import { type EventRow, isOnBoard, type PricingConfig, toEventOdds, toMarketOdds } from "./pricing";
import { RowCache, type RowPlace } from "./row-cache";
import type { CommitResult, EventWrite, SportState, StateStore } from "./state-store";

/** Thrown when a commit finds another instance's fencing token: this process must stop writing. */
export class LeadershipLostError extends Error {
  override name = "LeadershipLostError";
}

/** Thrown when Redis holds a seq we did not expect; the next step reconciles. */
export class SeqConflictError extends Error {
  override name = "SeqConflictError";
}

export interface TickResult {
  /** Events read from Postgres. */
  events: number;
  /** Leaf changes published. */
  changes: number;
  /** Messages published (one per sport that changed). */
  messages: number;
  /** Bytes of the published messages. */
  bytes: number;
  /** The step was a full reconcile (first start, failover, Redis that lost data). */
  reconciled: boolean;
  /** Captured changes the step drained: the queue's depth at its start (docs/publisher.md, "Metrics"). */
  queued: number;
  /**
   * Per delta published that carries captured writes: from its `origin` (the earliest write) to
   * the commit's reply, ms, on the database's and this process's clocks.
   */
  originLagsMs: number[];
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
 * Each sport's seq is also kept in Postgres (SportSeq), advanced in the tick's transaction, so a
 * Redis that lost writes is noticed and the sport is republished above every seq already sent.
 * Not safe to call concurrently: the runner serialises steps.
 */
export class Publisher {
  private readonly sports = new Map<string, SportState>();
  /** eventId → the sport whose state holds it, to remove events that move or leave the board. */
  private readonly eventSport = new Map<string, string>();
  /** Sports whose Redis state fell behind: the next reconcile rewrites them at a higher seq. */
  private readonly rebuild = new Set<string>();
  /** The rows behind every event on the board (filled by reconcile, patched by ticks). */
  private readonly rows = new RowCache();
  /** Book-level prices and price history for event pages. */
  private readonly detail: EventDetailPublisher;
  private loaded = false;
  /** When verifyRedis last ran, ms since epoch. */
  private verifiedAt = 0;
  /** True until the first reconcile, and again after anything that makes memory doubtful. */
  reconcileNeeded = true;

  constructor(private readonly deps: PublisherDeps) {
    this.detail = new EventDetailPublisher(deps.redis, deps.log);
  }

  /**
   * One step: a full reconcile when needed, otherwise a tick of what changed. At most once a second
   * it first checks that Redis still holds what we published (in the step, so the check never
   * races a commit of our own).
   */
  async step(): Promise<TickResult> {
    if (!this.reconcileNeeded && Date.now() - this.verifiedAt >= 1_000) {
      this.verifiedAt = Date.now();
      await this.verifyRedis();
    }
    return this.reconcileNeeded ? this.reconcile() : this.tick();
  }

  /**
   * Events on the board and events in play, per sport, as last committed (what pages' sport tabs
   * show). One pass over the held events; sports in key order.
   */
  summary(): SportCount[] {
    return [...this.sports]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([sport, state]) => {
        let live = 0;
        for (const event of state.events.values()) if (event.phase === "live") live += 1;
        return { sport, events: state.events.size, live };
      });
  }

  /**
   * Publishes what changed since the last tick, reading only what changed: a price or pool row
   * that moved comes back with the drain and is patched into the held rows; an event is reread whole only when
   * something structural changed (or it is not held).
   */
  async tick(): Promise<TickResult> {
    let ticked: TickedEvents | null = null;
    const result = await this.inSnapshot(async (tx) => {
      const drained = await drainChanges(tx);
      const { reread, patches } = this.plan(drained);
      const dirty = new Map<string, Set<string>>(); // patched event → its markets that moved
      for (const change of patches) this.patch(change, dirty, reread);
      const rows = await loadEvents(tx, [...reread]);
      for (const id of reread) this.rows.remove(id);
      for (const row of rows) if (isOnBoard(row)) this.rows.put(row);
      const next = new Map<string, EventOdds | null>();
      const moved = new Map<string, ReadonlySet<string> | null>();
      for (const id of reread) {
        const row = this.rows.get(id);
        next.set(id, row ? this.price(row) : null);
        moved.set(id, null);
      }
      for (const [id, markets] of dirty) {
        if (reread.has(id)) continue;
        next.set(id, this.repriced(id, markets));
        moved.set(id, markets);
      }
      ticked = { next, moved };
      return this.publish(tx, next, rows.length + dirty.size, false, drained.length, earliestWrites(drained));
    });
    if (ticked) await this.detail.published(ticked, this.rows, Date.now());
    return result;
  }

  /** Sorts captured changes into events to reread whole and single rows to patch. */
  private plan(changes: CapturedChange[]): { reread: Set<string>; patches: CapturedChange[] } {
    const reread = new Set<string>();
    for (const change of changes) if (change.rowKind === null || change.rowId === null || !this.rows.has(change.eventId)) reread.add(change.eventId);
    return { reread, patches: changes.filter((change) => !reread.has(change.eventId)) };
  }

  /**
   * Applies one row change to the held rows and marks its market for pricing; a row that is not
   * held (or is gone) has its event reread whole instead.
   */
  private patch(change: CapturedChange, dirty: Map<string, Set<string>>, reread: Set<string>): void {
    const { rowId, price, priceAt, stakeTotal } = change;
    let place: RowPlace | null = null;
    if (rowId !== null && change.rowKind === "price" && price !== null) place = this.rows.patchPrice(rowId, price, priceAt ?? new Date());
    if (rowId !== null && change.rowKind === "stake" && stakeTotal !== null) place = this.rows.patchStake(rowId, stakeTotal);
    if (!place) {
      reread.add(change.eventId);
      return;
    }
    const markets = dirty.get(place.eventId) ?? new Set<string>();
    markets.add(place.market);
    dirty.set(place.eventId, markets);
  }

  /**
   * The event as last published with only `markets` priced again from the patched rows (every
   * other market's rows are unchanged since). Falls back to pricing the whole event when it was
   * not published yet or a market no longer has the shape to price.
   */
  private repriced(eventId: string, markets: Set<string>): EventOdds | null {
    const row = this.rows.get(eventId);
    if (!row) return null;
    const sport = this.eventSport.get(eventId);
    const prev = sport === undefined ? undefined : this.sports.get(sport)?.events.get(eventId);
    if (!prev) return this.price(row);
    const next: EventOdds = { ...prev, markets: { ...prev.markets } };
    for (const key of markets) {
      const market = row.markets.find((m) => m.key === key);
      if (!market || market.outcomes.length < 2) return this.price(row);
      const odds = toMarketOdds(market, this.deps.pricing);
      if (!MarketOdds.safeParse(odds).success) return this.price(row); // price() logs why and keeps it off
      next.markets[key] = odds;
    }
    return next;
  }

  /**
   * Recomputes every event on the board and publishes whatever differs from Redis (first start,
   * failover, changed pricing config, Redis that lost writes). The queue is drained in the same
   * snapshot: everything in it is already reflected in the full read.
   */
  async reconcile(): Promise<TickResult> {
    const result = await this.inSnapshot(async (tx) => {
      const drained = await drainChanges(tx);
      const rows = await loadBoardEvents(tx);
      const next = new Map<string, EventOdds | null>([...this.eventSport.keys()].map((id) => [id, null]));
      this.rows.clear();
      for (const row of rows) {
        if (!isOnBoard(row)) continue;
        this.rows.put(row);
        next.set(row.id, this.price(row));
      }
      const sports = await tx.sport.findMany({ where: { active: true }, select: { key: true } });
      await this.deps.store.registerSports(sports.map((sport) => sport.key));
      return this.publish(tx, next, rows.length, true, drained.length);
    });
    this.reconcileNeeded = false;
    return result;
  }

  /**
   * Compares the seq Redis holds with ours; if Redis is behind (restarted and lost writes), the
   * step reconciles and rewrites those sports. One MGET. Only call between commits (see `step`).
   */
  private async verifyRedis(): Promise<void> {
    if (!this.loaded) return;
    const held = await this.deps.store.seqs([...this.sports.keys()]);
    for (const [sport, state] of this.sports) {
      if ((held.get(sport) ?? 0) < state.seq) this.markForRebuild(sport, `Redis holds seq ${held.get(sport) ?? 0}, we published ${state.seq}`);
    }
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

  private async inSnapshot(work: (tx: Tx) => Promise<TickResult>): Promise<TickResult> {
    await this.ensureLoaded();
    // Repeatable read: the drained ids and the rows we price come from one snapshot, so a tick
    // never mixes a price from before a commit with a stake from after it.
    return this.deps.db.$transaction((tx) => work(tx), { isolationLevel: "RepeatableRead", timeout: 30_000, maxWait: 5_000 });
  }

  /** Loads the state from Redis and checks it against the seqs Postgres says we published. */
  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    this.sports.clear();
    this.eventSport.clear();
    const durable = await this.deps.db.sportSeq.findMany();
    const sports = new Set([...(await this.deps.store.sports()), ...durable.map((row) => row.sport)]);
    for (const sport of sports) await this.reload(sport);
    for (const row of durable) {
      const state = this.sports.get(row.sport);
      const published = Number(row.seq);
      if (state && state.seq < published) {
        this.markForRebuild(row.sport, `Redis holds seq ${state.seq}, Postgres recorded ${published}`);
        // Never reuse a seq clients may hold. Postgres can trail what went out by the one tick
        // whose Redis commit landed just before its Postgres commit, so step one beyond it.
        state.seq = published + 1;
      }
    }
    this.loaded = true;
  }

  private markForRebuild(sport: string, why: string): void {
    if (!this.rebuild.has(sport)) this.deps.log.warn({ sport, why }, "Redis is behind; the sport will be republished whole");
    this.rebuild.add(sport);
    this.reconcileNeeded = true;
  }

  private async reload(sport: string): Promise<void> {
    for (const [id, owner] of this.eventSport) if (owner === sport) this.eventSport.delete(id);
    const state = await this.deps.store.load(sport);
    this.sports.set(sport, state);
    for (const id of state.events.keys()) this.eventSport.set(id, sport);
  }

  /**
   * Commits the diffs of `next` per sport and records the new seqs in Postgres. `full` means `next`
   * covers the whole board (a reconcile): only then can a sport be rebuilt from memory.
   */
  private async publish(tx: Tx, next: Map<string, EventOdds | null>, eventsRead: number, full: boolean, queued: number, origins = new Map<string, number>()): Promise<TickResult> {
    const batches = this.batch(next);
    if (full) for (const sport of this.rebuild) if (!batches.has(sport)) batches.set(sport, { writes: [], changes: [], updates: [] });
    const result: TickResult = { events: eventsRead, changes: 0, messages: 0, bytes: 0, reconciled: full, queued, originLagsMs: [] };
    const committed = new Map<string, number>();
    const deltas: [string, SportBatch][] = [];
    for (const [sport, batch] of batches) {
      if (full && this.rebuild.has(sport)) committed.set(sport, await this.commitRebuild(sport, batch));
      else if (batch.changes.length > 0) deltas.push([sport, batch]);
    }
    for (const [sport, seq] of await this.commitDeltas(deltas, result, origins)) committed.set(sport, seq);
    for (const [sport, batch] of batches) {
      if (!committed.has(sport)) continue;
      result.changes += batch.changes.length;
      result.messages += 1;
    }
    if (committed.size > 0) {
      await tx.$executeRaw`
        INSERT INTO "SportSeq" ("sport", "seq")
        SELECT * FROM unnest(${[...committed.keys()]}::text[], ${[...committed.values()]}::bigint[])
        ON CONFLICT ("sport") DO UPDATE SET "seq" = GREATEST("SportSeq"."seq", EXCLUDED."seq")`;
    }
    return result;
  }

  /**
   * Commits the sports' deltas in one Redis round trip. Sports that committed are applied to
   * memory even when another failed (Redis has them); then the first failure is raised.
   */
  private async commitDeltas(deltas: [string, SportBatch][], result: TickResult, origins: Map<string, number>): Promise<Map<string, number>> {
    const committed = new Map<string, number>();
    if (deltas.length === 0) return committed;
    const token = this.leaderToken();
    const ts = Date.now();
    const states = deltas.map(([sport]) => this.sports.get(sport) ?? { seq: 0, events: new Map<string, EventOdds>() });
    const inputs = deltas.map(([sport, batch], i) => ({ sport, token, expectedSeq: states[i]?.seq ?? 0, writes: batch.writes, changes: batch.changes, ts, origin: originOf(batch, origins) }));
    const outcomes = await this.deps.store.commitMany(inputs);
    const publishedAt = Date.now();
    let failure: unknown = null;
    const updates: EventUpdateMessage[] = [];
    deltas.forEach(([sport, batch], i) => {
      const outcome = outcomes[i];
      const state = states[i];
      if (!outcome || !state) return;
      if (!outcome.ok) {
        try {
          this.check(sport, state.seq, outcome);
        } catch (error) {
          failure ??= error;
        }
        return;
      }
      result.bytes += outcome.bytes;
      const origin = inputs[i]?.origin;
      if (origin !== undefined) result.originLagsMs.push(publishedAt - origin);
      this.applyWrites(sport, state, batch.writes, outcome.seq);
      committed.set(sport, outcome.seq);
      updates.push(...batch.updates);
    });
    await this.publishUpdates(updates);
    if (failure) throw failure;
    return committed;
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

  private leaderToken(): string {
    const token = this.deps.token();
    if (!token) throw new LeadershipLostError("not the leader");
    return token;
  }

  /** Rewrites a sport whose Redis state fell behind: the whole state, one seq above anything sent. */
  private async commitRebuild(sport: string, batch: SportBatch): Promise<number> {
    const state = this.sports.get(sport) ?? { seq: 0, events: new Map() };
    const events = new Map(state.events);
    for (const write of batch.writes) {
      if (write.event) events.set(write.eventId, write.event);
      else events.delete(write.eventId);
    }
    const held = (await this.deps.store.seqs([sport])).get(sport) ?? 0;
    const seq = Math.max(state.seq, held) + 1;
    const outcome = await this.deps.store.reset({ sport, token: this.leaderToken(), seq, events: [...events.values()], ts: Date.now() });
    this.check(sport, state.seq, outcome);
    this.applyWrites(sport, state, batch.writes, seq);
    this.rebuild.delete(sport);
    this.deps.log.info({ sport, seq, events: events.size }, "republished the sport whole");
    return seq;
  }

  private check(sport: string, expected: number, outcome: CommitResult): void {
    if (outcome.ok) return;
    if (outcome.reason === "not_leader") throw new LeadershipLostError("another instance holds the lease");
    // Redis behind us: it lost writes. Ahead of us: someone wrote behind our back. Either way,
    // reload and reconcile before publishing anything more for this sport.
    if (outcome.seq < expected) this.markForRebuild(sport, `Redis holds seq ${outcome.seq}, expected ${expected}`);
    else {
      this.reconcileNeeded = true;
      this.loaded = false;
    }
    throw new SeqConflictError(`seq of ${sport} is ${outcome.seq} in Redis, expected ${expected}`);
  }

  private applyWrites(sport: string, state: SportState, writes: EventWrite[], seq: number): void {
    state.seq = seq;
    for (const write of writes) {
      if (write.event) {
        state.events.set(write.eventId, write.event);
        this.eventSport.set(write.eventId, sport);
      } else {
        state.events.delete(write.eventId);
        if (this.eventSport.get(write.eventId) === sport) this.eventSport.delete(write.eventId);
      }
    }
    this.sports.set(sport, state);
  }

  /** event:update for status, phase and score moves (after the delta, on the same connection, so in order). */
  private async publishUpdates(updates: EventUpdateMessage[]): Promise<void> {
    if (updates.length === 0) return;
    const pipeline = this.deps.redis.pipeline();
    for (const update of updates) pipeline.publish(CHANNELS.eventUpdates, JSON.stringify(update));
    await pipeline.exec();
  }
}

/** Per event, when the earliest of its drained writes was made, ms. */
function earliestWrites(changes: CapturedChange[]): Map<string, number> {
  const earliest = new Map<string, number>();
  for (const change of changes) {
    const at = change.at.getTime();
    if (at < (earliest.get(change.eventId) ?? Number.POSITIVE_INFINITY)) earliest.set(change.eventId, at);
  }
  return earliest;
}

/** When the earliest write behind a sport's batch was made, ms; undefined when none was captured. */
function originOf(batch: SportBatch, origins: Map<string, number>): number | undefined {
  let origin: number | undefined;
  for (const write of batch.writes) {
    const at = origins.get(write.eventId);
    if (at !== undefined && (origin === undefined || at < origin)) origin = at;
  }
  return origin;
}

function eventUpdate(prev: EventOdds | undefined, next: EventOdds | undefined): EventUpdateMessage | null {
  if (!prev || !next) return null; // added or removed: the odds delta itself says so
  const scoreMoved = JSON.stringify(prev.score) !== JSON.stringify(next.score);
  if (prev.status === next.status && prev.phase === next.phase && !scoreMoved) return null;
  return { v: 1, type: "event:update", eventId: next.id, sport: next.sport, status: next.status, phase: next.phase, score: next.score, ts: Date.now() };
}
