import { ExponentialBackoff, type IBackoff } from "cockatiel";

/**
 * The wait a 429 (EXCEEDED_FREQ_LIMIT) imposes. While it is in force the client makes no call at
 * all: hammering a provider that asked us to slow down only lengthens the wait and burns goodwill.
 */
export interface RateLimitOptions {
  now: () => number;
  /** First wait when a 429 names none, ms; grows (with jitter) on consecutive 429s. */
  initialDelayMs: number;
  /** Longest wait we choose ourselves, ms (a Retry-After may ask for more, up to its own cap). */
  maxDelayMs: number;
}

export class RateLimit {
  private until = 0;
  /** The backoff of the current run of 429s; reset by any other answer. */
  private backoff: IBackoff<unknown> | null = null;
  private readonly factory: ExponentialBackoff<unknown>;

  constructor(private readonly options: RateLimitOptions) {
    this.factory = new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs });
  }

  /** Until when (ms since epoch) calls must wait; 0 when they need not. */
  blockedUntil(): number {
    return this.until > this.options.now() ? this.until : 0;
  }

  /**
   * Records a 429 and returns the wait it imposes, ms: the Retry-After when the answer had one,
   * else the next step of a jittered exponential backoff.
   */
  limited(retryAfterMs: number | null): number {
    this.backoff = this.backoff ? this.backoff.next(undefined) : this.factory.next();
    const waitMs = retryAfterMs ?? Math.max(1, Math.round(this.backoff.duration));
    this.until = Math.max(this.until, this.options.now() + waitMs);
    return waitMs;
  }

  /** Any answer other than a 429: the next 429 starts the backoff afresh. */
  answered(): void {
    this.backoff = null;
  }
}
