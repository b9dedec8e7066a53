import { assertDbReachable, createDb } from "../db";
import { env } from "../env";
import { createLogger } from "../log";
import { onShutdown, runMain } from "../process";
import { createRedis } from "../redis";
import { seededRng } from "./market-model";
import { createOddsApiSource } from "./odds-api/main";
import { DEFAULT_SIMULATOR_CONFIG, Simulator } from "./simulator";

/**
 * The `feed` PM2 app: the odds source ODDS_SOURCE names. `simulator` (the default) runs the
 * built-in simulator, unless SIMULATOR_ENABLED is off: then it exits 0 at once, which PM2
 * (stop_exit_codes) leaves stopped. `the-odds-api` runs the poller of The Odds API v4.
 */
runMain(async () => {
  const config = env();
  if (config.ODDS_SOURCE === "the-odds-api") return runOddsApi();
  const log = createLogger("feed.simulator");
  if (!config.SIMULATOR_ENABLED) {
    log.info("the simulator is off (SIMULATOR_ENABLED); this process has nothing to run and exits");
    return;
  }
  const db = createDb(config.DATABASE_URL, { poolSize: 2 });
  await assertDbReachable(db, config.DATABASE_URL);
  const simulator = new Simulator(
    db,
    { ...DEFAULT_SIMULATOR_CONFIG, priceUpdatesPerSec: config.SIMULATOR_PRICE_UPDATES_PER_SEC, betsPerSec: config.SIMULATOR_BETS_PER_SEC },
    seededRng(Date.now() & 0xffffffff),
    log,
  );
  await simulator.refresh();
  simulator.start();
  log.info({ priceUpdatesPerSec: config.SIMULATOR_PRICE_UPDATES_PER_SEC, betsPerSec: config.SIMULATOR_BETS_PER_SEC }, "simulator running");
  onShutdown(log, async () => {
    await simulator.stop();
    await db.$disconnect();
  });
});

async function runOddsApi(): Promise<void> {
  const config = env();
  const log = createLogger("feed.odds-api");
  const db = createDb(config.DATABASE_URL, { poolSize: 2 });
  await assertDbReachable(db, config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, { name: "feed", maxRetriesPerRequest: 1 });
  const poller = createOddsApiSource(config, { db, redis, log });
  poller.start();
  log.info({ baseUrl: config.ODDS_API_BASE_URL, sports: config.ODDS_API_SPORTS, regions: config.ODDS_API_REGIONS, markets: config.ODDS_API_MARKETS, monthlyCredits: config.ODDS_API_MONTHLY_CREDITS }, "polling The Odds API");
  onShutdown(log, async () => {
    await poller.stop();
    redis.disconnect();
    await db.$disconnect();
  });
}
