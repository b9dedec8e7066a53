import { AggregatorRegistry, Gauge, type Registry } from "prom-client";
import type { Server } from "socket.io";
import { z } from "zod";
import { RelayInstance } from "../lib/protocol/admin-overview";

/**
 * What relay instances ask each other through the Socket.IO Redis adapter (`serverSideEmit`).
 * Each instance relays the Redis channels to its own sockets by itself, so the adapter carries no
 * odds; it carries what only the cluster as a whole can answer. Behind PM2 cluster mode every
 * instance shares one port, and a GET /health or /metrics/cluster lands on any one of them: it
 * still covers them all.
 */

/** One instance's summary: what /health lists under `cluster`, and what the console reads. */
export const PeerSummary = RelayInstance;
export type PeerSummary = RelayInstance;

/** Events between relay instances (the 3rd type parameter of Socket.IO's `Server`). */
export interface InterServerEvents {
  "relay:summary": (ack: (summary: unknown) => void) => void;
  "relay:metrics": (ack: (metrics: unknown) => void) => void;
}

export interface ClusterView {
  /** Every instance that answered, this one first. */
  instances: PeerSummary[];
  /** Connections across those instances. */
  connections: number;
  /** False when some instance did not answer in time (or the adapter's Redis is unreachable). */
  complete: boolean;
}

// Only the inter-server side matters here; the client events and socket data are the relay's.
// biome-ignore lint: any instance of the relay's Server, whatever its client event maps
type ClusterServer = Server<any, any, InterServerEvents, any>;

/** Answers other instances' questions with this instance's summary. */
export function answerPeers(io: ClusterServer, summary: () => PeerSummary): void {
  io.on("relay:summary", (ack) => {
    if (typeof ack === "function") ack(summary());
  });
}

/** What the other instances answered, and whether every one did in time. */
interface PeerAnswers<T = PeerSummary> {
  peers: T[];
  complete: boolean;
}

/**
 * Asks every other instance `event` and waits at most `timeoutMs` (the adapter's request timeout,
 * plus a margin for a Redis that cannot even count the subscribers). Answers that do not parse
 * are left out and make the answers incomplete.
 */
function askPeers<T extends { instanceId: string }>(
  io: ClusterServer,
  event: keyof InterServerEvents,
  schema: z.ZodType<T>,
  timeoutMs: number,
): Promise<PeerAnswers<T>> {
  return new Promise((resolve) => {
    const done = (answers: unknown[], complete: boolean) => {
      clearTimeout(timer);
      const peers = answers.map((answer) => schema.safeParse(answer)).flatMap((parsed) => (parsed.success ? [parsed.data] : []));
      resolve({ peers: peers.sort((a, b) => a.instanceId.localeCompare(b.instanceId)), complete: complete && peers.length === answers.length });
    };
    const timer = setTimeout(() => done([], false), timeoutMs + 250);
    io.serverSideEmit(event, (error: Error | null, answers: unknown[]) => done(answers ?? [], error === null));
  });
}

/**
 * The cluster view for /health, asked for at most once per `maxAgeMs` however often /health is
 * hit (one question in flight at a time), so polling it never floods the other instances. This
 * instance's own line is always current. Without the adapter's Redis nobody can be asked: that
 * is said at once instead of after a timeout.
 */
export function clusterViewer(
  io: ClusterServer,
  adapterReady: () => boolean,
  timeoutMs: number,
  maxAgeMs = 1_000,
): (self: PeerSummary) => Promise<ClusterView> {
  let last: (PeerAnswers & { at: number }) | null = null;
  let asking: Promise<void> | null = null;
  const view = (self: PeerSummary, { peers, complete }: PeerAnswers): ClusterView => {
    const instances = [self, ...peers];
    return { instances, connections: instances.reduce((sum, i) => sum + i.connections, 0), complete };
  };
  return async (self) => {
    if (!adapterReady()) return view(self, { peers: [], complete: false });
    if (!last || Date.now() - last.at >= maxAgeMs) {
      asking ??= askPeers(io, "relay:summary", PeerSummary, timeoutMs)
        .then((answers) => {
          last = { ...answers, at: Date.now() };
        })
        .finally(() => {
          asking = null;
        });
      await asking;
    }
    return view(self, last ?? { peers: [], complete: false });
  };
}

/** One metric of `registry.getMetricsAsJSON()` (prom-client), as another instance sends it. */
const MetricJson = z.object({
  name: z.string().min(1).max(200),
  help: z.string().max(1_000),
  type: z.enum(["counter", "gauge", "histogram", "summary"]),
  values: z
    .array(
      z.object({
        // NaN (a gauge not yet sampled) may arrive as null.
        value: z.union([z.number(), z.nan(), z.null()]).transform((v) => v ?? Number.NaN),
        labels: z.record(z.string(), z.union([z.string(), z.number()])),
        metricName: z.string().max(200).optional(),
      }),
    )
    .max(10_000),
});
export const InstanceMetrics = z.object({ instanceId: z.string().min(1).max(200), metrics: z.array(MetricJson).max(1_000) });
export type InstanceMetrics = z.infer<typeof InstanceMetrics>;

/**
 * GET /metrics/cluster: the metrics of every instance on this Redis, each series labelled with
 * its instance (`relay="<instanceId>"`), whichever instance the request reached; plus
 * `relay_cluster_complete` (0 when some instance did not answer in time). Behind PM2 cluster
 * mode a plain /metrics scrape lands on any one instance, so its counters would jump between
 * processes. One question to the other instances at a time, however often it is scraped. Also
 * answers the same question from the others with this instance's metrics.
 */
export function clusterMetrics(
  io: ClusterServer,
  self: { instanceId: string; registry: Registry },
  adapterReady: () => boolean,
  timeoutMs: number,
): () => Promise<string> {
  const own = async (): Promise<InstanceMetrics> => ({
    instanceId: self.instanceId,
    metrics: (await self.registry.getMetricsAsJSON()) as unknown as InstanceMetrics["metrics"],
  });
  io.on("relay:metrics", (ack) => {
    if (typeof ack === "function") void own().then(ack);
  });
  let asking: Promise<PeerAnswers<InstanceMetrics>> | null = null;
  return async () => {
    const peers = adapterReady()
      ? await (asking ??= askPeers(io, "relay:metrics", InstanceMetrics, timeoutMs).finally(() => {
          asking = null;
        }))
      : { peers: [], complete: false };
    const registry = mergeMetrics([await own(), ...peers.peers]);
    new Gauge({ name: "relay_cluster_complete", help: "1 when every relay instance answered in time for these metrics", registers: [registry] }).set(
      peers.complete ? 1 : 0,
    );
    return registry.metrics();
  };
}

/**
 * One registry holding every instance's series, told apart by a `relay` label. Each label set
 * then comes from one instance only, so "summing" them (prom-client's aggregator) keeps each
 * value as it is, also for metrics it would otherwise average or leave out.
 */
export function mergeMetrics(instances: InstanceMetrics[]): Registry {
  const labelled = instances.map(({ instanceId, metrics }) =>
    metrics.map((metric) => ({
      ...metric,
      aggregator: "sum",
      values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, relay: instanceId } })),
    })),
  );
  return AggregatorRegistry.aggregate(labelled);
}
