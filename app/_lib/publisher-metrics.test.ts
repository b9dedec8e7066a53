import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { PublisherStatus } from "@/lib/publisher/control";
import { addPublisherMetrics } from "./publisher-metrics";

const status: Omit<PublisherStatus, "producer"> = {
  desired: "running",
  running: true,
  health: { status: "ok" },
  intervalMs: 500,
  leader: { instanceId: "vm:1", since: null, following: "running", intervalMs: 500, ticking: true },
  lastTick: { at: "2026-11-24T00:00:00.000Z", ageMs: 120, durationMs: 3 },
  tickDurationMs: { p50: 2, p95: 8, p99: 20, max: 40, samples: 100 },
  queueDepth: 7,
  publishLagMs: { p50: 240, p95: 470, p99: 510, max: 600, samples: 90 },
  published: { ticks: 100, messages: 90, bytes: 12_345, changes: 400 },
  errors: { count: 1, last: null },
  updatedBy: null,
};

describe("addPublisherMetrics", () => {
  it("exposes running, tick and lag percentiles in seconds, the queue, the last tick's age and the totals", async () => {
    const registry = new Registry();
    addPublisherMetrics(registry, status);
    const text = await registry.metrics();
    expect(text).toContain("publisher_running 1");
    expect(text).toContain('publisher_tick_duration_seconds{quantile="p99"} 0.02');
    expect(text).toContain('publisher_publish_lag_seconds{quantile="p95"} 0.47');
    expect(text).toContain("publisher_queue_depth 7");
    expect(text).toContain("publisher_last_tick_age_seconds 0.12");
    expect(text).toContain('publisher_published{kind="bytes"} 12345');
    expect(text).toContain("publisher_errors 1");
  });
});

describe("addPublisherMetrics before the leader has measured anything", () => {
  it("leaves out the queue and the lag quantiles rather than reporting zeros", async () => {
    const registry = new Registry();
    addPublisherMetrics(registry, { ...status, queueDepth: null, publishLagMs: { p50: null, p95: null, p99: null, max: null, samples: 0 } });
    const text = await registry.metrics();
    expect(text).not.toMatch(/^publisher_queue_depth /m);
    expect(text).not.toMatch(/^publisher_publish_lag_seconds\{/m);
    expect(text).toContain('publisher_tick_duration_seconds{quantile="p99"} 0.02');
  });
});
