import { freePort } from "../../scripts/services/ports";
import { type Proc, spawnTs } from "./processes";

/** Starting our own processes for tests, each on free ports and with its own env. */

export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123";
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
export const TEST_SESSION_SECRET = "test-session-secret-test-session-secret-0123";

export interface RelayProc extends Proc {
  port: number;
  url: string;
}

export async function startRelay(redisUrl: string, env: Record<string, string> = {}): Promise<RelayProc> {
  const port = env.RELAY_PORT ? Number(env.RELAY_PORT) : await freePort();
  const proc = spawnTs("relay", "vps/server.ts", {
    REDIS_URL: redisUrl,
    RELAY_PORT: String(port),
    RELAY_HOST: "127.0.0.1",
    RELAY_JWT_SECRET: TEST_JWT_SECRET,
    RELAY_ALLOWED_ORIGINS: "http://allowed.test",
    ...env,
  });
  await proc.waitForOutput(/relay listening/);
  return Object.assign(proc, { port, url: `http://127.0.0.1:${port}` });
}

/**
 * A publisher's (and the web app's) environment. No feed runs beside it unless a test starts one,
 * so it expects none (`SIMULATOR_ENABLED=false`: prices come from the test, and no producer's
 * silence applies); a test of producer liveness passes the feed's settings and starts `startFeed`.
 */
export function publisherEnv(databaseUrl: string, redisUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    PUBLISHER_INTERVAL_MS: "100",
    PUBLISHER_LEADER_TTL_MS: "1500",
    SIMULATOR_ENABLED: "false",
    ...env,
  };
}

export async function startPublisher(databaseUrl: string, redisUrl: string, env: Record<string, string> = {}): Promise<Proc> {
  const proc = spawnTs(`publisher ${env.PUBLISHER_INSTANCE_ID ?? ""}`.trim(), "lib/publisher/main.ts", publisherEnv(databaseUrl, redisUrl, env));
  await proc.waitForOutput(/publisher process ready/);
  return proc;
}

/**
 * A `feed` process (lib/feed/main.ts) with the given source settings, ready once it has started
 * competing for its producer's lease; alone, it produces within a step of that.
 */
export async function startFeed(databaseUrl: string, redisUrl: string, env: Record<string, string> = {}, name = "feed"): Promise<Proc> {
  const proc = spawnTs(name, "lib/feed/main.ts", { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: "info", ...env });
  await proc.waitForOutput(/feed process ready/);
  return proc;
}
