/**
 * A token bucket: `burst` messages at once, refilled at `perSec`. One per connection; time is
 * passed in so tests need no clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes one token; false when the bucket is empty (the message should be refused). */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSec);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Refusals within FLOOD_WINDOW_MS after which a client counts as flooding (and is cut). */
export const FLOOD_DISCONNECT_AFTER = 100;
/** The window refusals are counted in, ms. */
const FLOOD_WINDOW_MS = 10_000;

/**
 * A connection's limiter part: a token bucket for the messages it sends, and a count of the ones
 * refused, so a client that keeps flooding past its refusals can be cut. Time is passed in.
 *
 * @example
 * const limiter = new ClientLimiter({ perSec: 10, burst: 30 }, Date.now());
 * if (!limiter.take(now) && limiter.refused(now)) cut the client
 */
export class ClientLimiter {
  private readonly bucket: TokenBucket;
  private refusals = 0;
  private windowStart: number;

  constructor(rate: { perSec: number; burst: number }, now: number) {
    this.bucket = new TokenBucket(rate.perSec, rate.burst, now);
    this.windowStart = now;
  }

  /** Takes a token for one message; false when it must be refused as `rate_limited`. */
  take(now: number): boolean {
    return this.bucket.take(now);
  }

  /**
   * Counts one refused message (rate limited, oversized, unknown). True exactly once per window:
   * when this refusal is the FLOOD_DISCONNECT_AFTER-th in FLOOD_WINDOW_MS.
   */
  refused(now: number): boolean {
    if (now - this.windowStart > FLOOD_WINDOW_MS) {
      this.refusals = 0;
      this.windowStart = now;
    }
    this.refusals += 1;
    return this.refusals === FLOOD_DISCONNECT_AFTER;
  }
}
