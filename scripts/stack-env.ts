import { z } from "zod";
import { envVariables } from "../lib/env";
import { int, parseEnvironment, port } from "../lib/env-parse";
import { relayVariables } from "../vps/env";

/**
 * The variables `npm start` itself reads (the apps validate theirs in lib/env.ts and vps/env.ts):
 * where each part of a local run listens, and what it hands the apps. Those the apps read too are
 * checked by the apps' own rules, so a bad value fails here, before anything starts. The ones only
 * `npm start` and the PM2 ecosystem file read are defined here and nowhere else.
 */

const app = envVariables.shape;
const relay = relayVariables.shape;

export const stackVariables = z.object({
  /** The web app (server.ts). */
  PORT: app.PORT,
  HOST: app.HOST,
  /** The relay (ws-server): the port the web app and this script reach it on, so never 0. */
  RELAY_PORT: app.RELAY_PORT,
  RELAY_HOST: relay.RELAY_HOST,
  /** The local Postgres `npm start` provisions (unused when DATABASE_URL is set). */
  POSTGRES_PORT: port(54329),
  /** The local Redis `npm start` provisions (unused when REDIS_URL is set). */
  REDIS_PORT: port(63799),
  /** Set: that service is used as it is, and none is provisioned. */
  DATABASE_URL: app.DATABASE_URL.optional(),
  REDIS_URL: app.REDIS_URL.optional(),
  /** Unset: generated once for this checkout and kept in .data/secrets.json. */
  ADMIN_TOKEN: app.ADMIN_TOKEN,
  RELAY_JWT_SECRET: app.RELAY_JWT_SECRET,
  SESSION_SECRET: app.SESSION_SECRET,
  /** What the demo accounts start with. */
  DEMO_BALANCE: app.DEMO_BALANCE,
  /** Unset: this machine's own addresses on PORT (the relay checks the list itself). */
  RELAY_ALLOWED_ORIGINS: z.string().min(1, "must not be empty").optional(),
  // Read by ecosystem.config.cjs; checked here too, so a typo fails before anything starts.
  RELAY_INSTANCES: int(1, 1, 64),
  WEB_INSTANCES: int(1, 1, 16),
  PUBLISHER_INSTANCES: int(1, 1, 16),
  FEED_INSTANCES: int(1, 1, 16),
  /** Every app's logs. */
  LOG_LEVEL: app.LOG_LEVEL,
  LOG_FORMAT: app.LOG_FORMAT,
  /** The odds source: with The Odds API, demo events are not seeded (the source brings real ones). */
  ODDS_SOURCE: app.ODDS_SOURCE,
  ODDS_API_KEY: app.ODDS_API_KEY,
  ODDS_API_BASE_URL: app.ODDS_API_BASE_URL,
  ODDS_API_SPORTS: app.ODDS_API_SPORTS,
  ODDS_API_REGIONS: app.ODDS_API_REGIONS,
  ODDS_API_MARKETS: app.ODDS_API_MARKETS,
  ODDS_API_MONTHLY_CREDITS: app.ODDS_API_MONTHLY_CREDITS,
  ODDS_API_MIN_INTERVAL_MS: app.ODDS_API_MIN_INTERVAL_MS,
});

const schema = stackVariables.refine((env) => env.ODDS_SOURCE !== "the-odds-api" || env.ODDS_API_KEY !== undefined, {
  path: ["ODDS_API_KEY"],
  message: "is required with ODDS_SOURCE=the-odds-api (your key from the-odds-api.com)",
});

export type StackEnv = z.infer<typeof schema>;

/** Parses what `npm start` reads, or throws a StartupError listing every bad variable. */
export function parseStackEnv(source: Record<string, string | undefined>): StackEnv {
  return parseEnvironment(schema, source);
}
