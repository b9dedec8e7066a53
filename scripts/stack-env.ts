import { z } from "zod";
import { parseEnvironment } from "../lib/env-parse";

/**
 * The variables `npm start` itself reads (the apps validate theirs in lib/env.ts and vps/env.ts):
 * where each part of a local run listens. Parsed once, failing with every bad one listed.
 */

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

const schema = z.object({
  /** The web app (`next start`). */
  PORT: port(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** The relay (ws-server). */
  RELAY_PORT: port(3001),
  RELAY_HOST: z.string().min(1).default("0.0.0.0"),
  /** The local Postgres `npm start` provisions (unused when DATABASE_URL is set). */
  POSTGRES_PORT: port(54329),
  /** The local Redis `npm start` provisions (unused when REDIS_URL is set). */
  REDIS_PORT: port(63799),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).optional(),
});

export type StackEnv = z.infer<typeof schema>;

export function parseStackEnv(source: Record<string, string | undefined>): StackEnv {
  return parseEnvironment(schema, source);
}
