import type { Redis } from "ioredis";
import type { Logger } from "../log";
import { CHANNELS, type EventOdds, type EventUpdateMessage } from "../protocol";
import type { Board } from "./board";
import type { Tx } from "./change-capture";
import { type SportBatch, batchBySport, emptyBatch, originOf } from "./sport-batch";
import type { CommitResult, StateStore } from "./state-store";

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
  /** Changes held back by a sport's delta budget are due in this many ms (null: none held). */
  heldMs: number | null;
}

/** One step's priced events, to diff against the board and commit. */
export interface Publication {
  /** The step's Postgres transaction, where the new seqs are recorded. */
  tx: Tx;
  /** eventId → the event as priced in this step, or null when it is off the board. */
  next: ReadonlyMap<string, EventOdds | null>;
  /** Events read from Postgres in this step. */
  eventsRead: number;
  /**
   * `reconcile`: `next` covers the whole board, so a sport whose Redis state fell behind can be
   * rewritten whole from memory; `tick`: `next` holds only what changed.
   */
  kind: "tick" | "reconcile";
  /** Captured changes the step drained. */
  queued: number;
  /** Per event, when its earliest drained write was made, ms since epoch (absent: none known). */
  origins?: ReadonlyMap<string, number>;
  /**
   * Whether a sport's delta waits for a later step (its delta budget is spent); asked only for
   * sports with changes, in a tick. A held sport is not committed: the board keeps its last state.
   */
  hold?: (sport: string, batch: SportBatch) => boolean;
}

export interface CommitterDeps {
  redis: Redis;
  store: StateStore;
  board: Board;
  /** The fencing token of our lease, or null when we do not lead. */
  token: () => string | null;
  log: Logger;
}

/**
 * Commits a step's diffs to Redis, one delta per changed sport (or a whole-sport rewrite for a
 * sport that fell behind), applies what Redis took to the board, publishes `event:update`s, and
 * records the new seqs in Postgres in the step's transaction.
 */
export class Committer {
  constructor(private readonly deps: CommitterDeps) {}

  /** Commits `publication` and says what went out. Throws on a lost lease or a seq conflict. */
  async publish({ tx, next, eventsRead, kind, queued, origins = new Map<string, number>(), hold }: Publication): Promise<TickResult> {
    const { board } = this.deps;
    const full = kind === "reconcile";
    const batches = batchBySport(board, next);
    if (full) for (const sport of board.behindSports()) if (!batches.has(sport)) batches.set(sport, emptyBatch());
    const result: TickResult = { events: eventsRead, changes: 0, messages: 0, bytes: 0, reconciled: full, queued, originLagsMs: [], heldMs: null };
    const committed = new Map<string, number>();
    const deltas: [string, SportBatch][] = [];
    for (const [sport, batch] of batches) {
      if (full && board.isBehind(sport)) committed.set(sport, await this.commitRebuild(sport, batch));
      else if (batch.changes.length > 0 && !(hold?.(sport, batch) ?? false)) deltas.push([sport, batch]);
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
  private async commitDeltas(deltas: [string, SportBatch][], result: TickResult, origins: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const committed = new Map<string, number>();
    if (deltas.length === 0) return committed;
    const { board } = this.deps;
    const token = this.leaderToken();
    const ts = Date.now();
    const inputs = deltas.map(([sport, { writes, changes }]) => {
      return { sport, token, expectedSeq: board.seq(sport), writes, changes, ts, origin: originOf({ writes }, origins) };
    });
    const outcomes = await this.deps.store.commitMany(inputs);
    const publishedAt = Date.now();
    let failure: unknown = null;
    const updates: EventUpdateMessage[] = [];
    deltas.forEach(([sport, batch], i) => {
      const outcome = outcomes[i];
      const input = inputs[i];
      if (!outcome || !input) return;
      if (!outcome.ok) {
        try {
          this.check(sport, input.expectedSeq, outcome);
        } catch (error) {
          failure ??= error;
        }
        return;
      }
      result.bytes += outcome.bytes;
      if (input.origin !== undefined) result.originLagsMs.push(publishedAt - input.origin);
      board.apply(sport, batch.writes, outcome.seq);
      committed.set(sport, outcome.seq);
      updates.push(...batch.updates);
    });
    await this.publishUpdates(updates);
    if (failure) throw failure;
    return committed;
  }

  /** Rewrites a sport whose Redis state fell behind: the whole state, one seq above anything sent. */
  private async commitRebuild(sport: string, batch: SportBatch): Promise<number> {
    const { board, store } = this.deps;
    const expected = board.seq(sport);
    const events = board.eventsAfter(sport, batch.writes);
    const held = (await store.seqs([sport])).get(sport) ?? 0;
    const seq = Math.max(expected, held) + 1;
    const outcome = await store.reset({ sport, token: this.leaderToken(), seq, events: [...events.values()], ts: Date.now() });
    this.check(sport, expected, outcome);
    board.apply(sport, batch.writes, seq);
    board.caughtUp(sport);
    this.deps.log.info({ sport, seq, events: events.size }, "republished the sport whole");
    return seq;
  }

  private leaderToken(): string {
    const token = this.deps.token();
    if (!token) throw new LeadershipLostError("not the leader");
    return token;
  }

  private check(sport: string, expected: number, outcome: CommitResult): void {
    if (outcome.ok) return;
    if (outcome.reason === "not_leader") throw new LeadershipLostError("another instance holds the lease");
    // Redis behind us: it lost writes. Ahead of us: someone wrote behind our back. Either way,
    // reload and reconcile before publishing anything more for this sport.
    if (outcome.seq < expected) this.deps.board.markBehind(sport, `Redis holds seq ${outcome.seq}, expected ${expected}`);
    else this.deps.board.doubt();
    throw new SeqConflictError(`seq of ${sport} is ${outcome.seq} in Redis, expected ${expected}`);
  }

  /** event:update for status, phase and score moves (after the delta, on the same connection, so in order). */
  private async publishUpdates(updates: EventUpdateMessage[]): Promise<void> {
    if (updates.length === 0) return;
    const pipeline = this.deps.redis.pipeline();
    for (const update of updates) pipeline.publish(CHANNELS.eventUpdates, JSON.stringify(update));
    await pipeline.exec();
  }
}
