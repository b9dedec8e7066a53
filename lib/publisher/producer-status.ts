import type { Redis } from "ioredis";
import { type Producer, type ReadBeat, readProducerBeats, readSummary, readTrust, sportsOnBoard } from "../protocol";
import type { ProducerInstanceView, ProducerStatus } from "../protocol/admin-overview";
import { heardOf, judgeProducer } from "./producer-watch";

/**
 * The `producer` part of GET /api/sports/ws-publisher: the leader's judgement from its trust
 * record, with every producer instance's last beat beside it. When no leader vouches right now
 * (its record expired: no publisher leads, or it cannot reach Redis), the beats are judged here
 * with the same rule, so the producer's state shows whatever the publisher's own health is.
 */
export async function readProducerStatus(redis: Redis, config: { expected: Producer | null; silenceMs: number }, now = Date.now()): Promise<ProducerStatus> {
  const [trust, { beats }] = await Promise.all([readTrust(redis), readProducerBeats(redis)]);
  const instances = beats.map((read) => instanceView(read, now)).sort((a, b) => `${a.producer}:${a.instanceId}`.localeCompare(`${b.producer}:${b.instanceId}`));
  if (trust) {
    const { producer } = trust;
    return {
      expected: producer.name,
      state: producer.state,
      reason: producer.reason,
      since: new Date(producer.since).toISOString(),
      judgedBy: trust.instanceId,
      instances,
      staleSports: trust.staleSports,
    };
  }
  const boardSports = sportsOnBoard(await readSummary(redis));
  const judged = judgeProducer({ expected: config.expected, beats: heardOf(beats, now), boardSports, now, silenceMs: config.silenceMs });
  return { expected: config.expected, state: judged.state, reason: judged.reason, since: null, judgedBy: null, instances, staleSports: judged.staleSports };
}

function instanceView({ beat, ageMs }: ReadBeat, now: number): ProducerInstanceView {
  return {
    producer: beat.producer,
    instanceId: beat.instanceId,
    role: beat.role,
    at: new Date(now - ageMs).toISOString(),
    ageMs,
    lastProducedAt: beat.lastProducedAt === null ? null : new Date(beat.lastProducedAt).toISOString(),
    state: beat.state,
    reason: beat.reason,
  };
}
