import { describe, expect, it } from "vitest";
import { percentile } from "../stats";
import { LatencyHistogram } from "./latency-histogram";

describe("LatencyHistogram", () => {
  it("gives the same percentiles as sorting the samples", () => {
    const samples = Array.from({ length: 1_000 }, (_, i) => (i * 37) % 250);
    const histogram = new LatencyHistogram();
    for (const sample of samples) histogram.record(sample);
    for (const p of [1, 50, 90, 99, 100]) expect(histogram.percentile(p)).toBe(percentile(samples, p));
    expect(histogram.count).toBe(1_000);
    expect(histogram.max).toBe(249);
  });

  it("merges another process's histogram as if it had recorded the samples itself", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let i = 0; i < 500; i += 1) {
      a.record(i % 7);
      b.record(100 + (i % 13));
      both.record(i % 7);
      both.record(100 + (i % 13));
    }
    const merged = new LatencyHistogram();
    merged.add(a.toSparse());
    merged.add(b.toSparse());
    for (const p of [50, 75, 99]) expect(merged.percentile(p)).toBe(both.percentile(p));
    expect(merged.count).toBe(1_000);
    expect(merged.max).toBe(112);
  });

  it("keeps the exact max above its ceiling and clamps clock steps to 0", () => {
    const histogram = new LatencyHistogram(100);
    histogram.record(-3);
    histogram.record(5_000);
    expect(histogram.percentile(50)).toBe(0);
    expect(histogram.percentile(100)).toBe(5_000);
    expect(histogram.max).toBe(5_000);
  });

  it("is empty after reset", () => {
    const histogram = new LatencyHistogram();
    histogram.record(4);
    histogram.reset();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(50)).toBeNaN();
    expect(histogram.toSparse()).toEqual({ buckets: [], max: 0 });
  });
});
