import { assertDbReachable, createDb } from "../db";
import { env } from "../env";
import { createLogger } from "../log";
import { onShutdown, runMain } from "../process";
import { seededRng } from "./market-model";
import { DEFAULT_SIMULATOR_CONFIG, Simulator } from "./simulator";

/**
 * The `feed` PM2 app: the built-in simulator (The Odds API poller is a separate source). With
 * SIMULATOR_ENABLED off it exits 0 at once, which PM2 (stop_exit_codes) leaves stopped.
 */
runMain(async () => {
  const config = env();
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
