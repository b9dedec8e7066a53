import { z } from "zod";
import { decimal, flag, host, int, keyList, parseEnvironment, port, secret, url } from "./env-parse";
import { DEFAULT_RELAY_PORT, instanceId, instanceName, sharedVariables } from "./env-shared";
import { StartupError } from "./errors";
import { MARKET_KEYS } from "./feed/odds-api/outcomes";
import { MARGIN_METHODS } from "./odds";
import { SPORT_KEY_PATTERN } from "./protocol";
import type { Producer } from "./protocol/producers";

/** The Odds API's bookmaker regions (its `regions` parameter). */
const ODDS_API_REGIONS = ["us", "us2", "uk", "au", "eu", "fr", "se"] as const;

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
      for (const pair of text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean)) {
        const parts = pair.split("=");
        const [key = "", ms = ""] = parts;
        if (parts.length !== 2 || !SPORT_KEY_PATTERN.test(key) || !/^\d{1,9}$/.test(ms) || Number(ms) > max) {
          context.addIssue({ code: "custom", message: `"${pair}" must read key=ms, a sport key or its group (soccer) and 0 to ${max} ms` });
          return z.NEVER;
        }
        table[key] = Number(ms);
      }
      return table;
    });

/**
 * Every environment variable the web app, publisher, feed and scripts read (the relay has its own,
 * smaller module in vps/env.ts; the variables both read come from lib/env-shared.ts). README
 * "Configuration" documents each one, and scripts/configuration.test.ts checks that it and the
 * PM2 ecosystem file list exactly these.
 */
export const envVariables = z.object({
  ...sharedVariables,
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  /** Bearer token for POST/DELETE /api/sports/ws-publisher. Unset: admin routes answer 503. */
  ADMIN_TOKEN: secret(16),
  /** Where browsers reach the relay. Unset: same host as the page, port RELAY_PORT. */
  RELAY_PUBLIC_URL: url(["http:", "https:", "ws:", "wss:"]).optional(),
  /** The relay's port, for pages when RELAY_PUBLIC_URL is unset (the relay reads it too). */
  RELAY_PORT: port(DEFAULT_RELAY_PORT),
  /** Where the web app itself reaches the relay's /health (admin overview). Unset: http://127.0.0.1:RELAY_PORT. */
  RELAY_URL: url(["http:", "https:"]).optional(),
  /** The longest wait between two publisher steps, ms; with PUBLISHER_ON_COMMIT a step usually comes sooner. */
  PUBLISHER_INTERVAL_MS: int(500, 50, 60_000),
  /** Step as soon as changes commit (on), or only every interval and on priority commits (off: less CPU, slower prices). */
  PUBLISHER_ON_COMMIT: flag(true),
  /** With no start/stop decision recorded yet (in Postgres), does the publisher run? */
  PUBLISHER_AUTOSTART: flag(true),
  /** The name shown as the leader; under PM2 its instance number is appended (`#0`, `#1`, …). */
  PUBLISHER_INSTANCE_ID: instanceId(),
  PUBLISHER_LEADER_TTL_MS: int(3_000, 500, 60_000),
  /**
   * Where each publisher process serves its own GET /metrics (0: nowhere). PM2 instance i of the
   * `publisher` app listens on this port + i (NODE_APP_INSTANCE), so standbys never collide.
   */
  PUBLISHER_METRICS_PORT: port(0, "off"),
  PUBLISHER_METRICS_HOST: host("127.0.0.1"),
  /** Deltas kept per sport for replay (a Redis stream, trimmed exactly). */
  ODDS_HISTORY_LENGTH: int(5_000, 10, 1_000_000),
  /** Deltas older than this leave the history, ms. Clients away longer get a snapshot. */
  ODDS_HISTORY_MAX_AGE_MS: int(600_000, 1_000, 86_400_000),
  /** A delta larger than this is published as a resync marker (relays reload the state), bytes. */
  ODDS_MAX_DELTA_BYTES: int(262_144, 1_024, 64 * 1024 * 1024),
  HOUSE_MARGIN: decimal(0.05, 0, 0.5),
  /** L in the pool blend w = ΣS / (ΣS + L) (docs/odds.md, "Hybrid odds"), in stake currency units. */
  POOL_LIQUIDITY: decimal(5_000, 0),
  MARGIN_METHOD: z.enum(MARGIN_METHODS, { error: `must be one of ${MARGIN_METHODS.join(", ")}` }).optional(),
  /**
   * Seals the session cookie (iron-session), ≥ 32 characters. Unset: nobody can sign up or in
   * (the account routes answer 503); the board works without accounts.
   */
  SESSION_SECRET: secret(32),
  /** What a new account starts with, in the site's currency. */
  DEMO_BALANCE: decimal(1_000, 0, 1_000_000),
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
  PORT: port(3000),
  HOST: host("0.0.0.0"),
  /** The smallest and the largest stake one bet may have. */
  BET_MIN_STAKE: decimal(1, 0.01),
  BET_MAX_STAKE: decimal(10_000, 0.01),
  /**
   * The most the house may lose on one outcome (what winning bets on it would pay, minus every
   * stake in its market). A bet that would go past it is refused and the market is suspended.
   */
  LIABILITY_LIMIT: decimal(50_000, 0),
  /** A stake at or above this raises an admin alert. */
  LARGE_BET_ALERT: decimal(1_000, 0),
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
  ODDS_API_BASE_URL: url(["http:", "https:"]).default("https://api.the-odds-api.com"),
  /** Sport keys to poll; keys the provider does not know are reported at start and skipped. */
  ODDS_API_SPORTS: keyList(SPORT_KEY_PATTERN, "soccer_epl,basketball_nba,americanfootball_nfl,icehockey_nhl"),
  ODDS_API_REGIONS: keyList(ODDS_API_REGIONS, "us,uk,eu"),
  /** Markets to read: the three the board prices. */
  ODDS_API_MARKETS: keyList(MARKET_KEYS, MARKET_KEYS.join(",")),
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
  SIMULATOR_PRICE_UPDATES_PER_SEC: decimal(6, 0, 10_000),
  SIMULATOR_BETS_PER_SEC: decimal(1, 0, 10_000),
  // Producer liveness (docs/odds-source.md, "Producer liveness").
  /**
   * How long the expected producer may go without an active instance's heartbeat (one a second)
   * before the publisher declares it down, ms: pages turn stale and in-play markets stop.
   */
  PRODUCER_SILENCE_MS: int(5_000, 1_500, 30_000),
});

const envSchema = envVariables.transform((config) => ({
  ...config,
  PUBLISHER_INSTANCE_ID: instanceName(config.PUBLISHER_INSTANCE_ID, config.NODE_APP_INSTANCE),
}));

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
export function publisherMetricsAddress(
  config: Pick<Env, "PUBLISHER_METRICS_PORT" | "PUBLISHER_METRICS_HOST" | "NODE_APP_INSTANCE">,
): { host: string; port: number } | null {
  if (config.PUBLISHER_METRICS_PORT === 0) return null;
  const instance = config.NODE_APP_INSTANCE ?? 0;
  const port = config.PUBLISHER_METRICS_PORT + instance;
  if (port > 65_535)
    throw new StartupError(`Invalid environment:\n  PUBLISHER_METRICS_PORT: ${config.PUBLISHER_METRICS_PORT} + instance ${instance} is past port 65535`);
  return { host: config.PUBLISHER_METRICS_HOST, port };
}

/** Parses an environment object; exported for tests. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseEnvironment(envSchema, source);
}
