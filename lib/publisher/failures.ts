import { errorMessage } from "../errors";

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

  /**
   * Records a failure. Returns whether to log it: the first of a streak, one whose reason
   * differs from the last, or the first after `quietMs` of repeats.
   */
  fail(reason: string, now: number, quietMs = 30_000): boolean {
    const log = this.count === 0 || reason !== this.reason || now - this.loggedAt >= quietMs;
    this.count += 1;
    this.since ??= now;
    this.reason = reason;
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
    return ended;
  }
}

/**
 * A reason safe to show on the public status route: what is wrong, in words an operator acts on,
 * without hosts, SQL or stacks (those go to the log).
 * @example failureReason(new Error("Can't reach database server at 10.0.0.5:5432")) // "Postgres is unreachable"
 */
export function failureReason(error: unknown): string {
  const text = causeChain(error);
  if (/MaxRetriesPerRequest|Connection is closed|Stream isn't writeable|Command timed out|\bredis\b/i.test(text)) return "Redis is unreachable";
  if (/Can't reach database server|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection/i.test(text)) {
    return "Postgres is unreachable";
  }
  if (/Transaction API error|transaction.*(timed out|expired)/i.test(text)) return "a Postgres transaction timed out";
  const name = error instanceof Error ? error.name : "";
  if (name === "SeqConflictError") return "the seq in Redis differs from the publisher's; reconciling";
  if (name === "LeadershipLostError") return "lost the leader lease";
  return "a tick failed with an unexpected error (see the publisher's log)";
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    parts.push(current instanceof Error ? `${current.name} ${current.message} ${(current as { code?: unknown }).code ?? ""}` : errorMessage(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" | ");
}
