/** Deltas a sport may send at once after a quiet spell. */
export const DELTA_BURST = 4;
/** Deltas a sport may send per second, sustained. */
export const DELTAS_PER_SECOND = 16;

/**
 * How many odds deltas each sport may send: a token bucket per sport, `burst` deep, refilled at
 * `perSecond`. Publishing on commit could otherwise send a sport's clients a delta per commit
 * (a hundred a second when bets and feed prices pour in); with the defaults a client gets at most
 * 4 + 16 per second per sport, and whatever changed meanwhile goes out conflated in the next one.
 * Times are ms on one monotonic clock (`performance.now()`).
 */
export class DeltaBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst = DELTA_BURST,
    private readonly perSecond = DELTAS_PER_SECOND,
  ) {}

  /** Takes one delta of `sport`'s budget at `now` when there is one; whether it did. */
  take(sport: string, now: number): boolean {
    const bucket = this.refilled(sport, now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Spends one delta that must go out whatever the budget says (a suspension, a score): it may go into debt. */
  spend(sport: string, now: number): void {
    this.refilled(sport, now).tokens -= 1;
  }

  /** ms from `now` until `sport` may send its next delta (0: now). */
  waitMs(sport: string, now: number): number {
    const { tokens } = this.refilled(sport, now);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1_000) / this.perSecond);
  }

  private refilled(sport: string, now: number): { tokens: number; at: number } {
    let bucket = this.buckets.get(sport);
    if (!bucket) this.buckets.set(sport, (bucket = { tokens: this.burst, at: now }));
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1_000);
    bucket.at = now;
    return bucket;
  }
}
