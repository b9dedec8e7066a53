import type { Redis } from "ioredis";
import { type EventOdds, KEYS, type OddsSnapshot, readSportState, sortEvents } from "@/lib/protocol";

/** A sport's events in board order at the seq they reflect. */
interface HeldState {
  seq: number;
  events: EventOdds[];
  /** `events` as JSON, made on first use: an answer splices it in rather than serialising the events again. */
  eventsJson?: string;
}

/** At most this many sports are held (the board has a handful; the bound only guards memory). */
const MAX_HELD = 256;
const held = new Map<string, HeldState>();

/**
 * Whether `sport` is registered and its snapshot, from the publisher's state in Redis. A seq names
 * exactly one state (every write raises it, a rebuilt sport starts above every seq sent), so the
 * events read at a seq are kept in process and served again while Redis still holds that seq:
 * an unchanged sport costs one round trip (SISMEMBER + GET), a changed one a full read. `ts` is
 * always now. Comes with its JSON, the events' part serialised once per seq. Null: the sport is
 * not registered.
 */
export async function currentSnapshot(redis: Redis, sport: string): Promise<{ snapshot: OddsSnapshot; json: string } | null> {
  const replies = await redis.multi().sismember(KEYS.sports, sport).get(KEYS.sportSeq(sport)).exec();
  const [[memberError, member] = [null, 0], [seqError, seq] = [null, null]] = replies ?? [];
  if (memberError || seqError) throw memberError ?? seqError;
  if (member !== 1) return null;
  const state = await heldState(redis, sport, Number(seq ?? 0));
  const snapshot: OddsSnapshot = { sport, seq: state.seq, ts: Date.now(), events: state.events };
  state.eventsJson ??= JSON.stringify(state.events);
  // Exactly JSON.stringify(snapshot): the same keys in the same order.
  const json = `{"sport":${JSON.stringify(sport)},"seq":${snapshot.seq},"ts":${snapshot.ts},"events":${state.eventsJson}}`;
  return { snapshot, json };
}

/** The held state of `sport` if it is at `seq`, else read afresh and held. */
async function heldState(redis: Redis, sport: string, seq: number): Promise<HeldState> {
  let state = held.get(sport);
  if (!state || state.seq !== seq) {
    const read = await readSportState(redis, sport);
    state = { seq: read.seq, events: sortEvents([...read.events.values()]) };
    if (held.size >= MAX_HELD && !held.has(sport)) held.clear();
    held.set(sport, state);
  }
  return state;
}

/** A sport's snapshot (registered or not), as `readSnapshot` but through the same in-process copy. */
export async function snapshotOf(redis: Redis, sport: string): Promise<OddsSnapshot> {
  const state = await heldState(redis, sport, Number((await redis.get(KEYS.sportSeq(sport))) ?? 0));
  return { sport, seq: state.seq, ts: Date.now(), events: state.events };
}
