import { assertDbReachable } from "@/lib/db";
import { env } from "@/lib/env";
import { StartupError } from "@/lib/errors";
import { assertRedisReachable } from "@/lib/redis";
import { services } from "./services";

/**
 * Boot checks for the web process, like every other entry point: a bad environment or a
 * Postgres / Redis that cannot be reached prints one line and exits 1 (PM2 retries with backoff).
 */
export async function checkStartup(): Promise<void> {
  try {
    const config = env();
    await assertRedisReachable(config.REDIS_URL);
    await assertDbReachable(services().db, config.DATABASE_URL);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
