import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * How often one account may post to chat: a sliding window per user in Redis, a sorted set of
 * post times scored in ms. A fixed window would let a user post 2 × max messages across a window
 * boundary; the sliding one never lets more than `max` through in any `windowMs`.
 */

export interface ChatRateLimits {
  /** Messages one user may post within any window. */
  max: number;
  /** Length of the window, ms. */
  windowMs: number;
}

// KEYS[1]: the user's window. ARGV: window (ms), max, this post's id. Time is Redis's own clock,
// so every web process counts against the same one. Returns 0 and records the post when it fits,
// else the ms until the oldest post in the window ages out (at least 1) and records nothing.
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window, max = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= max then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  return math.max(1, oldest + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

/** A post let through (`retryAfterMs` 0, with the id to `release` it by), or refused. */
export interface ChatTurn {
  /** Ms until this user may post again; 0: this post may go ahead. */
  retryAfterMs: number;
  id: string;
}

export class ChatRateLimiter {
  constructor(
    private readonly redis: Redis,
    readonly limits: ChatRateLimits,
  ) {}

  /** Checks and counts in one step, so parallel posts cannot all slip under the limit. */
  async take(userId: string): Promise<ChatTurn> {
    const id = randomUUID();
    const wait = await this.redis.eval(TAKE, 1, keyOf(userId), this.limits.windowMs, this.limits.max, id);
    return { retryAfterMs: Math.max(0, Math.ceil(Number(wait))), id };
  }

  /**
   * Gives back a turn whose post was never stored (unknown event, Postgres down): the user is not
   * charged for our failure. Best effort.
   */
  async release(userId: string, turn: ChatTurn): Promise<void> {
    await this.redis.zrem(keyOf(userId), turn.id).catch(() => {});
  }
}

function keyOf(userId: string): string {
  return `chat-rate:${userId}`;
}
