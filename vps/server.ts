import { createServer } from "node:http";
import { createLogger } from "../lib/log";
import { onShutdown, runMain } from "../lib/process";
import { assertRedisReachable, createRedis } from "../lib/redis";
import { relayEnv } from "./env";
import { createHttpHandler } from "./http";
import { type Relay, createRelay } from "./relay";

/**
 * Connections the kernel may hold waiting for accept. Node's default, 511, overflows when thousands
 * of pages reconnect at once (a relay restart): the kernel drops the SYNs over it, and each of those
 * clients waits for its TCP to retry (1 s, then 3 s) before its handshake even starts. Linux caps
 * it at net.core.somaxconn (4096 by default).
 */
const LISTEN_BACKLOG = 4096;

/** The `ws-server` PM2 app: env, Redis clients, HTTP server, createRelay, listen. */
runMain(async () => {
  const env = relayEnv();
  const log = createLogger("relay");
  await assertRedisReachable(env.REDIS_URL);
  const redis = createRedis(env.REDIS_URL, { name: "relay", maxRetriesPerRequest: 1 });
  const subscriber = createRedis(env.REDIS_URL, { name: "relay-bus", maxRetriesPerRequest: null });
  const adapterPub = createRedis(env.REDIS_URL, { name: "relay-adapter-pub", maxRetriesPerRequest: null });
  const adapterSub = createRedis(env.REDIS_URL, { name: "relay-adapter-sub", maxRetriesPerRequest: null });

  let relay: Relay | null = null;
  const httpServer = createServer(createHttpHandler(() => relay));
  relay = await createRelay(httpServer, {
    redis,
    subscriber,
    adapterPub,
    adapterSub,
    log,
    config: {
      instanceId: env.RELAY_INSTANCE_ID,
      allowedOrigins: env.RELAY_ALLOWED_ORIGINS,
      jwtSecret: env.RELAY_JWT_SECRET ?? null,
      maxSubscriptions: env.RELAY_MAX_SUBSCRIPTIONS,
      rate: { perSec: env.RELAY_RATE_PER_SEC, burst: env.RELAY_RATE_BURST },
      replay: { deltas: env.RELAY_REPLAY_DELTAS, maxAgeMs: env.RELAY_REPLAY_MAX_AGE_MS },
      connections: { total: env.RELAY_MAX_CONNECTIONS, perAddress: env.RELAY_MAX_CONNECTIONS_PER_IP, trustProxy: env.RELAY_TRUST_PROXY },
      compression: {
        enabled: env.RELAY_COMPRESSION,
        thresholdBytes: env.RELAY_COMPRESSION_THRESHOLD_BYTES,
        windowBits: env.RELAY_COMPRESSION_WINDOW_BITS,
        memLevel: env.RELAY_COMPRESSION_MEM_LEVEL,
        level: env.RELAY_COMPRESSION_LEVEL,
        contextTakeover: env.RELAY_COMPRESSION_CONTEXT_TAKEOVER,
      },
      slow: {
        softBytes: env.RELAY_SLOW_SOFT_BYTES,
        hardBytes: env.RELAY_SLOW_HARD_BYTES,
        lowBytes: Math.floor(env.RELAY_SLOW_SOFT_BYTES / 4),
        maxMs: env.RELAY_SLOW_MAX_MS,
        graceMs: env.RELAY_SLOW_GRACE_MS,
      },
      statsIntervalMs: env.RELAY_STATS_INTERVAL_MS,
    },
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen({ port: env.RELAY_PORT, host: env.RELAY_HOST, backlog: LISTEN_BACKLOG }, resolve);
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.RELAY_PORT;
  log.info({ port, instanceId: env.RELAY_INSTANCE_ID, origins: env.RELAY_ALLOWED_ORIGINS, compression: env.RELAY_COMPRESSION }, "relay listening");

  process.on("unhandledRejection", (reason) => log.error({ err: reason instanceof Error ? reason.stack : String(reason) }, "unhandled rejection"));
  onShutdown(log, async () => {
    httpServer.close();
    await relay?.close();
    for (const client of [subscriber, adapterPub, adapterSub, redis]) client.disconnect();
  });
});
