import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { PublisherStatus } from "../../lib/publisher/control";
import { addPublisherMetrics } from "./publisher-metrics";

const status: PublisherStatus = {
  desired: "running",
  running: true,
  health: { status: "ok" },
  intervalMs: 500,
  leader: { instanceId: "vm:1", since: null, following: "running", intervalMs: 500, ticking: true },
  lastTick: { at: "2026-11-24T00:00:00.000Z", ageMs: 120, durationMs: 3 },
  tickDurationMs: { p50: 2, p95: 8, p99: 20, max: 40, samples: 100 },
  published: { ticks: 100, messages: 90, bytes: 12_345, changes: 400 },
  errors: { count: 1, last: null },
  updatedBy: null,
};

describe("addPublisherMetrics", () => {
  it("exposes running, tick percentiles in seconds, the last tick's age and the totals", async () => {
    const registry = new Registry();
    addPublisherMetrics(registry, status);
    const text = await registry.metrics();
    expect(text).toContain("publisher_running 1");
    expect(text).toContain('publisher_tick_duration_seconds{quantile="p99"} 0.02');
    expect(text).toContain("publisher_last_tick_age_seconds 0.12");
    expect(text).toContain('publisher_published{kind="bytes"} 12345');
    expect(text).toContain("publisher_errors 1");
  });
});
