import type { Registry } from "prom-client";
import { Gauge } from "prom-client";
import type { PublisherStatus } from "@/lib/publisher/control";

/**
 * The publisher's report as Prometheus gauges, added to a registry: whether it runs, tick
 * duration and commit → publish lag percentiles over its recent ticks and deltas, the change
 * queue's depth, the last tick's age, and its totals.
 * Read from the leader's report in Redis, so any web instance answers the same.
 */
export function addPublisherMetrics(registry: Registry, status: Omit<PublisherStatus, "producer">): void {
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  gauge("publisher_running", "1 while the publisher runs and ticks successfully").set(status.running ? 1 : 0);
  gauge("publisher_interval_seconds", "Tick interval").set(status.intervalMs / 1000);
  const quantiles = (name: string, help: string, ms: PublisherStatus["tickDurationMs"]) => {
    const metric = gauge(name, help, ["quantile"]);
    for (const quantile of ["p50", "p95", "p99", "max"] as const) {
      const value = ms[quantile];
      if (value !== null) metric.set({ quantile }, value / 1000);
    }
  };
  quantiles("publisher_tick_duration_seconds", "Tick duration over the leader's recent successful ticks", status.tickDurationMs);
  quantiles(
    "publisher_publish_lag_seconds",
    "Database write (the earliest a delta carries) to the delta published, over the leader's recent deltas",
    status.publishLagMs,
  );
  if (status.queueDepth !== null)
    gauge("publisher_queue_depth", "Captured changes committed and not yet drained, as the leader last saw them").set(status.queueDepth);
  if (status.lastTick) gauge("publisher_last_tick_age_seconds", "Seconds since the last successful tick").set(status.lastTick.ageMs / 1000);
  const published = gauge("publisher_published", "Totals since the counters began (they survive failover)", ["kind"]);
  for (const [kind, value] of Object.entries(status.published)) published.set({ kind }, value);
  gauge("publisher_errors", "Failed ticks since the counters began").set(status.errors.count);
}
