import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Readings taken when /metrics is scraped; the relay sets them once its parts exist. */
export interface DeliveryProbes {
  /** Bytes held for all connections, not yet handed to the operating system. */
  bufferedBytes: () => number;
  /** The most bytes ever held for one connection. */
  peakBufferedBytes: () => number;
  /** Filtered rooms in use. */
  filterVariants: () => number;
}

/** The relay's Prometheus metrics (GET /metrics). One registry per relay, so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "relay_" });
  const probes: DeliveryProbes = { bufferedBytes: () => 0, peakBufferedBytes: () => 0, filterVariants: () => 0 };
  const probe = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  return {
    registry,
    probes,
    messagesSent: new Counter({
      name: "relay_messages_sent_total",
      help: "Messages written to connections (added up every stats interval and at disconnect)",
      registers: [registry],
    }),
    deltasConflated: new Counter({
      name: "relay_deltas_conflated_total",
      help: "Odds deltas folded into a merged delta or a resync snapshot for a slow consumer",
      registers: [registry],
    }),
    messagesDropped: new Counter({
      name: "relay_messages_dropped_total",
      help: "Messages a slow consumer never got (superseded event:books)",
      labelNames: ["event"],
      registers: [registry],
    }),
    slowConsumers: new Gauge({
      name: "relay_slow_consumers",
      help: "Connections over the soft buffer limit, held back from odds deltas",
      registers: [registry],
    }),
    slowDisconnects: new Counter({
      name: "relay_slow_consumer_disconnects_total",
      help: "Connections cut for being too slow",
      labelNames: ["reason"],
      registers: [registry],
    }),
    bufferedBytes: probe("relay_buffered_bytes", "Bytes held for all connections, not yet handed to the operating system", () => probes.bufferedBytes()),
    peakBufferedBytes: probe("relay_connection_buffered_bytes_peak", "The most bytes ever held for one connection", () => probes.peakBufferedBytes()),
    filterVariants: probe("relay_filter_variants", "Filtered rooms (distinct market or bookmaker filters) in use", () => probes.filterVariants()),
    connections: new Gauge({ name: "relay_connections", help: "Connected sockets", registers: [registry] }),
    busMessages: new Counter({ name: "relay_bus_messages_total", help: "Messages received from Redis", labelNames: ["channel"], registers: [registry] }),
    busRejected: new Counter({ name: "relay_bus_rejected_total", help: "Malformed Redis messages dropped", labelNames: ["channel"], registers: [registry] }),
    emitted: new Counter({ name: "relay_emitted_total", help: "Room broadcasts and direct emits", labelNames: ["event"], registers: [registry] }),
    connectionsRefused: new Counter({
      name: "relay_connections_refused_total",
      help: "Handshakes refused by a connection limit",
      labelNames: ["reason"],
      registers: [registry],
    }),
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
