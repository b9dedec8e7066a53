import type { Server as HttpServer, IncomingMessage } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Logger } from "../lib/log";
import { type ClientToServerEvents, type FeedStatus, LIMITS, type OddsDeltaMessage, ROOMS, type ServerToClientEvents, type SportsOddsMessage } from "../lib/protocol";
import { AuthError, type Identity, REVOKED_MESSAGE, authenticate } from "./auth";
import { BoardSummary } from "./board-summary";
import { subscribeBus } from "./bus";
import { type ClusterView, type InterServerEvents, type PeerSummary, answerPeers, clusterMetrics, clusterViewer } from "./cluster";
import { pushStats } from "./client-stats";
import { ConnectionLimits, clientAddress } from "./connection-limits";
import { type CompressionConfig, perMessageDeflate } from "./compression";
import { type ConnectionContext, type RelaySocket, type SocketData, handleConnection, initSocketData } from "./connection";
import { type Adapter, Delivery } from "./delivery";
import { FeedStatusTracker } from "./feed-status";
import { revoke } from "./identity";
import { Revocations } from "./revocations";
import { type RelayMetrics, createMetrics } from "./metrics";
import { type SlowLimits, SlowConsumers } from "./slow-consumers";
import { type RingLimits, SportCache } from "./sport-cache";

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
  const metrics = createMetrics();
  const io = createServer(httpServer, deps);
  const local = io.local;
  const feed = new FeedStatusTracker((status) => local.emit("feed:status", status), Date.now());
  const board = new BoardSummary((counts) => local.emit("sports:summary", counts));
  const { cache, delivery, slow } = createDelivery(deps, io, metrics);
  const revoked = revocationsOf(io, deps);
  const { instanceId, maxSubscriptions, rate } = config;
  const ctx: ConnectionContext = { instanceId, cache, delivery, slow, metrics, log, maxSubscriptions, rate, authenticate: revoked.authenticate, voids: revoked.voids };
  authenticateHandshakes(io, ctx);
  limitConnections(io, config.connections, metrics);
  io.on("connection", (socket) => {
    metrics.connections.inc();
    socket.once("disconnect", () => metrics.connections.dec());
    handleConnection(socket, ctx);
    socket.emit("feed:status", feed.current());
    const counts = board.current();
    if (counts) socket.emit("sports:summary", counts);
  });
  await relayBus(deps, { local, feed, board, cache, delivery, slow, metrics, revoked });
  watchBus(deps.subscriber, feed, cache, log, async () => {
    await board.load(deps.redis);
    await revoked.recheck();
  });
  await board.load(deps.redis);
  const timer = setInterval(() => {
    const now = Date.now();
    feed.check(now);
    revoked.prune(now);
  }, 1_000);
  const stopStats = pushStats(() => io.of("/").sockets.values(), slow, config.statsIntervalMs);
  return {
    io,
    metrics,
    health: healthOf(io, deps, { feed, cache, delivery, slow }),
    clusterMetrics: clusterMetrics(io, { instanceId: config.instanceId, registry: metrics.registry }, () => deps.adapterPub.status === "ready", CLUSTER_TIMEOUT_MS),
    close: async () => {
      clearInterval(timer);
      stopStats();
      slow.close();
      // Closing the transports (not a server-side "disconnect") makes clients reconnect on their own.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      deps.subscriber.removeAllListeners("message");
    },
  };
}

type RelayServer = Relay["io"];
type LocalEmitter = RelayServer["local"];

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

/**
 * The sport cache and what delivers from it: catch-ups and reloads go to the sport's rooms like
 * live deltas (filtered, skipping slow consumers), and slow consumers are watched.
 */
function createDelivery(deps: RelayDeps, io: RelayServer, metrics: RelayMetrics): { cache: SportCache; delivery: Delivery; slow: SlowConsumers } {
  const hooks = {
    replay: (sport: string, delta: OddsDeltaMessage) => delivery.delta(sport, delta),
    reloaded: (sport: string) => delivery.resync(sport),
  };
  // The hooks run only once a subscriber made the cache load a sport, long after this returns.
  const cache = new SportCache(deps.redis, deps.log.child({ part: "cache" }), hooks, deps.config.replay);
  const delivery = new Delivery(io.local, io.of("/").adapter as unknown as Adapter, cache, metrics);
  const slow = new SlowConsumers(cache, delivery, metrics, deps.log.child({ part: "slow-consumers" }), deps.config.slow);
  metrics.probes.bufferedBytes = () => slow.totalBuffered();
  metrics.probes.peakBufferedBytes = () => slow.peakBuffered();
  metrics.probes.filterVariants = () => delivery.variantCount();
  return { cache, delivery, slow };
}

/** Checks each handshake's token: a bad one is refused with a reason, none means anonymous. */
function authenticateHandshakes(io: RelayServer, ctx: ConnectionContext): void {
  io.use((socket, next) => {
    ctx.authenticate(socket.handshake.auth?.token).then(
      (identity) => {
        initSocketData(socket, identity, ctx);
        next();
      },
      (error: unknown) => {
        ctx.metrics.clientErrors.inc({ code: "unauthorized" });
        const message = error instanceof AuthError ? error.message : "unauthorized";
        next(Object.assign(new Error("unauthorized"), { data: { code: "unauthorized", message } }));
      },
    );
  });
}

/**
 * Refuses a handshake over a connection limit with `too_many_connections` and the limit in its
 * message. Runs after authentication, so a refused token is never counted. An admitted connection
 * is released exactly once: on disconnect, or when its transport closes before Socket.IO finished
 * connecting it (then no "disconnect" ever fires).
 */
function limitConnections(io: RelayServer, config: RelayConfig["connections"], metrics: RelayMetrics): void {
  const limits = new ConnectionLimits(config);
  io.use((socket, next) => {
    // Closed during authentication: Socket.IO drops it, and a "close" listener would never fire.
    if (socket.conn.readyState !== "open") return next(new Error("transport closed"));
    const address = clientAddress(socket.handshake, config.trustProxy);
    const admission = limits.admit(address);
    if (!admission.ok) {
      metrics.connectionsRefused.inc({ reason: admission.reason });
      metrics.clientErrors.inc({ code: admission.code });
      return next(Object.assign(new Error(admission.code), { data: { code: admission.code, message: admission.message } }));
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      socket.conn.off("close", release);
      limits.release(address);
    };
    socket.conn.once("close", release);
    socket.once("disconnect", release);
    next();
  });
}

interface BusTargets {
  local: LocalEmitter;
  feed: FeedStatusTracker;
  board: BoardSummary;
  cache: SportCache;
  delivery: Delivery;
  slow: SlowConsumers;
  metrics: RelayMetrics;
  revoked: Pick<RelayRevocations, "heard">;
}

/** Relays the six Redis channels to this instance's sockets, each to its rooms. */
async function relayBus(deps: RelayDeps, targets: BusTargets): Promise<void> {
  const { local, delivery, slow, metrics, revoked } = targets;
  await subscribeBus(
    deps.subscriber,
    {
      sportsOdds: sportsOddsHandler(targets),
      event: (message) => {
        if (message.type === "event:books") {
          // Book-level detail goes to the event's own rooms only, never to the sport's.
          const { v, type, ...books } = message;
          delivery.books(books);
          slow.holdBooks(books);
          return;
        }
        const { v, type, ...update } = message;
        const rooms = [...delivery.eventRooms(update.eventId), ...(update.sport ? delivery.sportRooms(update.sport) : [])];
        local.to(rooms).emit("event:update", update);
      },
      chat: (message) => {
        const room = local.to(ROOMS.chat(message.eventId));
        if (message.type === "chat:delete") {
          const { v, type, ...deleted } = message;
          room.emit("chat:delete", deleted);
        } else {
          const { v, type, ...chat } = message;
          room.emit("chat:message", chat);
        }
      },
      adminEvent: ({ v, type, ...event }) => local.to(ROOMS.admins).emit("admin:event", event),
      userUpdate: ({ v, type, ...update }) => local.to(ROOMS.user(update.userId)).emit("user:update", update),
      revocation: revoked.heard,
    },
    deps.log.child({ part: "bus" }),
    metrics,
  );
}

/** The `sports-odds` channel: the feed's heartbeat, the board summary, and the sports' deltas. */
function sportsOddsHandler({ feed, board, cache, delivery, metrics }: BusTargets): (message: SportsOddsMessage) => void {
  return (message) => {
    const now = Date.now();
    if (message.type === "feed:status") return feed.heartbeat(message, now);
    if (message.type === "sports:summary") {
      const { v, type, ...counts } = message;
      board.offer(counts);
      return;
    }
    feed.delta(now);
    metrics.deltaLag.observe(Math.max(0, now - message.ts) / 1000);
    if (message.type === "odds:delta" && message.origin !== undefined) metrics.originLag.observe(Math.max(0, now - message.origin) / 1000);
    if (cache.apply(message) !== "applied" || message.type !== "odds:delta") return;
    delivery.delta(message.sport, message);
  };
}

/**
 * Relay-token revocation (docs/relay.md "Revocation"): tokens are checked against what was
 * revoked, an announced revocation drops the account's sockets here from their private rooms,
 * and after a bus outage every socket's token is checked again.
 */
function revocationsOf(io: RelayServer, deps: RelayDeps) {
  const secret = deps.config.jwtSecret ? new TextEncoder().encode(deps.config.jwtSecret) : null;
  const revocations = new Revocations(deps.redis, deps.log.child({ part: "revocations" }));
  return {
    authenticate: (token: unknown) => authenticateUnrevoked(token, secret, revocations),
    voids: (identity: NonNullable<Identity>) => revocations.voids(identity),
    heard: ({ userId, before }: { userId: string; before: number }) => {
      revocations.note(userId, before);
      dropRevoked(revocations, socketsIn(io, ROOMS.user(userId)));
    },
    recheck: () => recheckIdentities(io, revocations).catch((error: unknown) => deps.log.warn({ err: String(error) }, "could not re-read token revocations")),
    prune: (now: number) => revocations.prune(now),
  };
}

type RelayRevocations = ReturnType<typeof revocationsOf>;

/** A token checked against the relay's secret, then against its account's revocations (revocations.ts). */
async function authenticateUnrevoked(token: unknown, secret: Uint8Array | null, revocations: Revocations): Promise<Identity> {
  const identity = await authenticate(token, secret);
  if (identity && (await revocations.revoked(identity))) throw new AuthError(REVOKED_MESSAGE);
  return identity;
}

/** This instance's sockets in `room` (a copy: leaving rooms while walking them changes the set). */
function socketsIn(io: RelayServer, room: string): RelaySocket[] {
  const namespace = io.of("/");
  const ids = [...(namespace.adapter.rooms.get(room) ?? [])];
  return ids.flatMap((id) => namespace.sockets.get(id) ?? []);
}

/** Takes every socket whose token is now known to be revoked out of its private rooms, and tells it. */
function dropRevoked(revocations: Revocations, sockets: Iterable<RelaySocket>): void {
  for (const socket of sockets) {
    const identity = socket.data.identity;
    if (identity && revocations.voids(identity)) revoke(socket);
  }
}

/**
 * After the bus was lost, revocations may have been announced unheard: read those of every
 * account a socket holds a token of from Redis, and drop the sockets whose tokens they void.
 */
async function recheckIdentities(io: RelayServer, revocations: Revocations): Promise<void> {
  const sockets = [...io.of("/").sockets.values()].filter((socket) => socket.data.identity);
  await revocations.reread(sockets.map((socket) => socket.data.identity?.sub ?? ""));
  dropRevoked(revocations, sockets);
}

/** /health: this instance, and the cluster as the other instances answer (see cluster.ts). */
function healthOf(io: RelayServer, deps: RelayDeps, { feed, cache, delivery, slow }: { feed: FeedStatusTracker; cache: SportCache; delivery: Delivery; slow: SlowConsumers }): () => Promise<RelayHealth> {
  const startedAt = Date.now();
  const summary = (): PeerSummary => ({
    instanceId: deps.config.instanceId,
    status: deps.subscriber.status === "ready" && deps.redis.status === "ready" ? "ok" : "degraded",
    connections: io.engine.clientsCount,
    uptimeSec: Math.round((Date.now() - startedAt) / 1000),
  });
  answerPeers(io, summary);
  const clusterView = clusterViewer(io, () => deps.adapterPub.status === "ready", CLUSTER_TIMEOUT_MS);
  return async () => {
    const self = summary();
    const redis = { commands: deps.redis.status, subscriber: deps.subscriber.status };
    const deliveryState = { slowConsumers: slow.slowCount(), filterVariants: delivery.variantCount(), bufferedBytes: slow.totalBuffered() };
    return { ...self, redis, feed: feed.current(), sports: cache.sports(), delivery: deliveryState, cluster: await clusterView(self) };
  };
}

/**
 * Why a new connection's first request is refused (answered 403 with this message), or null.
 * HTTP long-polling is refused outright: its requests must all reach the instance that holds the
 * session, and instances sharing a port (PM2 cluster mode) take requests in turn, so a polling
 * client would fail at random there. WebSocket is one long-lived request: any instance will do.
 */
function handshakeRefusal(req: IncomingMessage, allowedOrigins: string[]): string | null {
  if (!originAllowed(req, allowedOrigins)) return "origin not allowed";
  const transport = new URL(req.url ?? "/", "http://relay").searchParams.get("transport");
  if (transport !== "websocket") return `this relay takes WebSocket connections only (got transport ${JSON.stringify(transport)}); connect with transports: ["websocket"]`;
  return null;
}

/** Requests without an Origin header come from servers and tools, not browsers: allowed. */
function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  return origin === undefined || allowed.includes("*") || allowed.includes(origin);
}

/**
 * While the bus is down the feed is stale; when it is back, held sports catch up from history, and
 * `reread` reads again what may have been announced meanwhile (the board summary, revocations).
 */
function watchBus(subscriber: Redis, feed: FeedStatusTracker, cache: SportCache, log: Logger, reread: () => Promise<void>): void {
  let lost = false;
  subscriber.on("close", () => {
    if (lost) return;
    lost = true;
    feed.busLost(Date.now());
  });
  subscriber.on("ready", () => {
    if (!lost) return;
    lost = false;
    log.info("bus connection restored; catching up from history");
    feed.busRestored();
    cache.catchUpAll();
    void reread();
  });
}
