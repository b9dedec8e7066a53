import { Redis, type RedisOptions } from "ioredis";
import { StartupError, redactUrl, urlAddress } from "./errors";
import { createLogger } from "./log";

const log = createLogger("redis");

export interface RedisClientOptions {
  /** Shown in logs and in CLIENT LIST, e.g. "publisher" or "relay-sub". */
  name: string;
  /**
   * Commands fail after this many reconnect attempts instead of waiting in the offline queue.
   * The publisher wants failures fast (a failed tick rolls back and retries); null waits forever.
   */
  maxRetriesPerRequest?: number | null;
  /**
   * A command not answered within this many ms fails, queued ones included (unset: no limit).
   * Request handlers set it so that a Redis outage gives a 503 in a fraction of a second.
   */
  commandTimeoutMs?: number;
}

/**
 * Makes an ioredis client that reconnects forever with capped backoff and logs state changes once
 * instead of on every retry, so a Redis outage reads as two lines in `pm2 logs`, not thousands.
 */
export function createRedis(url: string, options: RedisClientOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
    enableAutoPipelining: false,
    ...(options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
  const client = new Redis(url, redisOptions);
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ client: options.name, url: redactUrl(url), err: error.message }, "redis unavailable");
  });
  client.on("ready", () => {
    if (down) log.info({ client: options.name }, "redis available again");
    down = false;
  });
  return client;
}

/**
 * Fails with one readable line when Redis cannot be reached at start, e.g.
 * `Cannot reach Redis at 127.0.0.1:6390 (REDIS_URL): connect ECONNREFUSED 127.0.0.1:6390`.
 */
export async function assertRedisReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`Cannot reach Redis at ${urlAddress(url)} (REDIS_URL): ${reason}`);
  } finally {
    probe.disconnect();
  }
}
