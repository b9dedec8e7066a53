import { z } from "zod";
import { REASON_MAX } from "./limits";
import { parseJson } from "./parse";
import { KEYS } from "./names";
import { SportKey } from "./odds";

/**
 * Odds producers and their heartbeats (docs/odds-source.md, "Producer liveness"). Every producer
 * instance (the simulator, The Odds API poller; active or standby) writes a ProducerBeat to Redis
 * every PRODUCER_BEAT_MS, with an expiry. The publishing leader reads them every control step
 * and decides whether the producer the deployment expects is up, and which sports' prices it
 * still vouches for. A producer that stops beating stops vouching: nothing it wrote is trusted.
 */

export const PRODUCERS = ["simulator", "the-odds-api"] as const;
export type Producer = (typeof PRODUCERS)[number];

/** How often a producer instance beats, ms. */
export const PRODUCER_BEAT_MS = 1_000;
/**
 * A beat key expires this long after it was written, ms: at least twice any silence limit
 * (PRODUCER_SILENCE_MS is capped at half of it), so the publisher sees a quiet instance as quiet
 * rather than as never seen.
 */
export const PRODUCER_BEAT_TTL_MS = 60_000;

/** What one producer vouches for in one sport. */
export const SportVouch = z.object({
  /**
   * Until when (ms since epoch, the producer's clock) this producer vouches for the sport's
   * prices: the simulator, a few seconds past its last completed step; the poller, its last
   * successful odds poll of the sport plus what its schedule promises for the next one.
   */
  freshUntil: z.number(),
});
export type SportVouch = z.infer<typeof SportVouch>;

export const ProducerBeat = z.object({
  v: z.literal(1),
  producer: z.enum(PRODUCERS),
  instanceId: z.string().min(1).max(128),
  /** active: this instance holds the producer's lease and produces; standby: it waits to take over. */
  role: z.enum(["active", "standby"]),
  /** When written, ms since epoch (the producer's clock). */
  at: z.number(),
  /** When it last wrote prices, ms since epoch; null: not yet. */
  lastProducedAt: z.number().nullable(),
  /** ok: producing; stale: alive but its upstream is failing (reason says how); stopped: it cannot produce until fixed (a bad key). */
  state: z.enum(["ok", "stale", "stopped"]),
  reason: z.string().max(REASON_MAX).nullable(),
  /** The sports this producer feeds, with what it vouches for in each (active instances only). */
  sports: z.record(SportKey, SportVouch),
});
export type ProducerBeat = z.infer<typeof ProducerBeat>;

/**
 * Writes the beat with its expiry and stamps it in the index with Redis's own clock (TIME), so
 * a reader measures a beat's age on one clock, whatever the producer's or its own clock says.
 * Index entries older than the beat's life are dropped here, by the writers, so reading writes
 * nothing. ARGV: beat JSON, TTL ms, member. Returns the stamp, ms.
 */
const WRITE_BEAT = `
local t = redis.call('TIME')
local stamp = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], stamp, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', stamp - tonumber(ARGV[2]))
return stamp
`;

/** The ioredis methods these need, so lib/protocol stays free of a client dependency. */
export interface RedisBeatWrite {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisBeatRead {
  zrangebyscore(key: string, min: string, max: string, withScores: "WITHSCORES"): Promise<unknown>;
  mget(...keys: string[]): Promise<(string | null)[]>;
  time(): Promise<(string | number)[]>;
}

/** Writes one instance's beat (with its expiry) and indexes it for readers, stamped on Redis's clock. */
export async function writeProducerBeat(redis: RedisBeatWrite, beat: ProducerBeat): Promise<void> {
  const member = `${beat.producer}:${beat.instanceId}`;
  await redis.eval(WRITE_BEAT, 2, KEYS.producerBeat(beat.producer, beat.instanceId), KEYS.producers, JSON.stringify(beat), PRODUCER_BEAT_TTL_MS, member);
}

/** A beat as read, and how long ago Redis stamped it, ms (Redis's clock on both ends). */
export interface ReadBeat {
  beat: ProducerBeat;
  ageMs: number;
}

/**
 * Every beat that has not expired, each with its age as Redis measures it. Read-only. A beat
 * that does not parse is left out and counted, for the caller to log. A beat rewritten while it
 * is read may look a few ms older than it is, never younger.
 */
export async function readProducerBeats(redis: RedisBeatRead): Promise<{ beats: ReadBeat[]; invalid: number }> {
  const indexed = z.array(z.string()).parse(await redis.zrangebyscore(KEYS.producers, "-inf", "+inf", "WITHSCORES"));
  if (indexed.length === 0) return { beats: [], invalid: 0 };
  const members = indexed.filter((_, i) => i % 2 === 0);
  const raws = await redis.mget(...members.map(beatKeyOf));
  const [seconds, micros] = (await redis.time()).map(Number);
  const redisNow = (seconds ?? 0) * 1000 + Math.floor((micros ?? 0) / 1000);
  const beats: ReadBeat[] = [];
  let invalid = 0;
  raws.forEach((raw, i) => {
    if (raw === null) return;
    const parsed = parseJson(ProducerBeat, raw);
    if (!parsed.ok) invalid += 1;
    else beats.push({ beat: parsed.message, ageMs: Math.max(0, redisNow - Number(indexed[2 * i + 1])) });
  });
  return { beats, invalid };
}

function beatKeyOf(member: string): string {
  const at = member.indexOf(":");
  return KEYS.producerBeat(member.slice(0, at), member.slice(at + 1));
}
