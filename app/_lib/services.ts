import type { Redis } from "ioredis";
import { type Db, createDb } from "../../lib/db";
import { env } from "../../lib/env";
import { createRedis } from "../../lib/redis";

interface Services {
  db: Db;
  redis: Redis;
}

// One Prisma client and one Redis connection per web process, kept on globalThis because Next.js
// may evaluate a module once per route bundle (and again on every dev reload).
const holder = globalThis as typeof globalThis & { __liveOddsServices?: Services };

export function services(): Services {
  holder.__liveOddsServices ??= {
    db: createDb(env().DATABASE_URL, { poolSize: 5 }),
    // Every web request reads Redis: while it is down, answer 503 within half a second, not
    // after the reconnect backoff (up to 2 s per retry).
    redis: createRedis(env().REDIS_URL, { name: "web", maxRetriesPerRequest: 1, commandTimeoutMs: 500 }),
  };
  return holder.__liveOddsServices;
}
