import type { Redis } from "ioredis";
import type { Db } from "../db";
import type { Logger } from "../log";
import { EventOdds, MarketOdds, type SportCount } from "../protocol";
import { Board } from "./board";
import { type CapturedChange, drainChanges, loadBoardEvents, loadEvents, type Tx } from "./change-capture";
import { Committer, type TickResult } from "./committer";
import { EventDetailPublisher, type TickedEvents } from "./event-detail";
import { type EventRow, isOnBoard, type PricingConfig, toEventOdds, toMarketOdds } from "./pricing";
import { RowCache, type RowPlace } from "./row-cache";
import { DeltaBudget } from "./delta-budget";
import { type SportBatch, earliestWrites } from "./sport-batch";
import type { StateStore } from "./state-store";

/** What a step's delta budget held back: the sports, and the events of their batches. */
interface Holding {
  sports: Set<string>;
  events: Set<string>;
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

/**
 * The single writer of live odds. Holds the canonical state in memory (loaded from Redis when it
 * becomes leader), reads only changed events each tick, and commits one delta per changed sport.
 * Each sport's seq is also kept in Postgres (SportSeq), advanced in the tick's transaction, so a
 * Redis that lost writes is noticed and the sport is republished above every seq already sent.
 * Not safe to call concurrently: the tick loop serialises steps.
 */
export class Publisher {
  /** The board as committed to Redis: what each step diffs against. */
  private readonly board: Board;
  /** The rows behind every event on the board (filled by reconcile, patched by ticks). */
  private readonly rows = new RowCache();
  private readonly committer: Committer;
  /** Book-level prices and price history for event pages. */
  private readonly detail: EventDetailPublisher;
  /** When verifyRedis last ran, ms since epoch. */
  private verifiedAt = 0;
  /** How many deltas each sport may send (publishing on commit would otherwise send one per commit). */
  private readonly budget = new DeltaBudget();
  /**
   * Events priced but not yet committed, their sport's budget spent: eventId → the event as priced
   * last (null: off the board) and its earliest drained write, ms since epoch (the delta's `origin`).
   */
  private readonly held = new Map<string, { event: EventOdds | null; origin: number | undefined }>();

  constructor(private readonly deps: PublisherDeps) {
    this.board = new Board(deps.log);
    this.committer = new Committer({ redis: deps.redis, store: deps.store, board: this.board, token: deps.token, log: deps.log });
    this.detail = new EventDetailPublisher(deps.redis, deps.log);
  }

  /**
   * One step: a full reconcile when needed, otherwise a tick of what changed. At most once a second
   * it first checks that Redis still holds what we published (in the step, so the check never
   * races a commit of our own).
   */
  async step(): Promise<TickResult> {
    if (!this.board.reconcileNeeded && Date.now() - this.verifiedAt >= 1_000) {
      this.verifiedAt = Date.now();
      await this.verifyRedis();
    }
    return this.board.reconcileNeeded ? this.reconcile() : this.tick();
  }

  /**
   * Events on the board and events in play, per sport, as last committed (what pages' sport tabs
   * show). One pass over the held events; sports in key order.
   */
  summary(): SportCount[] {
    return this.board.summary();
  }

  /**
   * Publishes what changed since the last tick, reading only what changed: a price or pool row
   * that moved comes back with the drain and is patched into the held rows; an event is reread
   * whole only when something structural changed (or it is not held). A sport whose delta budget
   * is spent keeps its priced events for a later step, which sends them conflated; an event reread
   * whole (a suspension, a score, a row added) is never held back.
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
      const origins = earliestWrites(drained);
      const withHeld = new Map(next);
      for (const [id, { event, origin }] of this.held) {
        if (!withHeld.has(id)) withHeld.set(id, event);
        if (origin !== undefined) origins.set(id, Math.min(origin, origins.get(id) ?? origin));
      }
      const holding: Holding = { sports: new Set(), events: new Set() };
      const hold = (sport: string, batch: SportBatch) => this.overBudget(sport, batch, reread, holding);
      const published = await this.committer.publish({
        tx,
        next: withHeld,
        eventsRead: rows.length + dirty.size,
        kind: "tick",
        queued: drained.length,
        origins,
        hold,
      });
      this.keepHeld(holding.events, withHeld, origins);
      published.heldMs = this.heldDueMs(holding.sports);
      return published;
    });
    if (ticked) await this.detail.published(ticked, this.rows, Date.now());
    return result;
  }

  /**
   * Whether `sport`'s delta waits (the committer asks for each sport with changes): a batch with an
   * event reread whole goes out at once and spends from the budget; otherwise it goes out only when
   * the budget has a delta left. A held batch's sport and events are added to `holding`.
   */
  private overBudget(sport: string, batch: SportBatch, urgent: ReadonlySet<string>, holding: Holding): boolean {
    const now = performance.now();
    if (batch.writes.some((write) => urgent.has(write.eventId))) {
      this.budget.spend(sport, now);
      return false;
    }
    if (this.budget.take(sport, now)) return false;
    holding.sports.add(sport);
    for (const write of batch.writes) holding.events.add(write.eventId);
    return true;
  }

  /** After a commit: the events of held sports, as priced now, wait for a later step (the rest went out). */
  private keepHeld(holding: ReadonlySet<string>, priced: ReadonlyMap<string, EventOdds | null>, origins: ReadonlyMap<string, number>): void {
    this.held.clear();
    for (const id of holding) this.held.set(id, { event: priced.get(id) ?? null, origin: origins.get(id) });
  }

  /** ms until the first of the held sports may send again (null: none held). */
  private heldDueMs(sports: ReadonlySet<string>): number | null {
    if (sports.size === 0) return null;
    const now = performance.now();
    return Math.max(1, Math.min(...[...sports].map((sport) => this.budget.waitMs(sport, now))));
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
    // A held event was priced after the board's copy: build on it, or its held markets are lost.
    const held = this.held.get(eventId);
    const prev = held ? held.event : this.board.event(eventId);
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
      const next = new Map<string, EventOdds | null>(this.board.eventIds().map((id) => [id, null]));
      this.rows.clear();
      for (const row of rows) {
        if (!isOnBoard(row)) continue;
        this.rows.put(row);
        next.set(row.id, this.price(row));
      }
      this.held.clear(); // the full read covers them
      const sports = await tx.sport.findMany({ where: { active: true }, select: { key: true } });
      await this.deps.store.registerSports(sports.map((sport) => sport.key));
      return this.committer.publish({ tx, next, eventsRead: rows.length, kind: "reconcile", queued: drained.length });
    });
    this.board.reconcileNeeded = false;
    return result;
  }

  /**
   * Compares the seq Redis holds with ours; if Redis is behind (restarted and lost writes), the
   * step reconciles and rewrites those sports. One MGET. Only call between commits (see `step`).
   */
  private async verifyRedis(): Promise<void> {
    if (!this.board.loaded) return;
    const sports = this.board.sportKeys();
    const held = await this.deps.store.seqs(sports);
    for (const sport of sports) {
      const seq = this.board.seq(sport);
      if ((held.get(sport) ?? 0) < seq) this.board.markBehind(sport, `Redis holds seq ${held.get(sport) ?? 0}, we published ${seq}`);
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
    if (this.board.loaded) return;
    this.board.clear();
    const durable = await this.deps.db.sportSeq.findMany();
    const sports = new Set([...(await this.deps.store.sports()), ...durable.map((row) => row.sport)]);
    for (const sport of sports) this.board.load(sport, await this.deps.store.load(sport));
    for (const row of durable) {
      const held = this.board.seq(row.sport);
      const published = Number(row.seq);
      if (held < published) {
        this.board.markBehind(row.sport, `Redis holds seq ${held}, Postgres recorded ${published}`);
        // Never reuse a seq clients may hold. Postgres can trail what went out by the one tick
        // whose Redis commit landed just before its Postgres commit, so step one beyond it.
        this.board.skipTo(row.sport, published + 1);
      }
    }
    this.board.loaded = true;
  }
}
