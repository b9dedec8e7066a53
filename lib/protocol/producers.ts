import { z } from "zod";
import { parseJson } from "./bus";
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
/** A beat key expires this long after it was written, ms: far longer than any silence limit, so the publisher sees a quiet instance as quiet rather than as never seen. */
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
  reason: z.string().max(300).nullable(),
  /** The sports this producer feeds, with what it vouches for in each (active instances only). */
  sports: z.record(SportKey, SportVouch),
});
export type ProducerBeat = z.infer<typeof ProducerBeat>;

/** The ioredis methods these need, so lib/protocol stays free of a client dependency. */
interface BeatWrite {
  set(key: string, value: string, px: "PX", ms: number): BeatWrite;
  zadd(key: string, score: number, member: string): BeatWrite;
  exec(): Promise<unknown>;
}

export interface RedisBeats {
  multi(): BeatWrite;
  zrangebyscore(key: string, min: number | string, max: number | string): Promise<string[]>;
  zremrangebyscore(key: string, min: number | string, max: number | string): Promise<number>;
  mget(...keys: string[]): Promise<(string | null)[]>;
}

/** Writes one instance's beat (with its expiry) and indexes it for readers. */
export async function writeProducerBeat(redis: RedisBeats, beat: ProducerBeat): Promise<void> {
  const member = `${beat.producer}:${beat.instanceId}`;
  await redis.multi().set(KEYS.producerBeat(beat.producer, beat.instanceId), JSON.stringify(beat), "PX", PRODUCER_BEAT_TTL_MS).zadd(KEYS.producers, beat.at, member).exec();
}

/**
 * Every beat written within the last PRODUCER_BEAT_TTL_MS (older index entries are dropped). A
 * beat that does not parse is left out and counted, for the caller to log.
 */
export async function readProducerBeats(redis: RedisBeats, now: number): Promise<{ beats: ProducerBeat[]; invalid: number }> {
  await redis.zremrangebyscore(KEYS.producers, "-inf", now - PRODUCER_BEAT_TTL_MS);
  const members = await redis.zrangebyscore(KEYS.producers, now - PRODUCER_BEAT_TTL_MS, "+inf");
  if (members.length === 0) return { beats: [], invalid: 0 };
  const raws = await redis.mget(...members.map(beatKeyOf));
  const beats: ProducerBeat[] = [];
  let invalid = 0;
  for (const raw of raws) {
    if (raw === null) continue;
    const parsed = parseJson(ProducerBeat, raw);
    if (parsed.ok) beats.push(parsed.message);
    else invalid += 1;
  }
  return { beats, invalid };
}

function beatKeyOf(member: string): string {
  const at = member.indexOf(":");
  return KEYS.producerBeat(member.slice(0, at), member.slice(at + 1));
}
