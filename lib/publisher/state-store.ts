import type { Redis } from "ioredis";
import { CHANNELS, type Change, type EventOdds, KEYS, type OddsDeltaMessage, type OddsSnapshot, readSportState, sortEvents } from "../protocol";

/**
 * The canonical live state in Redis, per sport: a hash of events, the seq it reflects, and a
 * capped stream of the deltas that led there. `commit` moves all three and publishes the delta in
 * one Lua script, so no reader ever sees a seq without its state, or a delta without its state.
 */

export interface SportState {
  seq: number;
  events: Map<string, EventOdds>;
}

export type CommitResult = { ok: true; seq: number; bytes: number } | { ok: false; reason: "not_leader" | "seq_mismatch"; seq: number };

/** A whole-event write: the event's new JSON, or null to remove it from the sport. */
export interface EventWrite {
  eventId: string;
  event: EventOdds | null;
}

// KEYS: state, seq, history, leader, sports set
// ARGV: token, expectedSeq, message, historyMaxLen, sport, channel, then eventId/json pairs ('' deletes)
const COMMIT_SCRIPT = `
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return {-1, 0} end
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq ~= tonumber(ARGV[2]) then return {-2, seq} end
for i = 7, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
seq = seq + 1
redis.call('SET', KEYS[2], seq)
redis.call('SADD', KEYS[5], ARGV[5])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'm', ARGV[3])
redis.call('PUBLISH', ARGV[6], ARGV[3])
return {seq, 0}
`;

type CommitFn = (...args: (string | number)[]) => Promise<[number, number]>;

export class StateStore {
  private readonly commitFn: CommitFn;

  constructor(
    private readonly redis: Redis,
    private readonly historyLength: number,
  ) {
    redis.defineCommand("oddsCommit", { numberOfKeys: 5, lua: COMMIT_SCRIPT });
    this.commitFn = (redis as unknown as { oddsCommit: CommitFn }).oddsCommit.bind(redis);
  }

  /** Sports that have state in Redis. */
  async sports(): Promise<string[]> {
    return (await this.redis.smembers(KEYS.sports)).sort();
  }

  /**
   * One sport's state and seq, read atomically. Entries that fail validation are left out, so the
   * next reconcile rewrites them.
   */
  async load(sport: string): Promise<SportState> {
    const { seq, events } = await readSportState(this.redis, sport);
    return { seq, events };
  }

  /** Makes sports known to relays before they have events (an empty tab is not an unknown sport). */
  async registerSports(sports: string[]): Promise<void> {
    if (sports.length > 0) await this.redis.sadd(KEYS.sports, ...sports);
  }

  /** The wire snapshot of one sport, events ordered by start time then id. */
  async snapshot(sport: string): Promise<OddsSnapshot> {
    const state = await this.load(sport);
    return { sport, seq: state.seq, ts: Date.now(), events: sortEvents([...state.events.values()]) };
  }

  /**
   * Applies one delta atomically: checks the fencing token and the expected seq, writes the changed
   * events, bumps seq, appends to history and publishes on `sports-odds`.
   */
  async commit(input: { sport: string; token: string; expectedSeq: number; writes: EventWrite[]; changes: Change[]; ts: number }): Promise<CommitResult> {
    const message: OddsDeltaMessage = {
      v: 1,
      type: "odds:delta",
      sport: input.sport,
      seq: input.expectedSeq + 1,
      prevSeq: input.expectedSeq,
      ts: input.ts,
      changes: input.changes,
    };
    const json = JSON.stringify(message);
    const pairs = input.writes.flatMap((w) => [w.eventId, w.event ? JSON.stringify(w.event) : ""]);
    const [seq, current] = await this.commitFn(
      KEYS.sportState(input.sport), KEYS.sportSeq(input.sport), KEYS.sportHistory(input.sport), KEYS.publisherLeader, KEYS.sports,
      input.token, input.expectedSeq, json, this.historyLength, input.sport, CHANNELS.sportsOdds, ...pairs,
    );
    if (seq === -1) return { ok: false, reason: "not_leader", seq: 0 };
    if (seq === -2) return { ok: false, reason: "seq_mismatch", seq: current };
    return { ok: true, seq, bytes: Buffer.byteLength(json) };
  }
}
