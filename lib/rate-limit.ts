import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Sliding-window limits in Redis, one sorted set of attempt times (ms) per window. A fixed window
 * would let 2 × max through across a window boundary; a sliding one never lets more than `max`
 * through within any `windowMs`. Every web process counts against the same sets, on Redis's own
 * clock (`TIME`), so the web processes' clocks never matter.
 *
 * `rate-limiter-flexible` was considered: its Redis limiters count fixed windows (its own docs say
 * "fixed window"), which is exactly the 2 × max burst this module exists to prevent.
 */

/** One limit: at most `max` attempts within any `windowMs`. */
export interface Window {
  max: number;
  /** Length of the window, ms. */
  windowMs: number;
}

/** A window applied to one subject: `rule` names the limit ("bets:account"), `subject` whom it counts. */
export interface Counter extends Window {
  rule: string;
  subject: string;
}

/** The answer to `take`: let through (`retryAfterMs` 0) or refused. */
export interface Turn {
  /** Ms until every window has room again; 0: this attempt was counted and may go ahead. */
  retryAfterMs: number;
  /** This attempt's member in each window, to give it back by (`release`). */
  id: string;
  /** The keys it was counted under (empty when refused). */
  keys: string[];
  /** Redis's clock when the attempt was decided, ms since the epoch. */
  now: number;
}

// KEYS: one window per key. ARGV: the attempt's id, then (max, windowMs) per key. Returns
// { wait, now }: when any window is full, wait is the ms until the last full one has room (at
// least 1) and nothing is recorded; otherwise wait is 0 and the attempt is recorded in every
// window. All or nothing, so a refused attempt costs no window a turn.
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local max, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local held = redis.call('ZCARD', key)
  if held >= max then
    local oldest = tonumber(redis.call('ZRANGE', key, held - max, held - max, 'WITHSCORES')[2])
    wait = math.max(wait, oldest + window - now, 1)
  end
end
if wait == 0 then
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[1])
    redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
  end
end
return { wait, now }
`;

/**
 * Checks and counts in one step (a Lua script), so parallel attempts cannot all slip under a
 * limit. Throws when Redis cannot be reached: each caller decides what that means (every route
 * here refuses, see docs/bets.md "Limits").
 *
 * @example
 * const turn = await limiter.take([{ rule: "chat:account", subject: userId, max: 5, windowMs: 10_000 }]);
 * if (turn.retryAfterMs > 0) … answer 429 with Retry-After: ceil(turn.retryAfterMs / 1000)
 */
export class RateLimiter {
  constructor(private readonly redis: Redis) {}

  async take(counters: readonly Counter[]): Promise<Turn> {
    const id = randomUUID();
    const keys = counters.map(keyOf);
    const args = counters.flatMap((c) => [c.max, c.windowMs]);
    const [wait, now] = (await this.redis.eval(TAKE, keys.length, ...keys, id, ...args)) as [number, number];
    const retryAfterMs = Math.max(0, Math.ceil(Number(wait)));
    return { retryAfterMs, id, keys: retryAfterMs > 0 ? [] : keys, now: Number(now) };
  }

  /**
   * Gives a counted attempt back (the work it stood for never happened, or turned out to be no
   * failure), in every window or in those of `only`. Best effort: a turn not given back ages out.
   */
  async release(turn: Turn, only?: readonly Counter[]): Promise<void> {
    const keys = only ? only.map(keyOf) : turn.keys;
    if (keys.length === 0) return;
    const multi = this.redis.multi();
    for (const key of keys) multi.zrem(key, turn.id);
    await multi.exec().catch(() => {});
  }

  /** Empties a window (a sign-in that succeeded forgets the failures before it). */
  async clear(counter: Pick<Counter, "rule" | "subject">): Promise<void> {
    await this.redis.del(keyOf(counter));
  }
}

/** Seconds for a `Retry-After` header: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Keys name a digest of the subject, never an email or an address itself. */
export function keyOf(counter: Pick<Counter, "rule" | "subject">): string {
  return `rate:${counter.rule}:${digest(counter.subject)}`;
}

/** A short, stable digest of an email, an address or an id (for Redis keys and members). */
export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 32);
}
