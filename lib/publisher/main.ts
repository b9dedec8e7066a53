import { SettlementSweeper } from "../bets/sweeper";
import { assertDbReachable, createDb } from "../db";
import { env, expectedProducer, publisherMetricsAddress } from "../env";
import { StartupError, errorMessage } from "../errors";
import { createLogger } from "../log";
import { DEFAULT_MARGIN_METHOD } from "../odds";
import { onShutdown, runMain } from "../process";
import { assertRedisReachable, createRedis } from "../redis";
import { createPublisherMetrics, serveMetrics } from "./metrics";
import { PublisherRunner } from "./runner";

/** The `publisher` PM2 app: one candidate for the publisher lease (run as many as you like). */
runMain(async () => {
  const config = env();
  const log = createLogger("publisher");
  const metricsAt = publisherMetricsAddress(config);
  await assertRedisReachable(config.REDIS_URL);
  const db = createDb(config.DATABASE_URL, { poolSize: 3 });
  await assertDbReachable(db, config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, { name: "publisher", maxRetriesPerRequest: 1 });
  const subscriber = createRedis(config.REDIS_URL, { name: "publisher-control", maxRetriesPerRequest: null });
  const metrics = createPublisherMetrics();
  const metricsServer = metricsAt
    ? await serveMetrics(metrics.registry, metricsAt.port, metricsAt.host).catch((error: unknown) => {
        throw new StartupError(`Cannot serve metrics on ${metricsAt.host}:${metricsAt.port} (PUBLISHER_METRICS_PORT): ${errorMessage(error)}`);
      })
    : null;
  if (metricsAt) log.info(metricsAt, "metrics at GET /metrics");
  const runner = new PublisherRunner({
    db,
    databaseUrl: config.DATABASE_URL,
    redis,
    subscriber,
    log,
    metrics,
    config: {
      instanceId: config.PUBLISHER_INSTANCE_ID,
      leaderTtlMs: config.PUBLISHER_LEADER_TTL_MS,
      defaultIntervalMs: config.PUBLISHER_INTERVAL_MS,
      autostart: config.PUBLISHER_AUTOSTART,
      onCommit: config.PUBLISHER_ON_COMMIT,
      history: { length: config.ODDS_HISTORY_LENGTH, maxAgeMs: config.ODDS_HISTORY_MAX_AGE_MS, maxDeltaBytes: config.ODDS_MAX_DELTA_BYTES },
      pricing: {
        margin: config.HOUSE_MARGIN,
        liquidity: config.POOL_LIQUIDITY,
        method: config.MARGIN_METHOD ?? DEFAULT_MARGIN_METHOD,
        bookMaxAgeMs: config.ODDS_BOOK_MAX_AGE_MS,
      },
      liveness: { expected: expectedProducer(config), silenceMs: config.PRODUCER_SILENCE_MS },
    },
  });
  await runner.start();
  // Beside the publisher: settling the bets of finished events (lib/bets; idempotent, so every
  // publisher process may run it).
  const sweeper = new SettlementSweeper(db, redis, createLogger("bets.settlement"));
  sweeper.start();
  log.info({ instanceId: config.PUBLISHER_INSTANCE_ID }, "publisher process ready");
  onShutdown(log, async () => {
    await sweeper.stop();
    await runner.stop();
    metricsServer?.close();
    await db.$disconnect();
    subscriber.disconnect();
    await redis.quit();
  });
});
