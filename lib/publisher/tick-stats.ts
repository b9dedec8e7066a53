/**
 * The most recent durations, in ms (a fixed ring, so memory stays flat however long we run), and
 * their percentiles: of ticks, and of commit → publish lags.
 */
export class TickStats {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity = 1_000) {
    this.samples = new Float64Array(capacity);
  }

  record(durationMs: number): void {
    this.samples[this.next] = durationMs;
    this.next = (this.next + 1) % this.samples.length;
    this.filled = Math.min(this.filled + 1, this.samples.length);
  }

  get count(): number {
    return this.filled;
  }

  /** Nearest-rank percentile (p in [0, 100]) of the recorded durations; null with no samples. */
  percentile(p: number): number | null {
    if (this.filled === 0) return null;
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank] ?? null;
  }
}
