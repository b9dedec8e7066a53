import { type Server, createServer } from "node:http";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * One publisher process's own Prometheus metrics, served on GET /metrics when
 * PUBLISHER_METRICS_PORT is set (docs/publisher.md, "Metrics"). Only the leader ticks, so on a
 * standby the tick and lag histograms stay empty and `publisher_leader` is 0. One registry per
 * process (a test may run several).
 */
export function createPublisherMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "publisher_" });
  return {
    registry,
    leader: new Gauge({ name: "publisher_leader", help: "1 while this process holds the leader lease", registers: [registry] }),
    tick: new Histogram({
      name: "publisher_tick_seconds",
      help: "Duration of successful steps: kind tick (what changed) or reconcile (the whole board)",
      labelNames: ["kind"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    tickFailures: new Counter({ name: "publisher_tick_failures_total", help: "Failed steps (rolled back; their changes stay queued)", registers: [registry] }),
    queueDepth: new Gauge({
      name: "publisher_queue_depth",
      help: "Captured changes (OddsChange rows) committed and not yet drained, as last seen by this leader",
      registers: [registry],
    }),
    originLag: new Histogram({
      name: "publisher_origin_lag_seconds",
      help: "Database write (the earliest a delta carries) to the delta published in Redis",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type PublisherMetrics = ReturnType<typeof createPublisherMetrics>;

/**
 * GET /metrics on its own small HTTP server (the publisher has no other); anything else is 404.
 * Resolves once listening; rejects when the port cannot be bound (the caller fails the start).
 */
export function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://publisher").pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("only GET /metrics is served here\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(text),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
