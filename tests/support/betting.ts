import { Redis } from "ioredis";
import { type Db, createDb } from "../../lib/db";
import { KEYS } from "../../lib/protocol";
import { seedDemoData } from "../../prisma/seed";
import { until } from "./full-stack";
import { createTestDatabase, startRedisServer } from "./services";
import { startPublisher } from "./stack";

/** What bets are placed against without the web app: a seeded database, Redis, and the real publisher pricing the board. */
export interface BettingServices {
  dbUrl: string;
  db: Db;
  /** A Redis client of the test's own. */
  redis: Redis;
  stop(): Promise<void>;
}

/**
 * A seeded database (named after `label`) on `pgServerUrl`, a Redis of its own and the real
 * publisher, once the board of `sport` is published.
 */
export async function startBettingServices(pgServerUrl: string, label: string, sport = "basketball_nba"): Promise<BettingServices> {
  const dbUrl = await createTestDatabase(pgServerUrl, label);
  const db = createDb(dbUrl, { poolSize: 12 });
  await seedDemoData(db);
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const publisher = await startPublisher(dbUrl, server.url);
  const stop = async () => {
    await publisher.stop();
    redis.disconnect();
    await server.stop();
    await db.$disconnect();
  };
  try {
    await until(async () => Number(await redis.get(KEYS.sportSeq(sport))) > 0);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dbUrl, db, redis, stop };
}
