import type { Redis } from "ioredis";
import { type AuditActor, audit } from "../audit";
import type { Db, Tx } from "../db";
import { leaderInstance } from "../lease";
import { KEYS } from "../protocol";
import type { PublisherHealth, PublisherStatusBody } from "../protocol/admin-overview";
import type { AuditAction } from "../protocol/audit";
import { type ControlNotice, type Decision, type DesiredState, controlNotice } from "./control-notice";

/**
 * Start/stop/status of the publisher. An admin's decision is recorded in Postgres (durable, like
 * the seq), so a Redis that loses its data cannot undo a stop; a message on Redis wakes the
 * publisher processes at once (they also read the decision every control step). The leader
 * reports what it does to Redis, which the status route reads. Route handlers never run the
 * publisher themselves, which is why they work on any number of web instances, serverless ones
 * included, and why a standby knows what to do on failover.
 */

export type { DesiredState } from "./control-notice";

export interface Desired {
  state: DesiredState;
  intervalMs: number;
  updatedAt: number;
  updatedBy: string;
}

/** The recorded decision, or null when nobody has started or stopped the publisher yet. */
export async function readDesired(db: Db | Tx): Promise<Desired | null> {
  const row = await db.publisherControl.findUnique({ where: { id: 1 }, select: { state: true, intervalMs: true, updatedAt: true, updatedBy: true } });
  if (!row) return null;
  return { state: row.state === "RUNNING" ? "running" : "stopped", intervalMs: row.intervalMs, updatedAt: row.updatedAt.getTime(), updatedBy: row.updatedBy };
}

/**
 * Records the decision in Postgres, then wakes every publisher process. Idempotent. The wake-up
 * is best effort: a process that misses it reads the decision within a second anyway. An admin's
 * decision goes through `decideDesired`, which also audits it.
 */
export async function setDesired(db: Db, redis: Redis, desired: Omit<Desired, "updatedAt">): Promise<Desired> {
  const updatedAt = await recordDesired(db, desired);
  await wake(redis);
  return { ...desired, updatedAt: updatedAt.getTime() };
}

/** Who decides: how the public record names them (`updatedBy`), and who they are for the audit log. */
export interface Decider {
  updatedBy: string;
  actor: AuditActor;
}

/** What an admin's decision changed: the admins' notice and its audit entry, both null for a no-op. */
export interface Decided {
  notice: ControlNotice | null;
  auditId: string | null;
}

const AUDITED: Record<ControlNotice["kind"], AuditAction> = {
  publisher_started: "publisher.start",
  publisher_stopped: "publisher.stop",
  publisher_interval: "publisher.interval",
};

/**
 * An admin's start (`running`, keeping the interval unless one is given) or stop: records it and,
 * when it changes what the publisher does, its audit entry, in one transaction, then wakes the
 * publisher processes. Decisions are taken one at a time (a transaction-scoped lock), so each is
 * compared with the one committed before it; `defaults` is what the publisher follows while
 * nothing is recorded. A repeat records who confirmed it but is no change: no notice, no entry.
 */
export async function decideDesired(
  db: Db,
  redis: Redis,
  request: { state: DesiredState; intervalMs?: number },
  decider: Decider,
  defaults: Decision,
): Promise<Decided> {
  const decided = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('PublisherControl'))`;
    const recorded = await readDesired(tx);
    const before: Decision = recorded ? { state: recorded.state, intervalMs: recorded.intervalMs } : defaults;
    const after: Decision = { state: request.state, intervalMs: request.intervalMs ?? before.intervalMs };
    await recordDesired(tx, { ...after, updatedBy: decider.updatedBy });
    const notice = controlNotice(before, after, decider.actor.label);
    if (!notice) return { notice, auditId: null };
    const auditId = await audit(tx, {
      actor: decider.actor,
      action: AUDITED[notice.kind],
      target: { type: "publisher", id: "publisher" },
      before: { ...before },
      after: { ...after },
    });
    return { notice, auditId };
  });
  await wake(redis);
  return decided;
}

async function recordDesired(db: Db | Tx, desired: Omit<Desired, "updatedAt">): Promise<Date> {
  const state = desired.state === "running" ? "RUNNING" : "STOPPED";
  const data = { state, intervalMs: desired.intervalMs, updatedBy: desired.updatedBy, updatedAt: new Date() } as const;
  await db.publisherControl.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
  return data.updatedAt;
}

function wake(redis: Redis): Promise<unknown> {
  return redis.publish(KEYS.publisherControl, JSON.stringify({ v: 1, type: "control:changed" })).catch(() => {});
}

/** What the leader reports (a Redis hash; counters are HINCRBY so they survive failover). */
export interface StatusReport {
  instanceId: string;
  leaderSince: number;
  /** The decision the leader follows ("" when it cannot read it). */
  desired: DesiredState | "";
  intervalMs: number;
  /** Ticking now. */
  running: boolean;
  /** When the report was written, ms since epoch. */
  reportedAt: number;
  /** The last successful tick: when it ended and how long it took. Failed ticks are not ticks. */
  lastTickAt: number | null;
  lastTickMs: number | null;
  tickP50Ms: number | null;
  tickP95Ms: number | null;
  tickP99Ms: number | null;
  tickMaxMs: number | null;
  tickCount: number;
  /** Captured changes waiting to be drained, as last seen (null: not seen yet). */
  queueDepth: number | null;
  /** Commit → publish lag percentiles over the recent deltas that carried captured writes, ms. */
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  lagCount: number;
  /** Consecutive failed steps (0: healthy), since when, and why (a sanitised reason). */
  failures: number;
  failingSince: number | null;
  failure: string | null;
}

export interface CounterIncrements {
  ticks: number;
  messages: number;
  bytes: number;
  changes: number;
  errors: number;
}

const NO_COUNTS: CounterIncrements = { ticks: 0, messages: 0, bytes: 0, changes: 0, errors: 0 };

export async function writeStatus(redis: Redis, report: StatusReport, add: CounterIncrements = NO_COUNTS): Promise<void> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(report)) fields[key] = value === null ? "" : String(value);
  if (report.failure) {
    fields.lastError = report.failure;
    fields.lastErrorAt = String(report.reportedAt);
  }
  const tx = redis.multi().hset(KEYS.publisherStatus, fields);
  for (const [key, value] of Object.entries(add)) if (value) tx.hincrby(KEYS.publisherStatus, `total_${key}`, value);
  await tx.exec();
}

/** GET /api/sports/ws-publisher's body: its wire schema's type, so the console that parses it and this that builds it cannot drift. */
export type PublisherStatus = PublisherStatusBody;

/** The recorded decision as the status route could read it: "unreachable" when Postgres is down. */
export type RecordedDesired = Desired | null | "unreachable";

/** A tick counts as recent within three intervals (at least 2 s). */
export function freshWithinMs(intervalMs: number): number {
  return Math.max(3 * intervalMs, 2_000);
}

/** Combines the recorded decision, the lease and the leader's report into one status (all but the producer's part, `readProducerStatus`). */
export async function readStatus(
  redis: Redis,
  recorded: RecordedDesired,
  defaults: { intervalMs: number; autostart: boolean },
): Promise<Omit<PublisherStatus, "producer">> {
  const [token, raw] = await Promise.all([redis.get(KEYS.publisherLeader), redis.hgetall(KEYS.publisherStatus)]);
  const num = (key: string) => (raw[key] ? Number(raw[key]) : null);
  const instanceId = leaderInstance(token);
  const reporter = instanceId !== null && raw.instanceId === instanceId;
  const known = recorded === "unreachable" ? null : recorded;
  const reported = reporter && (raw.desired === "running" || raw.desired === "stopped") ? raw.desired : null;
  const state: DesiredState = known?.state ?? (recorded === "unreachable" ? reported : null) ?? (defaults.autostart ? "running" : "stopped");
  const intervalMs = known?.intervalMs ?? (reporter ? num("intervalMs") : null) ?? defaults.intervalMs;
  const lastTickAt = num("lastTickAt");
  const fresh = lastTickAt !== null && Date.now() - lastTickAt < freshWithinMs(intervalMs);
  const running = state === "running" && recorded !== "unreachable" && reporter && fresh && raw.running === "true" && Number(raw.failures || 0) === 0;
  return {
    desired: state,
    running,
    health: health({ state, running, instanceId, reporter, raw, lastTickAt, updatedBy: known?.updatedBy ?? null, recorded }),
    intervalMs,
    leader: instanceId
      ? {
          instanceId,
          since: reporter && num("leaderSince") ? new Date(num("leaderSince") ?? 0).toISOString() : null,
          following: reported,
          intervalMs: reporter ? num("intervalMs") : null,
          ticking: reporter && raw.running === "true",
        }
      : null,
    lastTick: lastTickAt ? { at: new Date(lastTickAt).toISOString(), ageMs: Date.now() - lastTickAt, durationMs: num("lastTickMs") } : null,
    tickDurationMs: { p50: num("tickP50Ms"), p95: num("tickP95Ms"), p99: num("tickP99Ms"), max: num("tickMaxMs"), samples: num("tickCount") ?? 0 },
    queueDepth: num("queueDepth"),
    publishLagMs: { p50: num("lagP50Ms"), p95: num("lagP95Ms"), p99: num("lagP99Ms"), max: num("lagMaxMs"), samples: num("lagCount") ?? 0 },
    published: { ticks: num("total_ticks") ?? 0, messages: num("total_messages") ?? 0, bytes: num("total_bytes") ?? 0, changes: num("total_changes") ?? 0 },
    errors: {
      count: num("total_errors") ?? 0,
      last: raw.lastError ? { message: raw.lastError, at: new Date(num("lastErrorAt") ?? 0).toISOString() } : null,
    },
    updatedBy: known?.updatedBy ?? null,
  };
}

interface HealthInput {
  state: DesiredState;
  running: boolean;
  instanceId: string | null;
  reporter: boolean;
  raw: Record<string, string>;
  lastTickAt: number | null;
  updatedBy: string | null;
  recorded: RecordedDesired;
}

function health({ state, running, instanceId, reporter, raw, lastTickAt, updatedBy, recorded }: HealthInput): PublisherHealth {
  if (state === "stopped") return { status: "stopped", reason: updatedBy ? `stopped by ${updatedBy}` : "never started (PUBLISHER_AUTOSTART is off)" };
  if (!instanceId) return { status: "failing", reason: "no publisher process holds the leader lease; is one running?" };
  const since = raw.failingSince ? { since: new Date(Number(raw.failingSince)).toISOString() } : {};
  if (reporter && Number(raw.failures || 0) > 0) return { status: "failing", reason: raw.failure || "ticks are failing", ...since };
  if (recorded === "unreachable") return { status: "failing", reason: "Postgres is unreachable" };
  if (running) return { status: "ok" };
  if (!reporter) return { status: "failing", reason: `the leader (${instanceId}) has not reported yet` };
  return { status: "failing", reason: lastTickAt ? `no successful tick since ${new Date(lastTickAt).toISOString()}` : "no successful tick yet" };
}
