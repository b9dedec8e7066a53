import { describe, expect, it } from "vitest";
import { TickStats } from "./tick-stats";

describe("TickStats", () => {
  it("reports nearest-rank percentiles of the last N samples", () => {
    const stats = new TickStats(100);
    expect(stats.percentile(50)).toBeNull();
    for (let i = 1; i <= 100; i += 1) stats.record(i);
    expect([stats.percentile(50), stats.percentile(95), stats.percentile(99), stats.percentile(100)]).toEqual([50, 95, 99, 100]);
    for (let i = 0; i < 100; i += 1) stats.record(1_000); // the ring forgets old samples
    expect(stats.percentile(0)).toBe(1_000);
    expect(stats.count).toBe(100);
  });
});
