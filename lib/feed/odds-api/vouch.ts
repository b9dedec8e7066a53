import type { SportVouch } from "../../protocol";
import type { SportPlan } from "./planner";

/**
 * What the poller vouches for, per sport, in its beat (docs/odds-source.md, "Producer
 * heartbeats"): a sport's prices are as fresh as its schedule promises from its last successful
 * odds poll until the next poll is due, plus a grace for a late or slow call. A sport the planner
 * does not poll (null interval), or that no odds poll has reached yet, is not listed: nothing
 * vouches for it.
 */

/**
 * The slack after a sport's next poll falls due, ms: one more interval and 5 s. One failed or late
 * poll (a 500, a timeout with its retries) is then not a lapse: a lapse bet-stops every in-play
 * market of the sport, and a bet-stopped market reopens only when a book re-prices it.
 */
export function freshnessGraceMs(intervalMs: number): number {
  return intervalMs + 5_000;
}

/**
 * @param sports the current plan's sports (null interval: not polled)
 * @param lastSuccess per sport, when its last successful odds poll was answered, ms since epoch
 * @example
 * // in play every 10 s, polled at t = 60 000: vouched for until 85 000 (10 s + a grace of 10 s + 5 s)
 * sportVouches([{ sport: "soccer_epl", oddsIntervalMs: 10_000 }], new Map([["soccer_epl", 60_000]]))
 * // → { soccer_epl: { freshUntil: 85_000 } }
 */
export function sportVouches(
  sports: readonly Pick<SportPlan, "sport" | "oddsIntervalMs">[],
  lastSuccess: ReadonlyMap<string, number>,
): Record<string, SportVouch> {
  const vouches: Record<string, SportVouch> = {};
  for (const { sport, oddsIntervalMs } of sports) {
    const last = lastSuccess.get(sport);
    if (oddsIntervalMs === null || last === undefined) continue;
    vouches[sport] = { freshUntil: last + oddsIntervalMs + freshnessGraceMs(oddsIntervalMs) };
  }
  return vouches;
}
