import type { Redis } from "ioredis";
import { AttemptLimiter } from "../../lib/accounts/attempts";
import { ChatRateLimiter } from "../../lib/chat/rate-limit";
import { type Db, createDb } from "../../lib/db";
import { env } from "../../lib/env";
import { createRedis } from "../../lib/redis";

interface Services {
  db: Db;
  redis: Redis;
  /** Failed sign-ins per account and per address (SIGNIN_* limits). */
  signins: AttemptLimiter;
  /** Chat posts per account (CHAT_RATE_* limits). */
  chat: ChatRateLimiter;
}

// One Prisma client and one Redis connection per web process, kept on globalThis because Next.js
// may evaluate a module once per route bundle (and again on every dev reload).
const holder = globalThis as typeof globalThis & { __liveOddsServices?: Services };

export function services(): Services {
  holder.__liveOddsServices ??= create();
  return holder.__liveOddsServices;
}

function create(): Services {
  const config = env();
  // Every web request reads Redis: while it is down, answer 503 within half a second, not
  // after the reconnect backoff (up to 2 s per retry).
  const redis = createRedis(config.REDIS_URL, { name: "web", maxRetriesPerRequest: 1, commandTimeoutMs: 500 });
  return {
    db: createDb(config.DATABASE_URL, { poolSize: 5 }),
    redis,
    signins: new AttemptLimiter(redis, { windowMs: config.SIGNIN_WINDOW_MS, perAccount: config.SIGNIN_MAX_FAILURES, perAddress: config.SIGNIN_MAX_FAILURES_PER_ADDRESS }),
    chat: new ChatRateLimiter(redis, { max: config.CHAT_RATE_MAX, windowMs: config.CHAT_RATE_WINDOW_MS }),
  };
}
