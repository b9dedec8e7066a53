import { z } from "zod";
import { REASON_MAX } from "./limits";
import { StaleSports } from "./messages";
import { parseJson } from "./parse";
import { KEYS } from "./names";
import { PRODUCERS } from "./producers";

/**
 * What the publishing leader vouches for right now (docs/bets.md, "When a bet is refused"): its
 * own health, the expected odds producer's liveness and the sports whose prices nobody vouches
 * for. Rewritten to Redis every control step (at least once a second) with a short expiry, so a
 * dead publisher stops vouching by itself. The bet path reads it before taking any price.
 */

export const TRUST_TTL_MS = 3_000;

export const TrustRecord = z.object({
  v: z.literal(1),
  /** When written, ms since epoch. */
  at: z.number(),
  /** The leader that wrote it. */
  instanceId: z.string().min(1).max(128),
  publisher: z.object({
    /** ok: ticking on time; stopped: an admin stopped it; failing: ticks fail or are late. */
    status: z.enum(["ok", "stopped", "failing"]),
    reason: z.string().max(REASON_MAX).nullable(),
  }),
  producer: z.object({
    /** The producer this deployment expects (ODDS_SOURCE), or null when none is expected (prices come from elsewhere). */
    name: z.enum(PRODUCERS).nullable(),
    /** up: an active instance beats; down: none has for longer than the silence limit; none: nothing expected. */
    state: z.enum(["up", "down", "none"]),
    reason: z.string().max(REASON_MAX).nullable(),
    /** When it entered this state, ms since epoch. */
    since: z.number(),
  }),
  /** Sports whose prices no live producer vouches for right now, each with why (shown to bettors). */
  staleSports: StaleSports,
});
export type TrustRecord = z.infer<typeof TrustRecord>;

/** Why a price cannot be taken (the `reason` of a `prices_stale` refusal). */
export const TRUST_REASONS = ["publisher_down", "publisher_stopped", "publisher_failing", "producer_down", "sport_stale"] as const;
export type TrustReason = (typeof TRUST_REASONS)[number];

export interface RedisTrustGet {
  get(key: string): Promise<string | null>;
}

/** The leader's current record, or null when there is none, it expired, or it does not parse. */
export async function readTrust(redis: RedisTrustGet): Promise<TrustRecord | null> {
  const raw = await redis.get(KEYS.oddsTrust);
  if (raw === null) return null;
  const parsed = parseJson(TrustRecord, raw);
  return parsed.ok ? parsed.message : null;
}
