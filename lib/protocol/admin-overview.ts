import { z } from "zod";
import { FeedStatus, StaleSports } from "./messages";
import { PRODUCERS } from "./producers";

/**
 * GET /api/admin/overview, what the admin console polls: the publisher's status (as
 * GET /api/sports/ws-publisher reports it), the relay's /health (which lists every relay instance
 * through the Socket.IO Redis adapter) and the odds sources. Each part is read on its own: one
 * that cannot be read says why, and the others still show.
 */

const time = z.string().nullable();

/** Percentiles over the leader's recent samples, ms (null before it has any). */
const PercentilesMs = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
  samples: z.number(),
});

/**
 * `ok`: running and ticking successfully; `stopped`: an admin (or PUBLISHER_AUTOSTART) stopped it;
 * `failing`: it should run but does not, with the reason (Postgres or Redis unreachable, no
 * publisher process, no successful tick lately).
 */
export const PublisherHealth = z.object({
  status: z.enum(["ok", "stopped", "failing"]),
  reason: z.string().optional(),
  /** Since when it has been failing, ISO time (when known). */
  since: z.string().optional(),
});
export type PublisherHealth = z.infer<typeof PublisherHealth>;

/** One producer instance as its last heartbeat describes it (lib/protocol/producers.ts). */
export const ProducerInstanceView = z.object({
  producer: z.enum(PRODUCERS),
  instanceId: z.string(),
  role: z.enum(["active", "standby"]),
  /** When it last beat, ISO time (its clock), and how long ago that was. */
  at: z.string(),
  ageMs: z.number(),
  /** When it last wrote prices, ISO time; null: not yet. */
  lastProducedAt: z.string().nullable(),
  state: z.enum(["ok", "stale", "stopped"]),
  reason: z.string().nullable(),
});
export type ProducerInstanceView = z.infer<typeof ProducerInstanceView>;

/**
 * The odds producer's liveness (docs/odds-source.md, "Producer liveness"), apart from the
 * publisher's own `health`: the leader's judgement from its trust record, or, when no leader
 * vouches right now, the same judgement made from the beats by whoever answers (`judgedBy` null).
 */
export const ProducerStatus = z.object({
  /** The producer this deployment expects (ODDS_SOURCE, SIMULATOR_ENABLED); null: none, no liveness applies. */
  expected: z.enum(PRODUCERS).nullable(),
  state: z.enum(["up", "down", "none"]),
  reason: z.string().nullable(),
  /** When it entered this state, ISO time; null when not known (judged here, without the leader's history). */
  since: time,
  /** The publisher instance whose trust record this is; null: judged from the beats by this server. */
  judgedBy: z.string().nullable(),
  /** Every producer instance heard within the last minute, active and standby. */
  instances: z.array(ProducerInstanceView),
  /** Board sports whose prices nobody vouches for, each with why. */
  staleSports: StaleSports,
});
export type ProducerStatus = z.infer<typeof ProducerStatus>;

/** The body of GET /api/sports/ws-publisher (`readStatus` in lib/publisher/control.ts builds it, `readProducerStatus` its `producer`). */
export const PublisherStatusBody = z.object({
  desired: z.enum(["running", "stopped"]),
  /** Exactly when `health.status` is `ok`: desired running, a leader holds the lease, its last tick succeeded and is recent. */
  running: z.boolean(),
  health: PublisherHealth,
  intervalMs: z.number(),
  /**
   * The lease holder and, once it has reported, the decision it follows and whether it is ticking
   * now (what POST and DELETE wait for).
   */
  leader: z
    .object({
      instanceId: z.string(),
      since: time,
      following: z.enum(["running", "stopped"]).nullable(),
      intervalMs: z.number().nullable(),
      ticking: z.boolean(),
    })
    .nullable(),
  /** The last successful tick. */
  lastTick: z.object({ at: z.string(), ageMs: z.number(), durationMs: z.number().nullable() }).nullable(),
  tickDurationMs: PercentilesMs,
  /** Captured changes committed and not yet drained, as the leader last saw them; null when unknown. */
  queueDepth: z.number().nullable(),
  /** Database write → delta published, over the leader's recent deltas (docs/publisher.md, "Metrics"). */
  publishLagMs: PercentilesMs,
  published: z.object({ ticks: z.number(), messages: z.number(), bytes: z.number(), changes: z.number() }),
  errors: z.object({ count: z.number(), last: z.object({ message: z.string(), at: z.string() }).nullable() }),
  updatedBy: z.string().nullable(),
  producer: ProducerStatus,
});
export type PublisherStatusBody = z.infer<typeof PublisherStatusBody>;

/** One relay instance as the relay's /health lists it under `cluster`. */
export const RelayInstance = z.object({
  instanceId: z.string().min(1).max(200),
  status: z.enum(["ok", "degraded"]),
  connections: z.number().int().min(0),
  uptimeSec: z.number().min(0),
});
export type RelayInstance = z.infer<typeof RelayInstance>;

/** The parts of the relay's GET /health (`RelayHealth` in vps/relay.ts) the console shows. */
export const RelayHealthBody = RelayInstance.extend({
  feed: FeedStatus,
  cluster: z.object({ instances: z.array(RelayInstance), connections: z.number().int().min(0), complete: z.boolean() }),
});
export type RelayHealthBody = z.infer<typeof RelayHealthBody>;

/**
 * An odds source as far as it reports itself. Today only the built-in simulator exists, which
 * reports nothing beyond its configuration; a polled source (The Odds API) fills in its credits,
 * its circuit breaker and when it last brought data. Null means "this source has no such thing",
 * never zero.
 */
export const SourceState = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["simulator", "odds_api"]),
  /** As configured on this server (the web app reads the same environment as the source process). */
  enabled: z.boolean(),
  detail: z.string().nullable(),
  quota: z.object({ used: z.number().int().min(0), remaining: z.number().int().min(0), at: z.number() }).nullable(),
  breaker: z.object({ state: z.enum(["open", "half_open", "closed"]), since: z.number().nullable(), reason: z.string().nullable() }).nullable(),
  /** When the source last brought data, ms since epoch (staleness is now minus this). */
  lastDataAt: z.number().nullable(),
});
export type SourceState = z.infer<typeof SourceState>;

const failure = z.object({ ok: z.literal(false), error: z.string() });

export const AdminOverview = z.object({
  /** When the server gathered it, ms since epoch. */
  ts: z.number(),
  publisher: z.union([z.object({ ok: z.literal(true), status: PublisherStatusBody }), failure]),
  relay: z.union([z.object({ ok: z.literal(true), url: z.string(), health: RelayHealthBody }), failure.extend({ url: z.string() })]),
  sources: z.array(SourceState),
});
export type AdminOverview = z.infer<typeof AdminOverview>;
