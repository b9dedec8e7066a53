import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Failed sign-in attempts per account and per client address, each a sliding window in Redis (a
 * sorted set of attempt times). Over either limit, sign-in is refused until the oldest failure
 * in the window has aged out, whatever the password.
 */

export interface AttemptLimits {
  /** Length of the window, ms. */
  windowMs: number;
  perAccount: number;
  perAddress: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 30 };

// KEYS: one window per key. ARGV: now, window, attempt id, then one limit per key. When a key is
// at its limit, returns the ms until its oldest entry ages out and records nothing; otherwise
// records the attempt in every window (as a failure until it is known to be none) and returns 0.
const BEGIN = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    wait = math.max(wait, oldest + window - now)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 0
`;

/** A sign-in attempt under way: counted as a failure unless `succeeded` says otherwise. */
export interface Attempt {
  /** Ms until sign-in may be tried again (0: this attempt may go ahead). */
  retryAfterMs: number;
  id: string;
}

/**
 * Check and count in one step: parallel attempts cannot all slip under the limit, because each
 * counts before the password is even looked at.
 */
export class AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS,
  ) {}

  async begin(email: string, address: string): Promise<Attempt> {
    const id = randomUUID();
    const wait = await this.redis.eval(BEGIN, 2, key("account", email), key("address", address), Date.now(), this.limits.windowMs, id, this.limits.perAccount, this.limits.perAddress);
    return { retryAfterMs: Math.max(0, Math.ceil(Number(wait))), id };
  }

  /**
   * The attempt was right: the account's failures are forgotten, and the attempt no longer counts
   * against the address.
   */
  async succeeded(email: string, address: string, attempt: Attempt): Promise<void> {
    await this.redis.multi().del(key("account", email)).zrem(key("address", address), attempt.id).exec();
  }
}

/** Keys name a digest, not the email or address itself. */
function key(kind: "account" | "address", value: string): string {
  return `signin-failures:${kind}:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
}
