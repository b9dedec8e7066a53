import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The relay's Prometheus metrics (GET /metrics). One registry per relay, so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "relay_" });
  return {
    registry,
    connections: new Gauge({ name: "relay_connections", help: "Connected sockets", registers: [registry] }),
    busMessages: new Counter({ name: "relay_bus_messages_total", help: "Messages received from Redis", labelNames: ["channel"], registers: [registry] }),
    busRejected: new Counter({ name: "relay_bus_rejected_total", help: "Malformed Redis messages dropped", labelNames: ["channel"], registers: [registry] }),
    emitted: new Counter({ name: "relay_emitted_total", help: "Room broadcasts and direct emits", labelNames: ["event"], registers: [registry] }),
    connectionsRefused: new Counter({ name: "relay_connections_refused_total", help: "Handshakes refused by a connection limit", labelNames: ["reason"], registers: [registry] }),
    clientErrors: new Counter({ name: "relay_client_errors_total", help: "Errors sent to clients", labelNames: ["code"], registers: [registry] }),
    resyncs: new Counter({ name: "relay_resyncs_total", help: "Sport state reloads after a seq gap", labelNames: ["sport"], registers: [registry] }),
    deltaLag: new Histogram({
      name: "relay_delta_lag_seconds",
      help: "Publisher commit to relay receipt of odds deltas",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    originLag: new Histogram({
      name: "relay_origin_lag_seconds",
      help: "Database write (the earliest a delta carries) to relay receipt: what a bettor waits, less the last hop",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createMetrics>;
