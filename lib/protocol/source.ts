import { z } from "zod";
import { REASON_MAX } from "./limits";

/**
 * The odds source's own report (The Odds API poller): written by the feed process to Redis every
 * second with a short expiry, read by the publisher (which carries its state in the heartbeat, so
 * every client's feed status turns stale when the source is down), by the publisher status API
 * and by the admin console. Source staleness is separate from the publisher's heartbeat: the
 * publisher may be ticking perfectly while the prices it reads have stopped coming.
 */

export const SOURCE_STATES = ["ok", "stale", "stopped"] as const;
export type SourceHealth = (typeof SOURCE_STATES)[number];

const endpointStates = z.record(z.string().max(32), z.enum(["closed", "open", "half_open"]));

export const SportPlanView = z.object({
  sport: z.string().max(64),
  class: z.enum(["in_play", "soon", "later", "idle"]),
  inPlay: z.number().int().min(0),
  soon: z.number().int().min(0),
  later: z.number().int().min(0),
  oddsIntervalMs: z.number().nullable(),
  scoresIntervalMs: z.number().nullable(),
  creditsPerDay: z.number().min(0),
  /** When odds of this sport were last polled, ms since epoch: a failed poll too, which waits for the next due time like a successful one. */
  lastOddsAt: z.number().nullable(),
  /** When the last odds poll of this sport that was written was answered, ms since epoch: what the poller's vouch for the sport counts from. */
  lastWrittenAt: z.number().nullable(),
  nextOddsAt: z.number().nullable(),
});
export type SportPlanView = z.infer<typeof SportPlanView>;

export const SourceReport = z.object({
  v: z.literal(1),
  source: z.literal("the-odds-api"),
  /** ok: the last calls succeeded; stale: the source is failing, rate-limited or its breaker is open; stopped: a 401 (bad key, no credits). */
  state: z.enum(SOURCE_STATES),
  reason: z.string().max(REASON_MAX).nullable(),
  /** When it entered this state, ms since epoch. */
  since: z.number(),
  /** When this report was written, ms since epoch. */
  at: z.number(),
  lastSuccessAt: z.number().nullable(),
  usage: z.object({ remaining: z.number().int().min(0), used: z.number().int().min(0), last: z.number().int().min(0), at: z.number() }).nullable(),
  monthlyCredits: z.number().int().min(0),
  breakers: endpointStates,
  /** Until when a 429 told us to wait (ms since epoch), 0 when none. */
  blockedUntil: z.number(),
  /** Configured sport keys the provider does not know. */
  unknownSports: z.array(z.string().max(64)).max(100),
  plan: z.object({ budgetPerDay: z.number().min(0), reserve: z.number().min(0), sports: z.array(SportPlanView).max(100) }).nullable(),
  spend: z.object({
    total: z.number().min(0),
    byDay: z.array(z.object({ day: z.string().max(10), credits: z.number().min(0) })).max(40),
    bySport: z.array(z.object({ sport: z.string().max(64), credits: z.number().min(0), calls: z.number().int().min(0) })).max(100),
  }),
  counts: z.object({
    calls: z.number().int().min(0),
    failures: z.number().int().min(0),
    malformed: z.number().int().min(0),
    dropped: z.record(z.string().max(32), z.number().int().min(0)),
    suspended: z.number().int().min(0),
    reopened: z.number().int().min(0),
  }),
});
export type SourceReport = z.infer<typeof SourceReport>;

/** What the publisher's heartbeat carries of the source (absent: no external source reports). */
export const SourceSummary = z.object({ state: z.enum(SOURCE_STATES), reason: z.string().max(REASON_MAX).nullable() });
export type SourceSummary = z.infer<typeof SourceSummary>;
