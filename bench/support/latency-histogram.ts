/**
 * Delivery latencies in whole milliseconds, one bucket per ms: exact percentiles at the clocks'
 * resolution (`Date.now()` on both ends), a fixed 0.5 MB however many samples, and mergeable
 * across processes through `toSparse`/`add`. Values above the ceiling land in the last bucket;
 * `max` stays exact.
 */
export class LatencyHistogram {
  private readonly counts: Uint32Array;
  count = 0;
  max = 0;

  constructor(readonly ceilingMs = 120_000) {
    this.counts = new Uint32Array(ceilingMs + 1);
  }

  /** One sample, ms. Negative values (clock steps) count as 0. */
  record(ms: number): void {
    const value = Math.max(0, Math.round(ms));
    const bucket = Math.min(value, this.ceilingMs);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count += 1;
    if (value > this.max) this.max = value;
  }

  /** The value at or below which `p` % of the samples lie, ms (NaN when empty). */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let ms = 0; ms < this.counts.length; ms += 1) {
      seen += this.counts[ms] ?? 0;
      if (seen >= rank) return ms === this.ceilingMs ? this.max : ms;
    }
    return this.max;
  }

  /** Non-empty buckets as `[ms, count]` pairs, plus the exact max: what a process sends home. */
  toSparse(): SparseHistogram {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, ms) => {
      if (count > 0) buckets.push([ms, count]);
    });
    return { buckets, max: this.max };
  }

  /** Adds another histogram's samples (from `toSparse`). */
  add(other: SparseHistogram): void {
    for (const [ms, count] of other.buckets) {
      const bucket = Math.min(ms, this.ceilingMs);
      this.counts[bucket] = (this.counts[bucket] ?? 0) + count;
      this.count += count;
    }
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
  }
}

export interface SparseHistogram {
  buckets: [number, number][];
  max: number;
}
