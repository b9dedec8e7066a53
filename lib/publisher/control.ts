import type { Redis } from "ioredis";
import { z } from "zod";
import { KEYS } from "../protocol";
import { leaderInstance } from "./leader";

/**
 * Start/stop/status of the publisher through Redis. Route handlers only write the desired state
 * and read status; publisher processes (any number, one leader) act on it. That is why the admin
 * routes work where the web app runs serverless, and why a standby knows what to do on failover.
 */

export type DesiredState = "running" | "stopped";

export interface Desired {
  state: DesiredState;
  intervalMs: number;
  updatedAt: number;
  updatedBy: string;
}

const DesiredSchema = z.object({
  state: z.enum(["running", "stopped"]),
  intervalMs: z.coerce.number().int().positive(),
  updatedAt: z.coerce.number(),
  updatedBy: z.string(),
});

export async function readDesired(redis: Redis): Promise<Desired | null> {
  const raw = await redis.hgetall(KEYS.publisherDesired);
  const parsed = DesiredSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Records the desired state and wakes every publisher process. Idempotent. */
export async function setDesired(redis: Redis, desired: Omit<Desired, "updatedAt">): Promise<Desired> {
  const record: Desired = { ...desired, updatedAt: Date.now() };
  await redis
    .multi()
    .hset(KEYS.publisherDesired, { ...record })
    .publish(KEYS.publisherControl, JSON.stringify({ v: 1, type: "control:changed" }))
    .exec();
  return record;
}

/** What the leader reports each tick (a Redis hash; counters are HINCRBY so they survive failover). */
export interface StatusReport {
  instanceId: string;
  leaderSince: number;
  intervalMs: number;
  running: boolean;
  lastTickAt: number | null;
  lastTickMs: number | null;
  tickP50Ms: number | null;
  tickP95Ms: number | null;
  tickP99Ms: number | null;
  tickMaxMs: number | null;
  tickCount: number;
}

export interface CounterIncrements {
  ticks: number;
  messages: number;
  bytes: number;
  changes: number;
  errors: number;
}

export async function writeStatus(redis: Redis, report: StatusReport, add: CounterIncrements, lastError?: { message: string; at: number }): Promise<void> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(report)) fields[key] = value === null ? "" : String(value);
  if (lastError) {
    fields.lastError = lastError.message;
    fields.lastErrorAt = String(lastError.at);
  }
  const tx = redis.multi().hset(KEYS.publisherStatus, fields);
  for (const [key, value] of Object.entries(add)) if (value) tx.hincrby(KEYS.publisherStatus, `total_${key}`, value);
  await tx.exec();
}

/** GET /api/sports/ws-publisher's body. */
export interface PublisherStatus {
  desired: DesiredState;
  /** Desired running, a leader holds the lease, and it ticked within the last few intervals. */
  running: boolean;
  intervalMs: number;
  leader: { instanceId: string; since: string | null } | null;
  lastTick: { at: string; ageMs: number; durationMs: number | null } | null;
  tickDurationMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null; samples: number };
  published: { ticks: number; messages: number; bytes: number; changes: number };
  errors: { count: number; last: { message: string; at: string } | null };
  updatedBy: string | null;
}

/** Combines desired state, lease and the leader's report into one status. */
export async function readStatus(redis: Redis, defaults: { intervalMs: number; autostart: boolean }): Promise<PublisherStatus> {
  const [desired, token, raw] = await Promise.all([readDesired(redis), redis.get(KEYS.publisherLeader), redis.hgetall(KEYS.publisherStatus)]);
  const state: DesiredState = desired?.state ?? (defaults.autostart ? "running" : "stopped");
  const intervalMs = desired?.intervalMs ?? defaults.intervalMs;
  const num = (key: string) => (raw[key] ? Number(raw[key]) : null);
  const lastTickAt = num("lastTickAt");
  const instanceId = leaderInstance(token);
  const fresh = lastTickAt !== null && Date.now() - lastTickAt < Math.max(3 * intervalMs, 2_000);
  const reporter = raw.instanceId === instanceId;
  return {
    desired: state,
    running: state === "running" && instanceId !== null && reporter && fresh && raw.running === "true",
    intervalMs,
    leader: instanceId ? { instanceId, since: reporter && num("leaderSince") ? new Date(num("leaderSince") ?? 0).toISOString() : null } : null,
    lastTick: lastTickAt ? { at: new Date(lastTickAt).toISOString(), ageMs: Date.now() - lastTickAt, durationMs: num("lastTickMs") } : null,
    tickDurationMs: { p50: num("tickP50Ms"), p95: num("tickP95Ms"), p99: num("tickP99Ms"), max: num("tickMaxMs"), samples: num("tickCount") ?? 0 },
    published: { ticks: num("total_ticks") ?? 0, messages: num("total_messages") ?? 0, bytes: num("total_bytes") ?? 0, changes: num("total_changes") ?? 0 },
    errors: {
      count: num("total_errors") ?? 0,
      last: raw.lastError ? { message: raw.lastError, at: new Date(num("lastErrorAt") ?? 0).toISOString() } : null,
    },
    updatedBy: desired?.updatedBy ?? null,
  };
}
