import os from "node:os";
import { assertDbReachable, createDb } from "../db";
import { env } from "../env";
import { createLogger } from "../log";
import { onShutdown, runMain } from "../process";
import { PRODUCER_BEAT_MS, type Producer } from "../protocol";
import { createRedis } from "../redis";
import { Heartbeat, beatOf } from "./heartbeat";
import { FeedLeadership, type ProducerHooks, type Production } from "./leadership";
import { seededRng } from "./market-model";
import { createOddsApiSource } from "./odds-api/main";
import { DEFAULT_SIMULATOR_CONFIG, Simulator } from "./simulator";

/**
 * The `feed` PM2 app: one instance of the odds producer ODDS_SOURCE names, `simulator` (the
 * default) or `the-odds-api` (the poller of The Odds API v4). Any number may run: the one holding
 * the producer's lease produces, the others stand by, and every one beats (docs/odds-source.md,
 * "One poller", "Producer heartbeats"). With the simulator and SIMULATOR_ENABLED off it exits 0 at
 * once, which PM2 (stop_exit_codes) leaves stopped.
 */
runMain(async () => {
  const config = env();
  const producer: Producer = config.ODDS_SOURCE === "the-odds-api" ? "the-odds-api" : "simulator";
  const log = createLogger(producer === "simulator" ? "feed.simulator" : "feed.odds-api");
  if (producer === "simulator" && !config.SIMULATOR_ENABLED) {
    log.info("the simulator is off (SIMULATOR_ENABLED); this process has nothing to run and exits");
    return;
  }
  const db = createDb(config.DATABASE_URL, { poolSize: 2 });
  await assertDbReachable(db, config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, { name: "feed", maxRetriesPerRequest: 1 });
  const instanceId = `${os.hostname()}:${process.pid}`;
  // The parts refer to each other, through closures first called once all exist (after start):
  // the production asks the heartbeat whether it is seen as live and tells the leadership when it
  // was fenced; the heartbeat reports the leadership's role; a change of role beats at once.
  const hooks: ProducerHooks = {
    mayReopen: () => heartbeat.activeWithin(2 * PRODUCER_BEAT_MS),
    vouchNow: () => heartbeat.beatAfresh(),
    fenced: (error) => leadership.fenced(error),
  };
  const production: Production =
    producer === "simulator"
      ? new Simulator(
          db,
          { ...DEFAULT_SIMULATOR_CONFIG, priceUpdatesPerSec: config.SIMULATOR_PRICE_UPDATES_PER_SEC, betsPerSec: config.SIMULATOR_BETS_PER_SEC },
          seededRng(Date.now() & 0xffffffff),
          log,
          hooks,
        )
      : createOddsApiSource(config, { db, redis, log, hooks });
  // A change of role beats afresh: the beat in flight may have been read under the old role.
  const leadership = new FeedLeadership({
    db,
    redis,
    producer,
    instanceId,
    ttlMs: config.FEED_LEADER_TTL_MS,
    log,
    production,
    changed: () => void heartbeat.beatAfresh(),
  });
  const heartbeat = new Heartbeat({ redis, log, read: (now) => beatOf({ producer, instanceId }, leadership.role, production.report(), now) });
  heartbeat.start();
  leadership.start();
  log.info({ producer, instanceId, leaderTtlMs: config.FEED_LEADER_TTL_MS, ...settingsOf(config, producer) }, "feed process ready");
  onShutdown(log, async () => {
    await leadership.stop();
    await heartbeat.beatAfresh(); // as a standby now (not a beat in flight read while active): the publisher need not wait for silence
    await heartbeat.stop();
    redis.disconnect();
    await db.$disconnect();
  });
});

/** What the log line at start says about the producer's settings (never the key). */
function settingsOf(config: ReturnType<typeof env>, producer: Producer): Record<string, unknown> {
  if (producer === "simulator") return { priceUpdatesPerSec: config.SIMULATOR_PRICE_UPDATES_PER_SEC, betsPerSec: config.SIMULATOR_BETS_PER_SEC };
  return {
    baseUrl: config.ODDS_API_BASE_URL,
    sports: config.ODDS_API_SPORTS,
    regions: config.ODDS_API_REGIONS,
    markets: config.ODDS_API_MARKETS,
    monthlyCredits: config.ODDS_API_MONTHLY_CREDITS,
  };
}
