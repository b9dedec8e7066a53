import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { migrate } from "../../scripts/migrations";
import { createDatabase, startPostgres, stopPostgres } from "../../scripts/services/postgres";
import { freePort } from "../../scripts/services/ports";
import { startRedis, stopRedis } from "../../scripts/services/redis";

/** Throwaway services for tests: real servers on free ports, data in a temp dir, gone afterwards. */

export interface Service {
  url: string;
  stop(): Promise<void>;
}

export const TEMPLATE_DB = "liveodds_template";

/** A Postgres server with a migrated template database that test databases are copied from. */
export async function startPostgresServer(): Promise<Service & { port: number; dataDir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "liveodds-pg-"));
  await chmod(dir, 0o755); // as root, the server runs as the postgres user, who must reach its data dir
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const url = await startPostgres({ dataDir, port, durable: false });
  await migrate(await createDatabase(url, TEMPLATE_DB));
  return {
    url,
    port,
    dataDir,
    stop: async () => {
      await stopPostgres(dataDir, "immediate");
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A fresh, migrated database on the shared test server. */
export function createTestDatabase(serverUrl: string, label = "t"): Promise<string> {
  counter += 1;
  const name = `${label}_${process.pid}_${counter}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return createDatabase(serverUrl, name, TEMPLATE_DB);
}

export interface RedisService extends Service {
  port: number;
  dir: string;
  /** Stops the server but keeps its data directory (then `restart`). */
  halt(): Promise<void>;
  /** Starts it again on the same port and directory (after `halt`), e.g. to test a Redis restart. */
  restart(): Promise<void>;
}

export async function startRedisServer(options: { durable?: boolean } = {}): Promise<RedisService> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "liveodds-redis-"));
  const port = await freePort();
  const start = () => startRedis({ dir, port, durable: options.durable ?? false });
  const url = await start();
  return {
    url,
    port,
    dir,
    halt: () => stopRedis(dir),
    restart: async () => {
      await start();
    },
    stop: async () => {
      await stopRedis(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
