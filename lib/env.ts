import os from "node:os";
import { z } from "zod";
import { flag, parseEnvironment } from "./env-parse";
import { StartupError } from "./errors";
import type { Producer } from "./protocol/producers";

const connectionUrl = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

/** A comma-separated list of keys, each matching `pattern`, as an array without blanks or repeats. */
const keyList = (pattern: RegExp, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) => [...new Set(text.split(",").map((key) => key.trim()).filter(Boolean))])
    .refine((keys) => keys.length > 0, "must list at least one key")
    .refine((keys) => keys.every((key) => pattern.test(key)), `each key must match ${pattern}`);

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * `key=ms` pairs, comma-separated, as an object: keys are sport keys or their group prefix
 * (`soccer`, `tennis`), values whole milliseconds from 0 to `max`.
 */
const msByKey = (fallback: string, max: number) =>
  z
    .string()
    .default(fallback)
    .transform((text, context) => {
      const table: Record<string, number> = {};
      for (const pair of text.split(",").map((item) => item.trim()).filter(Boolean)) {
        const match = /^([a-z0-9_]{1,64})=(\d{1,9})$/.exec(pair);
        if (!match?.[1] || !match[2] || Number(match[2]) > max) {
          context.addIssue({ code: "custom", message: `"${pair}" must read key=ms, a sport key or its group (soccer) and 0 to ${max} ms` });
          return z.NEVER;
        }
        table[match[1]] = Number(match[2]);
      }
      return table;
    });

/**
 * Every environment variable the web app, publisher, feed and scripts read (the relay has its own,
 * smaller module in vps/env.ts). README "Configuration" documents each one; keep them in step.
 */
export const envSchema = z.object({
  DATABASE_URL: connectionUrl(["postgres:", "postgresql:"]),
  REDIS_URL: connectionUrl(["redis:", "rediss:"]),
  /** Bearer token for POST/DELETE /api/sports/ws-publisher. Unset: admin routes answer 503. */
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** HS256 secret shared with the relay for the short-lived tokens the web app signs. */
  RELAY_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Where browsers reach the relay. Unset: same host as the page, port RELAY_PORT. */
  RELAY_PUBLIC_URL: connectionUrl(["http:", "https:", "ws:", "wss:"]).optional(),
  /** The relay's port, for pages when RELAY_PUBLIC_URL is unset (the relay reads it too). */
  RELAY_PORT: int(3001, 1, 65_535),
  /** Where the web app itself reaches the relay's /health (admin overview). Unset: http://127.0.0.1:RELAY_PORT. */
  RELAY_URL: connectionUrl(["http:", "https:"]).optional(),
  PUBLISHER_INTERVAL_MS: int(500, 50, 60_000),
  /** With no start/stop decision recorded yet (in Postgres), does the publisher run? */
  PUBLISHER_AUTOSTART: flag(true),
  PUBLISHER_INSTANCE_ID: z.string().min(1).default(`${os.hostname()}:${process.pid}`),
  PUBLISHER_LEADER_TTL_MS: int(3_000, 500, 60_000),
  /**
   * Where each publisher process serves its own GET /metrics (0: nowhere). PM2 instance i of the
   * `publisher` app listens on this port + i (NODE_APP_INSTANCE), so standbys never collide.
   */
  PUBLISHER_METRICS_PORT: int(0, 0, 65_535),
  PUBLISHER_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** Set by PM2 for each instance of an app (0, 1, …); unset outside PM2. */
  NODE_APP_INSTANCE: int(0, 0, 1_000),
  /** Deltas kept per sport for replay (a Redis stream, trimmed exactly). */
  ODDS_HISTORY_LENGTH: int(5_000, 10, 1_000_000),
  /** Deltas older than this leave the history, ms. Clients away longer get a snapshot. */
  ODDS_HISTORY_MAX_AGE_MS: int(600_000, 1_000, 86_400_000),
  /** A delta larger than this is published as a resync marker (relays reload the state), bytes. */
  ODDS_MAX_DELTA_BYTES: int(262_144, 1_024, 64 * 1024 * 1024),
  HOUSE_MARGIN: z.coerce.number().min(0).max(0.5).default(0.05),
  /** L in the pool blend w = ΣS / (ΣS + L) (docs/odds.md, "Hybrid odds"), in stake currency units. */
  POOL_LIQUIDITY: z.coerce.number().min(0).default(5_000),
  MARGIN_METHOD: z.enum(["multiplicative", "additive", "power", "shin", "odds-ratio"]).optional(),
  /**
   * Seals the session cookie (iron-session), ≥ 32 characters. Unset: nobody can sign up or in
   * (the account routes answer 503), and the board works as before.
   */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** What a new account starts with, in the site's currency. */
  DEMO_BALANCE: z.coerce.number().min(0).max(1_000_000).default(1_000),
  // Limits and sessions (docs/bets.md "Limits"): sliding windows per account and per client address.
  /**
   * Failed sign-ins allowed within SIGNIN_WINDOW_MS: for one account from one address; from one
   * address over all accounts; and for one account from addresses that never signed in to it.
   */
  SIGNIN_MAX_FAILURES: int(5, 1, 1_000),
  SIGNIN_MAX_FAILURES_PER_ADDRESS: int(30, 1, 100_000),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT: int(20, 1, 100_000),
  SIGNIN_WINDOW_MS: int(900_000, 1_000, 86_400_000),
  /**
   * Sign-in attempts from one address within SIGNIN_WINDOW_MS, failed or not (password changes
   * included): each costs an argon2 verification, and a success does not give its turn back.
   */
  SIGNIN_MAX_ATTEMPTS_PER_ADDRESS: int(100, 1, 1_000_000),
  /** Sign-ups from one client address within the window, ms (each costs a password hash and a demo balance). */
  SIGNUP_RATE_MAX_PER_ADDRESS: int(10, 1, 1_000_000),
  SIGNUP_RATE_WINDOW_MS: int(3_600_000, 1_000, 86_400_000),
  /** Bet requests per account and per client address within the window, ms. */
  BET_RATE_MAX: int(30, 1, 1_000_000),
  BET_RATE_MAX_PER_ADDRESS: int(300, 1, 1_000_000),
  BET_RATE_WINDOW_MS: int(60_000, 1_000, 86_400_000),
  /** Relay tokens per account and per client address within the window, ms (a page needs one every 4 minutes). */
  RELAY_TOKEN_RATE_MAX: int(20, 1, 1_000_000),
  RELAY_TOKEN_RATE_MAX_PER_ADDRESS: int(200, 1, 1_000_000),
  RELAY_TOKEN_RATE_WINDOW_MS: int(60_000, 1_000, 86_400_000),
  /** Chat posts from one client address within CHAT_RATE_WINDOW_MS, over all its accounts. */
  CHAT_RATE_MAX_PER_ADDRESS: int(20, 1, 1_000_000),
  /** History reads (`/api/sports/snapshot?since=`) per client address within the window, ms. */
  REPLAY_RATE_MAX_PER_ADDRESS: int(60, 1, 1_000_000),
  REPLAY_RATE_WINDOW_MS: int(60_000, 1_000, 86_400_000),
  /**
   * Take the client's address from the last X-Forwarded-For entry (the one your proxy appended)
   * instead of the socket. Only behind a proxy that appends it, as RELAY_TRUST_PROXY for the relay.
   */
  WEB_TRUST_PROXY: flag(false),
  /** Where the web app (server.ts) listens. */
  PORT: int(3000, 1, 65_535),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** The smallest and the largest stake one bet may have. */
  BET_MIN_STAKE: z.coerce.number().min(0.01).default(1),
  BET_MAX_STAKE: z.coerce.number().min(0.01).default(10_000),
  /**
   * The most the house may lose on one outcome (what winning bets on it would pay, minus every
   * stake in its market). A bet that would go past it is refused and the market is suspended.
   */
  LIABILITY_LIMIT: z.coerce.number().min(0).default(50_000),
  /** A stake at or above this raises an admin alert. */
  LARGE_BET_ALERT: z.coerce.number().min(0).default(1_000),
  // Bets: the in-play delay (docs/bets.md, "In-play delay").
  /** How long a bet on an event in play waits before it is decided, ms, for sports BET_INPLAY_DELAYS does not name. Betfair's football delay. */
  BET_INPLAY_DELAY_MS: int(5_000, 0, 60_000),
  /** Per-sport delays, `key=ms,…`: a sport key (`soccer_epl`) first, then its group before `_` (`soccer`). Betfair's tennis delay is 3 s. */
  BET_INPLAY_DELAYS: msByKey("soccer=5000,tennis=3000", 60_000),
  /**
   * Chat messages one account may post within any CHAT_RATE_WINDOW_MS (a sliding window): enough
   * to talk, too few to flood a room (docs/chat.md).
   */
  CHAT_RATE_MAX: int(5, 1, 100_000),
  CHAT_RATE_WINDOW_MS: int(10_000, 100, 3_600_000),
  /** Where odds come from: the built-in simulator, or The Odds API v4 (docs/odds-source.md). */
  ODDS_SOURCE: z.enum(["simulator", "the-odds-api"]).default("simulator"),
  /** The Odds API key; required with ODDS_SOURCE=the-odds-api (checked by the feed and `npm start`). Never logged. */
  ODDS_API_KEY: z.string().min(1).max(200).optional(),
  ODDS_API_BASE_URL: connectionUrl(["http:", "https:"]).default("https://api.the-odds-api.com"),
  /** Sport keys to poll; keys the provider does not know are reported at start and skipped. */
  ODDS_API_SPORTS: keyList(/^[a-z0-9_]{1,64}$/, "soccer_epl,basketball_nba,americanfootball_nfl,icehockey_nhl"),
  ODDS_API_REGIONS: keyList(/^(us|us2|uk|au|eu|fr|se)$/, "us,uk,eu"),
  /** Markets to read: the three the board prices. */
  ODDS_API_MARKETS: keyList(/^(h2h|spreads|totals)$/, "h2h,spreads,totals"),
  /** The plan's credits per month (the free plan: 500). */
  ODDS_API_MONTHLY_CREDITS: int(500, 1, 100_000_000),
  /** The fastest any sport is ever polled, ms. */
  ODDS_API_MIN_INTERVAL_MS: int(10_000, 1_000, 86_400_000),
  /** Failed calls in a row (each after its retries) that open an endpoint's circuit breaker. */
  ODDS_API_BREAKER_FAILURES: int(5, 1, 1_000),
  /** How long an open breaker makes no calls before one test call (half-open), ms. */
  ODDS_API_BREAKER_COOLDOWN_MS: int(30_000, 100, 3_600_000),
  /** A bookmaker whose newest price in a market is this much older than the market's freshest price leaves the consensus, ms. */
  ODDS_BOOK_MAX_AGE_MS: int(600_000, 1_000, 86_400_000),
  // The feed (docs/odds-source.md, "One poller"): feed processes elect one producer per source.
  /** The feed's leader lease per producer, ms: a standby feed process takes over within about this long after the active one dies. */
  FEED_LEADER_TTL_MS: int(3_000, 500, 60_000),
  SIMULATOR_ENABLED: flag(true),
  SIMULATOR_PRICE_UPDATES_PER_SEC: z.coerce.number().min(0).max(10_000).default(6),
  SIMULATOR_BETS_PER_SEC: z.coerce.number().min(0).max(10_000).default(1),
  // Producer liveness (docs/odds-source.md, "Producer liveness").
  /**
   * How long the expected producer may go without an active instance's heartbeat (one a second)
   * before the publisher declares it down, ms: pages turn stale and in-play markets stop.
   */
  PRODUCER_SILENCE_MS: int(5_000, 1_500, 30_000),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/**
 * The validated environment, parsed on first use and then cached for the life of the process.
 * Throws a StartupError listing every bad variable, one per line.
 */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * The odds producer this deployment runs and the publisher watches (docs/odds-source.md,
 * "Producer liveness"): the poller with ODDS_SOURCE=the-odds-api, the simulator with the default
 * source unless SIMULATOR_ENABLED is off. Null: no producer is expected, prices are written by
 * something else (a script, a test), and nobody's silence can be detected.
 */
export function expectedProducer(config: Pick<Env, "ODDS_SOURCE" | "SIMULATOR_ENABLED">): Producer | null {
  if (config.ODDS_SOURCE === "the-odds-api") return "the-odds-api";
  return config.SIMULATOR_ENABLED ? "simulator" : null;
}

/** Where this server reaches the relay over HTTP (its /health), without a trailing slash. */
export function relayUrl(config: Pick<Env, "RELAY_URL" | "RELAY_PORT">): string {
  return (config.RELAY_URL ?? `http://127.0.0.1:${config.RELAY_PORT}`).replace(/\/+$/, "");
}

/**
 * Where this publisher process serves its metrics: PUBLISHER_METRICS_PORT plus its PM2 instance
 * index, or null when PUBLISHER_METRICS_PORT is 0. Throws a StartupError when that passes 65535.
 */
export function publisherMetricsAddress(config: Pick<Env, "PUBLISHER_METRICS_PORT" | "PUBLISHER_METRICS_HOST" | "NODE_APP_INSTANCE">): { host: string; port: number } | null {
  if (config.PUBLISHER_METRICS_PORT === 0) return null;
  const port = config.PUBLISHER_METRICS_PORT + config.NODE_APP_INSTANCE;
  if (port > 65_535) throw new StartupError(`Invalid environment:\n  PUBLISHER_METRICS_PORT: ${config.PUBLISHER_METRICS_PORT} + instance ${config.NODE_APP_INSTANCE} is past port 65535`);
  return { host: config.PUBLISHER_METRICS_HOST, port };
}

/** Parses an environment object; exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseEnvironment(envSchema, source);
}
