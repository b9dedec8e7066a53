import os from "node:os";
import type { Redis } from "ioredis";
import { type Producer, type ProducerBeat, readProducerBeats, writeProducerBeat } from "../../lib/protocol";
import type { Proc } from "./processes";

/** Feed processes as the publisher sees them: by their beats in Redis. */

/** The instance id a feed process started by startFeed beats under (hostname:pid, as lib/feed/main.ts names it). */
export function feedInstanceId(proc: Proc): string {
  return `${os.hostname()}:${proc.child.pid}`;
}

/** The last beat of one feed process, or null when it has not beaten (or its beat expired). */
export async function beatOf(redis: Redis, producer: Producer, proc: Proc): Promise<ProducerBeat | null> {
  const { beats } = await readProducerBeats(redis);
  return beats.find(({ beat }) => beat.producer === producer && beat.instanceId === feedInstanceId(proc))?.beat ?? null;
}

/**
 * Beats once as an active Odds API poller would, vouching for each sport of `vouch` until its
 * time (sport → freshUntil, ms since epoch): tests play the poller through this.
 */
export function beatAsPoller(redis: Redis, vouch: Record<string, number>): Promise<void> {
  const now = Date.now();
  const sports = Object.fromEntries(Object.entries(vouch).map(([sport, freshUntil]) => [sport, { freshUntil }]));
  const message: ProducerBeat = {
    v: 1,
    producer: "the-odds-api",
    instanceId: "test-poller",
    role: "active",
    at: now,
    lastProducedAt: now,
    state: "ok",
    reason: null,
    sports,
  };
  return writeProducerBeat(redis, message);
}
