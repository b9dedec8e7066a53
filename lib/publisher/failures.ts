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

/** What a thrown value and its causes say about themselves: names, codes and messages. */
interface Clues {
  names: Set<string>;
  codes: Set<string>;
  text: string;
}

function clues(error: unknown): Clues {
  const found: Clues = { names: new Set(), codes: new Set(), text: "" };
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 6; depth += 1) {
    if (typeof current !== "object") {
      found.text += ` ${errorMessage(current)}`;
      break;
    }
    const fields = current as { name?: unknown; code?: unknown; kind?: unknown; message?: unknown; cause?: unknown };
    for (const value of [fields.name, fields.kind]) if (typeof value === "string") found.names.add(value);
    if (typeof fields.code === "string") found.codes.add(fields.code);
    if (typeof fields.message === "string") found.text += ` ${fields.message}`;
    current = fields.cause;
  }
  return found;
}

/** ioredis' own failures of a command while Redis is away. */
const REDIS_NAMES = new Set(["MaxRetriesPerRequestError"]);
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|Command timed out/;
/**
 * Postgres out of reach: Prisma's codes (P1001 cannot reach, P1017 connection closed, P2024 no
 * connection from the pool in time), the pg adapter's kinds, SQLSTATE class 08 and shutdown
 * codes, and the socket errors under them.
 */
const POSTGRES_CODES = new Set(["P1001", "P1017", "P2024", "57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);
const POSTGRES_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const POSTGRES_MESSAGES = /Can't reach database server|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection|not currently accepting connections/i;

/**
 * A reason safe to show on the public status route: what is wrong, in words an operator acts on,
 * without hosts, SQL or stacks (those go to the log).
 * @example failureReason(new Error("Can't reach database server at 10.0.0.5:5432")) // "Postgres is unreachable"
 */
export function failureReason(error: unknown): string {
  const { names, codes, text } = clues(error);
  if ([...names].some((name) => REDIS_NAMES.has(name)) || REDIS_MESSAGES.test(text)) return "Redis is unreachable";
  const postgres =
    [...codes].some((code) => POSTGRES_CODES.has(code) || code.startsWith("08")) || [...names].some((name) => POSTGRES_KINDS.has(name)) || POSTGRES_MESSAGES.test(text);
  if (postgres) return "Postgres is unreachable";
  if (codes.has("P2028")) return "a Postgres transaction timed out";
  if (names.has("LeadershipLostError")) return "lost the leader lease";
  return "a tick failed with an unexpected error (see the publisher's log)";
}
