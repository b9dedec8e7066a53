import type { Redis } from "ioredis";
import { type Change, type EventOdds, EventOdds as EventOddsSchema, KEYS, applyChanges } from "../../lib/protocol";
import { StateStore } from "../../lib/publisher/state-store";
import { filterEvent } from "../../vps/filters";

/**
 * Publishes a sport as the publisher would, through the real StateStore (Lua commit: state, seq,
 * history and pub/sub together), while keeping the board it should have reached, so a test can
 * compare a client's state with it. Changes that would leave an event invalid (a score half set,
 * say) are left out, as the publisher never sends them.
 */
export class BoardWriter {
  readonly events = new Map<string, EventOdds>();
  seq = 0;
  private readonly store: StateStore;

  constructor(
    redis: Redis,
    readonly sport: string,
    private readonly token = "test-writer",
  ) {
    this.store = new StateStore(redis, { length: 10_000, maxAgeMs: 0, maxDeltaBytes: 64 * 1024 * 1024 });
  }

  /** Makes this writer the leader (its commits are refused otherwise). */
  static async lead(redis: Redis, token = "test-writer"): Promise<void> {
    await redis.set(KEYS.publisherLeader, token);
  }

  /** Commits the valid ones of `candidates` as one delta (possibly empty); returns what was sent. */
  async commit(candidates: readonly Change[]): Promise<Change[]> {
    const changes = this.valid(candidates);
    const touched = new Set(changes.map((change) => change.eventId));
    applyChanges(this.events, changes);
    const writes = [...touched].map((eventId) => ({ eventId, event: this.events.get(eventId) ?? null }));
    const result = await this.store.commit({ sport: this.sport, token: this.token, expectedSeq: this.seq, writes, changes, ts: Date.now() });
    if (!result.ok) throw new Error(`commit refused: ${result.reason}`);
    this.seq = result.seq;
    return changes;
  }

  private valid(candidates: readonly Change[]): Change[] {
    const scratch = new Map(this.events);
    return candidates.filter((change) => {
      const held = scratch.get(change.eventId);
      const trial = new Map(held ? [[change.eventId, held]] : []);
      applyChanges(trial, [change]);
      const event = trial.get(change.eventId);
      if (event !== undefined && !EventOddsSchema.safeParse(event).success) return false;
      applyChanges(scratch, [change]);
      return true;
    });
  }
}

/** Changes that put each of `events` on the board whole. */
export const wholeEvents = (events: readonly EventOdds[]): Change[] => events.map((event) => ({ eventId: event.id, path: "", value: event }));

/** A board as a client filtered to `markets` must hold it (null: unfiltered, the board itself). */
export const cut = (events: Map<string, EventOdds>, markets: readonly string[] | null): Map<string, EventOdds> =>
  new Map([...events].map(([id, event]) => [id, markets ? filterEvent(event, new Set(markets)) : event]));
