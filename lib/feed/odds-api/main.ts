import type { Redis } from "ioredis";
import type { Db } from "../../db";
import type { Env } from "../../env";
import type { Logger } from "../../log";
import type { ProducerHooks } from "../leadership";
import { StartupError } from "../../errors";
import { createOddsApiClient } from "./client";
import { OddsApiPoller } from "./poller";
import { oddsCost } from "./schemas";

/**
 * The Odds API source for the `feed` app: the client with its retry and breaker policies, and the
 * poller that owns it. ODDS_API_KEY is required here (the only place that reads it) and never logged.
 */
export function createOddsApiSource(config: Env, deps: { db: Db; redis: Redis; log: Logger; hooks?: ProducerHooks }): OddsApiPoller {
  const key = config.ODDS_API_KEY;
  if (!key) throw new StartupError("ODDS_SOURCE=the-odds-api needs ODDS_API_KEY (your key from the-odds-api.com)");
  // The client tells the poller what happens (usage, breakers, malformed answers); the
  // poller exists first so the client can be handed its listeners.
  let poller: OddsApiPoller | null = null;
  const api = createOddsApiClient({
    baseUrl: config.ODDS_API_BASE_URL,
    apiKey: key,
    regions: config.ODDS_API_REGIONS,
    markets: config.ODDS_API_MARKETS,
    log: deps.log.child({ part: "client" }),
    breaker: { consecutiveFailures: config.ODDS_API_BREAKER_FAILURES, halfOpenAfterMs: config.ODDS_API_BREAKER_COOLDOWN_MS },
    events: {
      usage: (usage) => poller?.events.usage(usage),
      breaker: (endpoint, state) => poller?.events.breaker(endpoint, state),
      malformed: () => poller?.events.malformed(),
    },
  });
  poller = new OddsApiPoller({
    ...deps,
    api,
    config: {
      sports: config.ODDS_API_SPORTS,
      markets: config.ODDS_API_MARKETS,
      monthlyCredits: config.ODDS_API_MONTHLY_CREDITS,
      minIntervalMs: config.ODDS_API_MIN_INTERVAL_MS,
      oddsCost: oddsCost(config.ODDS_API_MARKETS, config.ODDS_API_REGIONS),
    },
  });
  return poller;
}
