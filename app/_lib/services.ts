import type { Redis } from "ioredis";
import { SessionCache } from "@/lib/accounts/session-cache";
import { type PlacementRules, placementRules } from "@/lib/bets/placement";
import { currentRefusal } from "@/lib/bets/price-trust";
import { SignInGuard } from "@/lib/accounts/sign-in-guard";
import { type Db, createDb } from "@/lib/db";
import { env } from "@/lib/env";
import { type Limits, limitsOf, signInLimitsOf } from "@/lib/limits";
import { RateLimiter } from "@/lib/rate-limit";
import { createRedis } from "@/lib/redis";

interface Services {
  db: Db;
  redis: Redis;
  /** Every sliding-window limit of the web app (lib/rate-limit.ts). */
  limiter: RateLimiter;
  /** The windows of each limited action, from the environment (lib/limits.ts). */
  limits: Limits;
  /** Sign-in attempts and failures per account and address, per address, and per account (SIGNIN_* limits). */
  signins: SignInGuard;
  /** Sessions read from Postgres, forgotten when the bus says they were revoked (lib/accounts/session-cache.ts). */
  sessions: SessionCache;
  /**
   * The rules bets are placed by, with the one trust check of the process: bets are decided in
   * groups (lib/bets/bet-groups.ts), which ask each distinct check once.
   */
  betRules: PlacementRules;
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
  const limiter = new RateLimiter(redis);
  return {
    // A price is taken only while the publishing leader vouches for it (docs/bets.md, "When a bet is refused").
    betRules: placementRules(config, (sport) => currentRefusal(redis, sport)),
    db: createDb(config.DATABASE_URL, { poolSize: 5 }),
    redis,
    limiter,
    limits: limitsOf(config),
    signins: new SignInGuard(redis, limiter, signInLimitsOf(config)),
    // Its own connection: a subscriber can send nothing else.
    sessions: new SessionCache(createRedis(config.REDIS_URL, { name: "web-sessions", maxRetriesPerRequest: null })),
  };
}
