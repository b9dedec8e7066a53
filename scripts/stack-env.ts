import { z } from "zod";
import { envSchema } from "../lib/env";
import { parseEnvironment } from "../lib/env-parse";

/**
 * The variables `npm start` itself reads (the apps validate theirs in lib/env.ts and vps/env.ts):
 * where each part of a local run listens, and what it hands the apps. Those the apps read too are
 * checked by the apps' own rules, so a bad value fails here, before anything starts.
 */

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);
const app = envSchema.shape;

const schema = z.object({
  /** The web app (server.ts). */
  PORT: app.PORT,
  HOST: app.HOST,
  /** The relay (ws-server). */
  RELAY_PORT: app.RELAY_PORT,
  RELAY_HOST: z.string().min(1).default("0.0.0.0"),
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
  /** Unset: this machine's own addresses on PORT. */
  RELAY_ALLOWED_ORIGINS: z.string().min(1).optional(),
  // Read by ecosystem.config.cjs; checked here too, so a typo fails before anything starts.
  RELAY_INSTANCES: z.coerce.number().int().min(1).max(64).default(1),
  PUBLISHER_INSTANCES: z.coerce.number().int().min(1).max(16).default(1),
  FEED_INSTANCES: z.coerce.number().int().min(1).max(16).default(1),
  /** The odds source: with The Odds API, demo events are not seeded (the source brings real ones). */
  ODDS_SOURCE: app.ODDS_SOURCE,
  ODDS_API_KEY: app.ODDS_API_KEY,
  ODDS_API_BASE_URL: app.ODDS_API_BASE_URL,
  ODDS_API_SPORTS: app.ODDS_API_SPORTS,
  ODDS_API_REGIONS: app.ODDS_API_REGIONS,
  ODDS_API_MARKETS: app.ODDS_API_MARKETS,
  ODDS_API_MONTHLY_CREDITS: app.ODDS_API_MONTHLY_CREDITS,
  ODDS_API_MIN_INTERVAL_MS: app.ODDS_API_MIN_INTERVAL_MS,
}).refine((env) => env.ODDS_SOURCE !== "the-odds-api" || env.ODDS_API_KEY !== undefined, {
  path: ["ODDS_API_KEY"],
  message: "is required with ODDS_SOURCE=the-odds-api (your key from the-odds-api.com)",
});

export type StackEnv = z.infer<typeof schema>;

export function parseStackEnv(source: Record<string, string | undefined>): StackEnv {
  return parseEnvironment(schema, source);
}
