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
    return rankOf(this.sorted(), p);
  }

  /** p50, p95, p99 and max from one sort (the status report asks for them after every tick). */
  summary(): { p50: number | null; p95: number | null; p99: number | null; max: number | null } {
    const sorted = this.sorted();
    return { p50: rankOf(sorted, 50), p95: rankOf(sorted, 95), p99: rankOf(sorted, 99), max: rankOf(sorted, 100) };
  }

  private sorted(): Float64Array {
    return this.samples.slice(0, this.filled).sort(); // a typed array sorts numerically
  }
}

function rankOf(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}
