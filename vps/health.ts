import type { Redis } from "ioredis";
import type { FeedStatus } from "../lib/protocol";
import { type ClusterView, type PeerSummary, answerPeers, clusterViewer } from "./cluster";

export interface RelayHealth {
  status: "ok" | "degraded";
  instanceId: string;
  uptimeSec: number;
  connections: number;
  redis: { commands: string; subscriber: string };
  feed: FeedStatus;
  sports: Array<{ sport: string; seq: number; events: number; recent: number }>;
  /** Connections held back from odds deltas, filtered rooms in use, bytes held for all connections. */
  delivery: { slowConsumers: number; filterVariants: number; bufferedBytes: number };
  /** Every relay instance on this Redis (through the adapter), this one first. */
  cluster: ClusterView;
}

/** What /health reads of the relay's parts. */
export interface HealthSources {
  instanceId: string;
  redis: Pick<Redis, "status">;
  subscriber: Pick<Redis, "status">;
  adapterReady(): boolean;
  /** Engine.IO clients open now, a connection still in its handshake or cut and not yet closed included. */
  connections(): number;
  /** Bytes held for all connections now. */
  bufferedBytes(): number;
  feed: { current(): FeedStatus };
  cache: { sports(): RelayHealth["sports"] };
  slowConsumers(): number;
  filterVariants(): number;
}

/**
 * /health: this instance, and the cluster as the other instances answer (cluster.ts). Also answers
 * the other instances' question with this instance's summary.
 */
export function healthOf(io: Parameters<typeof answerPeers>[0], sources: HealthSources, timeoutMs: number): () => Promise<RelayHealth> {
  const startedAt = Date.now();
  const summary = (): PeerSummary => ({
    instanceId: sources.instanceId,
    status: sources.subscriber.status === "ready" && sources.redis.status === "ready" ? "ok" : "degraded",
    connections: sources.connections(),
    uptimeSec: Math.round((Date.now() - startedAt) / 1000),
  });
  answerPeers(io, summary);
  const clusterView = clusterViewer(io, sources.adapterReady, timeoutMs);
  return async () => {
    const self = summary();
    const redis = { commands: sources.redis.status, subscriber: sources.subscriber.status };
    const delivery = { slowConsumers: sources.slowConsumers(), filterVariants: sources.filterVariants(), bufferedBytes: sources.bufferedBytes() };
    return { ...self, redis, feed: sources.feed.current(), sports: sources.cache.sports(), delivery, cluster: await clusterView(self) };
  };
}
