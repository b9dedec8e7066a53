import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Redis } from "ioredis";
import { ensureDebianPackage, run, which } from "./run";
import { waitFor } from "./ports";

/**
 * Local Redis for `npm start` and tests: Debian's `redis-server` (no npm package ships one).
 * Installed with apt-get when missing and running as root; otherwise one line says what to do.
 */

export interface RedisServerOptions {
  dir: string;
  port: number;
  /** Durable instances keep an append-only file so canonical odds state survives a restart. */
  durable: boolean;
}

const INSTALL_HINT = "redis-server is not installed. Install it with `sudo apt-get install -y redis-server`, or set REDIS_URL to a running Redis.";

export function redisServerBinary(options: { install: boolean }): Promise<string> {
  return ensureDebianPackage("redis-server", findRedisServer, INSTALL_HINT, options.install);
}

async function findRedisServer(): Promise<string | null> {
  const onPath = await which("redis-server");
  if (onPath) return onPath;
  return ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p)) ?? null;
}

/** Starts a daemonized redis-server bound to loopback and waits until it answers PING. */
export async function startRedis(options: RedisServerOptions): Promise<string> {
  const binary = await redisServerBinary({ install: true });
  await mkdir(options.dir, { recursive: true });
  const persistence = options.durable ? ["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""] : ["--appendonly", "no", "--save", ""];
  const args = [
    "--port",
    String(options.port),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--daemonize",
    "yes",
    "--pidfile",
    path.join(options.dir, "redis.pid"),
    "--logfile",
    path.join(options.dir, "redis.log"),
    ...persistence,
  ];
  const result = await run(binary, args);
  if (result.code !== 0) throw new Error(`redis-server failed to start: ${(result.stderr || result.stdout).trim()}`);
  const url = `redis://127.0.0.1:${options.port}`;
  await waitFor(() => pingRedis(url), 10_000, `redis-server on port ${options.port}`, 50);
  return url;
}

/** Stops the redis-server whose pidfile is in `dir` (SIGTERM, which saves when configured to). */
export async function stopRedis(dir: string): Promise<void> {
  const pid = await redisPid(dir);
  if (pid === null) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  await waitFor(async () => !isAlive(pid), 10_000, `redis-server ${pid} to exit`, 50).catch(() => process.kill(pid, "SIGKILL"));
}

export async function redisRunning(dir: string): Promise<boolean> {
  const pid = await redisPid(dir);
  return pid !== null && isAlive(pid);
}

async function redisPid(dir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path.join(dir, "redis.pid"), "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function pingRedis(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
