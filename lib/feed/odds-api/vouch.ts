import type { SportVouch } from "../../protocol";
import type { SportPlan } from "./planner";

/**
 * What the poller vouches for, per sport, in its beat (docs/odds-source.md, "Producer
 * heartbeats"): a sport's prices are as fresh as its schedule promises from its last successful
 * odds poll until the next poll is due, plus a grace for a late or slow call. A sport the planner
 * does not poll (null interval), or that no odds poll has reached yet, is not listed: nothing
 * vouches for it.
 */

/** The slack after a sport's next poll falls due, ms: a quarter of its interval, at least 5 s. */
export function freshnessGraceMs(intervalMs: number): number {
  return Math.max(5_000, Math.round(intervalMs * 0.25));
}

/**
 * @param sports the current plan's sports (null interval: not polled)
 * @param lastSuccess per sport, when its last successful odds poll was answered, ms since epoch
 * @example
 * // in play every 10 s, polled at t = 60 000: vouched for until 75 000 (10 s + 5 s grace)
 * sportVouches([{ sport: "soccer_epl", oddsIntervalMs: 10_000 }], new Map([["soccer_epl", 60_000]]))
 * // → { soccer_epl: { freshUntil: 75_000 } }
 */
export function sportVouches(sports: readonly Pick<SportPlan, "sport" | "oddsIntervalMs">[], lastSuccess: ReadonlyMap<string, number>): Record<string, SportVouch> {
  const vouches: Record<string, SportVouch> = {};
  for (const { sport, oddsIntervalMs } of sports) {
    const last = lastSuccess.get(sport);
    if (oddsIntervalMs === null || last === undefined) continue;
    vouches[sport] = { freshUntil: last + oddsIntervalMs + freshnessGraceMs(oddsIntervalMs) };
  }
  return vouches;
}
