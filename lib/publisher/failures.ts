import { clues, outageOf } from "../errors";

/**
 * A run of consecutive failures (ticks, or reads of the desired state), so an outage is logged
 * when it starts, now and then while it lasts, and when it ends, not twice a second, and so the
 * status route can say since when and why.
 */
export class FailureStreak {
  count = 0;
  since: number | null = null;
  reason: string | null = null;
  private loggedAt = 0;
  /** Reasons already logged in this streak: two that alternate are logged once each, not per tick. */
  private readonly reasons = new Set<string>();

  /**
   * Records a failure. Returns whether to log it: the first of a streak, the first with a reason
   * not seen in this streak yet, or the first after `quietMs` of repeats.
   */
  fail(reason: string, now: number, quietMs = 30_000): boolean {
    const log = !this.reasons.has(reason) || now - this.loggedAt >= quietMs;
    this.count += 1;
    this.since ??= now;
    this.reason = reason;
    this.reasons.add(reason);
    if (log) this.loggedAt = now;
    return log;
  }

  /** Ends the streak; returns how long it lasted and how many failures it had (null: none). */
  succeed(now: number): { failures: number; ms: number } | null {
    if (this.count === 0) return null;
    const ended = { failures: this.count, ms: now - (this.since ?? now) };
    this.count = 0;
    this.since = null;
    this.reason = null;
    this.reasons.clear();
    return ended;
  }
}

/**
 * A reason safe to show on the public status route: what is wrong, in words an operator acts on,
 * without hosts, SQL or stacks (those go to the log).
 * @example failureReason(new Error("Can't reach database server at 10.0.0.5:5432")) // "Postgres is unreachable"
 */
export function failureReason(error: unknown): string {
  const outage = outageOf(error);
  if (outage) return `${outage} is unreachable`;
  const { names, codes } = clues(error);
  if (codes.has("P2028")) return "a Postgres transaction timed out";
  if (names.has("LeadershipLostError")) return "lost the leader lease";
  return "a tick failed with an unexpected error (see the publisher's log)";
}
