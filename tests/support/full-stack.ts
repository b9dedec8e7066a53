import { type Db, createDb } from "../../lib/db";
import { seedDemoData } from "../../prisma/seed";
import type { Proc } from "./processes";
import { createTestDatabase, type RedisService, startRedisServer } from "./services";
import { type RelayProc, publisherEnv, startPublisher, startRelay } from "./stack";
import { type WebProc, startWeb } from "./web";

export interface FullStack {
  db: Db;
  dbUrl: string;
  redis: RedisService;
  relay: RelayProc;
  publisher: Proc;
  web: WebProc;
  stop(): Promise<void>;
}

export interface FullStackOptions {
  /** False: no demo data (an odds source brings its own events). */
  seed?: boolean;
  /** Runs on the (seeded) database before any process starts, e.g. to grow the board for a bench. */
  prepare?: (dbUrl: string) => Promise<void>;
  /** The web app's DATABASE_URL, given the database's (e.g. through a query counter); default: the database's. */
  webDatabaseUrl?: (dbUrl: string) => string;
}

/**
 * Seeded Postgres database (see `options`), Redis, relay, one publisher and the web app (server.ts), wired as
 * in production.
 */
export async function startFullStack(
  pgServerUrl: string,
  label: string,
  extraEnv: Record<string, string> = {},
  options: FullStackOptions = {},
): Promise<FullStack> {
  const dbUrl = await createTestDatabase(pgServerUrl, label);
  const db = createDb(dbUrl);
  if (options.seed !== false) await seedDemoData(db);
  await options.prepare?.(dbUrl);
  const redis = await startRedisServer();
  // Every client of a test or bench stack (bench/chat.ts: 1000 sockets) comes from this one address.
  const relay = await startRelay(redis.url, { RELAY_ALLOWED_ORIGINS: "*", RELAY_MAX_CONNECTIONS_PER_IP: "10000" });
  const publisher = await startPublisher(dbUrl, redis.url, extraEnv);
  const webDbUrl = options.webDatabaseUrl?.(dbUrl) ?? dbUrl;
  const web = await startWeb({ ...publisherEnv(webDbUrl, redis.url, extraEnv), RELAY_PUBLIC_URL: relay.url, RELAY_URL: relay.url });
  return {
    db,
    dbUrl,
    redis,
    relay,
    publisher,
    web,
    stop: async () => {
      await Promise.all([web.stop(), publisher.stop(), relay.stop()]);
      await redis.stop();
      await db.$disconnect();
    },
  };
}

export async function until(check: () => Promise<boolean>, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
