import type { Redis } from "ioredis";
import {
  CHANNELS,
  type Change,
  type EventOdds,
  KEYS,
  type OddsDeltaMessage,
  type OddsResyncMessage,
  type SportCount,
  type SportsSummaryMessage,
  readSportState,
} from "../protocol";

/**
 * The canonical live state in Redis, per sport: a hash of events, the seq it reflects, and a
 * bounded stream of the deltas that led there. Every write moves all three and publishes in one
 * Lua script, so no reader ever sees a seq without its state, or a delta without its state.
 */

export interface SportState {
  seq: number;
  events: Map<string, EventOdds>;
}

export type CommitResult =
  | { ok: true; seq: number; bytes: number; kind: "delta" | "resync" }
  | { ok: false; reason: "not_leader" | "seq_mismatch"; seq: number };

export interface CommitInput {
  sport: string;
  token: string;
  expectedSeq: number;
  writes: EventWrite[];
  changes: Change[];
  ts: number;
  /** When the earliest captured write in these changes was made, ms (absent: none). */
  origin?: number;
}

/** A whole-event write: the event's new JSON, or null to remove it from the sport. */
export interface EventWrite {
  eventId: string;
  event: EventOdds | null;
}

export interface HistoryLimits {
  /** Entries kept per sport. */
  length: number;
  /** Entries older than this are trimmed, ms. */
  maxAgeMs: number;
  /** A delta whose JSON is larger than this is published as a resync marker instead, bytes. */
  maxDeltaBytes: number;
}

// Shared by both scripts. KEYS: state, seq, history, leader, sports, history times.
// ARGV: token, seq (expected for commit, new for reset), message, maxlen, sport, channel, ts, age
// cutoff (ms since epoch, 0 = none), then eventId / JSON pairs ('' deletes the event).
const APPEND_AND_PUBLISH = `
local function write_events()
  for i = 9, #ARGV, 2 do
    if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  end
end
local function clear_history()
  redis.call('DEL', KEYS[3], KEYS[6])
end
-- Trims the history to maxlen entries and to the age cutoff, reading only the small times list
-- (never the deltas themselves), then cuts the stream in one XTRIM.
-- At most 1000 entries go per commit, so lowering the limits never blocks Redis for long.
local function trim_history(maxlen, cutoff)
  local cut = nil
  local len = redis.call('LLEN', KEYS[6])
  for _ = 1, math.min(len, 1000) do
    local oldest = redis.call('LINDEX', KEYS[6], 0)
    local sep = string.find(oldest, ':')
    local seq, t = tonumber(string.sub(oldest, 1, sep - 1)), tonumber(string.sub(oldest, sep + 1))
    if len <= maxlen and (cutoff <= 0 or t >= cutoff) then break end
    redis.call('LPOP', KEYS[6])
    len = len - 1
    cut = seq
  end
  if cut then redis.call('XTRIM', KEYS[3], 'MINID', (cut + 1) .. '-0') end
end
local function append_and_publish(seq)
  redis.call('SET', KEYS[2], seq)
  redis.call('SADD', KEYS[5], ARGV[5])
  -- A stream without its times list (the list was lost) would never be trimmed: start it afresh.
  if redis.call('LLEN', KEYS[6]) == 0 then redis.call('DEL', KEYS[3]) end
  redis.call('XADD', KEYS[3], seq .. '-0', 'm', ARGV[3], 't', ARGV[7])
  redis.call('RPUSH', KEYS[6], seq .. ':' .. ARGV[7])
  redis.call('PUBLISH', ARGV[6], ARGV[3])
  trim_history(tonumber(ARGV[4]), tonumber(ARGV[8]))
end
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return {-1, 0} end
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
`;

// Apply a delta on top of the expected seq.
const COMMIT_SCRIPT = `${APPEND_AND_PUBLISH}
if current ~= tonumber(ARGV[2]) then return {-2, current} end
-- A history without its seq (state lost, stream kept) cannot continue: start it afresh.
if current == 0 then clear_history() end
write_events()
append_and_publish(current + 1)
return {current + 1, 0}
`;

// Replace the whole sport at a seq above the current one (Redis lost writes, or a rebuild).
const RESET_SCRIPT = `${APPEND_AND_PUBLISH}
local seq = tonumber(ARGV[2])
if seq <= current then return {-2, current} end
redis.call('DEL', KEYS[1])
if seq ~= current + 1 then clear_history() end
write_events()
append_and_publish(seq)
return {seq, 0}
`;

type ScriptFn = (...args: (string | number)[]) => Promise<[number, number]>;

export class StateStore {
  private readonly resetFn: ScriptFn;

  constructor(
    private readonly redis: Redis,
    private readonly limits: HistoryLimits,
  ) {
    redis.defineCommand("oddsCommit", { numberOfKeys: 6, lua: COMMIT_SCRIPT });
    redis.defineCommand("oddsReset", { numberOfKeys: 6, lua: RESET_SCRIPT });
    const commands = redis as unknown as { oddsReset: ScriptFn };
    this.resetFn = commands.oddsReset.bind(redis);
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

  /** The seq Redis holds for each sport (0 where it holds none). */
  async seqs(sports: string[]): Promise<Map<string, number>> {
    if (sports.length === 0) return new Map();
    const values = await this.redis.mget(...sports.map((sport) => KEYS.sportSeq(sport)));
    return new Map(sports.map((sport, i) => [sport, Number(values[i] ?? 0)]));
  }

  /** Stores the board's event counts for late joiners and publishes them to relays, together. */
  async publishSummary(sports: SportCount[], ts: number, leader: string): Promise<void> {
    const message: SportsSummaryMessage = { v: 1, type: "sports:summary", ts, leader, sports };
    const json = JSON.stringify(message);
    await this.redis.multi().set(KEYS.sportsSummary, json).publish(CHANNELS.sportsOdds, json).exec();
  }

  /** Makes sports known to relays before they have events (an empty tab is not an unknown sport). */
  async registerSports(sports: string[]): Promise<void> {
    if (sports.length > 0) await this.redis.sadd(KEYS.sports, ...sports);
  }

  /**
   * Applies one delta atomically: checks the fencing token and the expected seq, writes the changed
   * events, bumps seq, appends to history and publishes on `sports-odds`. A delta over the size
   * limit goes out as an `odds:resync` marker instead (receivers reload the state).
   */
  async commit(input: CommitInput): Promise<CommitResult> {
    const [result] = await this.commitMany([input]);
    if (!result) throw new Error("no commit result");
    return result;
  }

  /**
   * Commits several sports' deltas in one round trip (a pipeline of `commit`s). Each stays atomic
   * on its own; the results come back in input order.
   */
  async commitMany(inputs: CommitInput[]): Promise<CommitResult[]> {
    if (inputs.length === 0) return [];
    const pipeline = this.redis.pipeline() as unknown as {
      oddsCommit: (...args: (string | number)[]) => void;
      exec: () => Promise<[Error | null, [number, number]][] | null>;
    };
    const messages = inputs.map((input) => this.deltaMessage(input));
    for (const [i, input] of inputs.entries())
      pipeline.oddsCommit(...this.args(input.sport, input.token, input.expectedSeq, messages[i]?.json ?? "", input.ts, input.writes));
    const replies = (await pipeline.exec()) ?? [];
    return messages.map((message, i) => {
      const [error, reply] = replies[i] ?? [new Error("no reply"), [0, 0]];
      if (error) throw error;
      return outcome(reply, message.json, message.kind);
    });
  }

  private deltaMessage(input: CommitInput): { json: string; kind: "delta" | "resync" } {
    const seq = input.expectedSeq + 1;
    const message: OddsDeltaMessage = {
      v: 1,
      type: "odds:delta",
      sport: input.sport,
      seq,
      prevSeq: input.expectedSeq,
      ts: input.ts,
      ...(input.origin === undefined ? {} : { origin: input.origin }),
      changes: input.changes,
    };
    const json = JSON.stringify(message);
    if (Buffer.byteLength(json) <= this.limits.maxDeltaBytes) return { json, kind: "delta" };
    return { json: JSON.stringify(resyncMarker(input.sport, seq, input.ts, "large_delta")), kind: "resync" };
  }

  /** Replaces a sport's whole state at `seq` (above what Redis holds) and publishes a resync marker. */
  async reset(input: { sport: string; token: string; seq: number; events: EventOdds[]; ts: number }): Promise<CommitResult> {
    const json = JSON.stringify(resyncMarker(input.sport, input.seq, input.ts, "state_rebuilt"));
    const writes = input.events.map((event) => ({ eventId: event.id, event }));
    return outcome(await this.resetFn(...this.args(input.sport, input.token, input.seq, json, input.ts, writes)), json, "resync");
  }

  private args(sport: string, token: string, seq: number, message: string, ts: number, writes: EventWrite[]): (string | number)[] {
    const cutoff = this.limits.maxAgeMs > 0 ? ts - this.limits.maxAgeMs : 0;
    const pairs = writes.flatMap((w) => [w.eventId, w.event ? JSON.stringify(w.event) : ""]);
    return [
      KEYS.sportState(sport),
      KEYS.sportSeq(sport),
      KEYS.sportHistory(sport),
      KEYS.publisherLeader,
      KEYS.sports,
      KEYS.sportHistoryTimes(sport),
      token,
      seq,
      message,
      this.limits.length,
      sport,
      CHANNELS.sportsOdds,
      ts,
      cutoff,
      ...pairs,
    ];
  }
}

/** Reads a script's `{seq, current}` reply: -1 not the leader, -2 seq mismatch (current = Redis's). */
function outcome([result, current]: [number, number], json: string, kind: "delta" | "resync"): CommitResult {
  if (result === -1) return { ok: false, reason: "not_leader", seq: 0 };
  if (result === -2) return { ok: false, reason: "seq_mismatch", seq: current };
  return { ok: true, seq: result, bytes: Buffer.byteLength(json), kind };
}

function resyncMarker(sport: string, seq: number, ts: number, reason: OddsResyncMessage["reason"]): OddsResyncMessage {
  return { v: 1, type: "odds:resync", sport, seq, prevSeq: seq - 1, ts, reason };
}
