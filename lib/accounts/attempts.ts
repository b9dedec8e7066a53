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

// KEYS: one window per key. ARGV: now, window, then one limit per key. Returns the ms until the
// first blocked key frees up (0: none is blocked).
const CHECK = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    wait = math.max(wait, oldest + window - now)
  end
end
return wait
`;

const RECORD = `
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[3])
  redis.call('PEXPIRE', key, ARGV[2])
end
return 1
`;

export class AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS,
  ) {}

  /** Ms until sign-in may be tried again for this account from this address (0: now). */
  async retryAfterMs(email: string, address: string): Promise<number> {
    const wait = await this.redis.eval(CHECK, 2, key("account", email), key("address", address), Date.now(), this.limits.windowMs, this.limits.perAccount, this.limits.perAddress);
    return Math.max(0, Math.ceil(Number(wait)));
  }

  async failed(email: string, address: string): Promise<void> {
    await this.redis.eval(RECORD, 2, key("account", email), key("address", address), Date.now(), this.limits.windowMs, randomUUID());
  }

  /** A successful sign-in forgets the account's failures (not the address's). */
  async succeeded(email: string): Promise<void> {
    await this.redis.del(key("account", email));
  }
}

/** Keys name a digest, not the email or address itself. */
function key(kind: "account" | "address", value: string): string {
  return `signin-failures:${kind}:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
}
