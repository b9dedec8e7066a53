import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Logger } from "../lib/log";
import { type ClientToServerEvents, LIMITS, type OddsDeltaMessage, type ServerToClientEvents } from "../lib/protocol";
import { BoardSummary } from "./board-summary";
import { routeBus, watchBus } from "./bus-routes";
import type { Client, RelaySocket, SocketData } from "./client";
import { type InterServerEvents, clusterMetrics } from "./cluster";
import { type CompressionConfig, perMessageDeflate } from "./compression";
import { type Adapter, Delivery } from "./delivery";
import { type DispatchContext, dispatch } from "./dispatcher";
import { FeedStatusTracker } from "./feed-status";
import { authenticateHandshakes, handshakeRefusal, limitConnections } from "./handshake";
import { type HealthSources, type RelayHealth, healthOf } from "./health";
import { Hub } from "./hub";
import { type RelayMetrics, createMetrics } from "./metrics";
import { Revocations } from "./revocations";
import { type SlowLimits, SlowConsumers } from "./slow-consumers";
import { type RingLimits, SportCache } from "./sport-cache";
import { TokenChecks } from "./tokens";

export type { RelayHealth } from "./health";

export interface RelayConfig {
  instanceId: string;
  allowedOrigins: string[];
  jwtSecret: string | null;
  maxSubscriptions: number;
  rate: { perSec: number; burst: number };
  /** Recent deltas held in memory per sport to answer `resume` without Redis. */
  replay: RingLimits;
  /** Live connections per process and per client address; `trustProxy` reads X-Forwarded-For. */
  connections: { total: number; perAddress: number; trustProxy: boolean };
  /** WebSocket permessage-deflate on the wire (compression.ts). */
  compression: CompressionConfig;
  /** Per-connection outbound buffer limits (slow-consumers.ts). */
  slow: SlowLimits;
  /** How often each connection is pushed its `stats`, ms. */
  statsIntervalMs: number;
}

export interface RelayDeps {
  /** Commands: state reads. */
  redis: Redis;
  /** Subscriber connection for the six channels. */
  subscriber: Redis;
  /** Pub and sub connections for the Socket.IO Redis adapter. */
  adapterPub: Redis;
  adapterSub: Redis;
  config: RelayConfig;
  log: Logger;
}

export interface Relay {
  io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  metrics: RelayMetrics;
  /** This instance's health, with the cluster as the other instances report it. */
  health(): Promise<RelayHealth>;
  /** Every instance's metrics in Prometheus text, labelled by instance (cluster.ts). */
  clusterMetrics(): Promise<string>;
  /** Tells clients to reconnect elsewhere, closes every connection and the bus subscription. */
  close(): Promise<void>;
}

type RelayServer = Relay["io"];

/** How long /health waits for the other instances' answers, ms. */
const CLUSTER_TIMEOUT_MS = 1_000;

/**
 * The Socket.IO relay: authenticates handshakes, checks Origin, relays the six Redis channels to
 * their rooms and serves snapshots from its in-memory copy of each subscribed sport.
 *
 * Each instance subscribes to the channels itself, so it emits to local sockets only
 * (`io.local`): emitting through the adapter as well would deliver every message once per
 * instance. The adapter carries what spans instances: the cluster view in /health (cluster.ts).
 */
export async function createRelay(httpServer: HttpServer, deps: RelayDeps): Promise<Relay> {
  const { config, log } = deps;
  const io = createServer(httpServer, deps);
  const parts = createParts(io, deps);
  const { metrics, feed, board, cache, slow, hub, tokens } = parts;
  const identityOf = authenticateHandshakes(io, (token) => tokens.authenticate(token), metrics);
  limitConnections(io, config.connections, metrics);
  io.on("connection", (socket) => welcome(socket, hub.connect(socket, identityOf(socket)), parts));
  await routeBus(
    deps.subscriber,
    { ...parts, local: io.local, holdBooks: (books) => slow.holdBooks(books), revoked: (message) => tokens.heard(message) },
    log.child({ part: "bus" }),
  );
  watchBus(deps.subscriber, feed, cache, log, async () => {
    await board.load(deps.redis);
    await tokens.recheck();
  });
  await board.load(deps.redis);
  const timer = setInterval(() => {
    const now = Date.now();
    feed.check(now);
    tokens.prune(now);
  }, 1_000);
  hub.pushStats(config.statsIntervalMs);
  const adapterReady = () => deps.adapterPub.status === "ready";
  return {
    io,
    metrics,
    health: healthOf(io, healthSources(io, parts, deps, adapterReady), CLUSTER_TIMEOUT_MS),
    clusterMetrics: clusterMetrics(io, { instanceId: config.instanceId, registry: metrics.registry }, adapterReady, CLUSTER_TIMEOUT_MS),
    close: async () => {
      clearInterval(timer);
      hub.close();
      slow.close();
      // Closing the transports (not a server-side "disconnect") makes clients reconnect on their own.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      deps.subscriber.removeAllListeners("message");
    },
  };
}

function createServer(httpServer: HttpServer, deps: RelayDeps): RelayServer {
  const { allowedOrigins } = deps.config;
  const io: RelayServer = new Server(httpServer, {
    path: "/socket.io",
    cors: { origin: allowedOrigins.includes("*") ? true : allowedOrigins },
    allowRequest: (req, callback) => {
      const refusal = handshakeRefusal(req, allowedOrigins);
      callback(refusal, refusal === null);
    },
    maxHttpBufferSize: LIMITS.maxMessageBytes * 4,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    perMessageDeflate: perMessageDeflate(deps.config.compression),
  });
  io.adapter(createAdapter(deps.adapterPub, deps.adapterSub, { key: "relay", requestsTimeout: CLUSTER_TIMEOUT_MS }));
  return io;
}

type RelayParts = ReturnType<typeof createParts>;

/**
 * The relay's parts: the feed's status and the board summary; the sport cache and what delivers
 * from it (catch-ups and reloads go to the sport's rooms like live deltas, filtered, skipping slow
 * consumers); the slow consumers; the hub of connections; token checks; and what a connection's
 * messages are dispatched with.
 */
function createParts(io: RelayServer, deps: RelayDeps) {
  const { config, log } = deps;
  const metrics = createMetrics();
  const local = io.local;
  const feed = new FeedStatusTracker((status) => local.emit("feed:status", status), Date.now());
  const board = new BoardSummary((counts) => local.emit("sports:summary", counts));
  const hooks = {
    replay: (sport: string, delta: OddsDeltaMessage) => delivery.delta(sport, delta),
    reloaded: (sport: string) => delivery.resync(sport),
  };
  // The hooks run only once a subscriber made the cache load a sport, long after this returns.
  const cache = new SportCache(deps.redis, log.child({ part: "cache" }), hooks, config.replay);
  const namespace = io.of("/");
  const delivery = new Delivery(local, namespace.adapter as unknown as Adapter, cache, metrics);
  const slow = new SlowConsumers(cache, delivery, metrics, log.child({ part: "slow-consumers" }), config.slow);
  const revocations = new Revocations(deps.redis, log.child({ part: "revocations" }));
  const seqOf = (sport: string) => cache.seq(sport);
  const hub = new Hub({
    rooms: namespace.adapter.rooms,
    rate: config.rate,
    seqOf,
    voids: (identity) => revocations.voids(identity),
    slow,
    softBytes: config.slow.softBytes,
    metrics,
  });
  const tokens = new TokenChecks(config.jwtSecret, revocations, hub, log);
  metrics.probes.bufferedBytes = () => hub.bufferedBytes();
  metrics.probes.peakBufferedBytes = () => hub.peakBufferedBytes();
  metrics.probes.filterVariants = () => delivery.variantCount();
  const dispatcher: DispatchContext = {
    instanceId: config.instanceId,
    cache,
    resume: { cache, delivery, maxReplayBytes: config.slow.hardBytes / 2 },
    metrics,
    log,
    maxSubscriptions: config.maxSubscriptions,
    authenticate: (token) => tokens.authenticate(token),
  };
  return { metrics, feed, board, cache, delivery, slow, hub, tokens, dispatcher };
}

/** A connection that passed its handshake: its messages dispatched, then the feed's status and the board's counts. */
function welcome(socket: RelaySocket, client: Client, { dispatcher, feed, board }: RelayParts): void {
  dispatch(socket, client, dispatcher);
  client.send("feed:status", feed.current());
  const counts = board.current();
  if (counts) client.send("sports:summary", counts);
}

/** What /health reads: the parts' counts, Engine.IO's clients, Redis's connections. */
function healthSources(io: RelayServer, { hub, feed, cache, slow, delivery }: RelayParts, deps: RelayDeps, adapterReady: () => boolean): HealthSources {
  return {
    instanceId: deps.config.instanceId,
    redis: deps.redis,
    subscriber: deps.subscriber,
    adapterReady,
    connections: () => io.engine.clientsCount,
    bufferedBytes: () => hub.bufferedBytes(),
    feed,
    cache,
    slowConsumers: () => slow.count(),
    filterVariants: () => delivery.variantCount(),
  };
}
