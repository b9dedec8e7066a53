import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDatabase, postgresRunning, postgresUrl, startPostgres, stopPostgres } from "./services/postgres";
import { isListening } from "./services/ports";
import { redisRunning, startRedis, stopRedis } from "./services/redis";
import { run } from "./services/run";

/**
 * What `npm start` provisions on this machine and `npm stop` takes down again: Postgres and Redis
 * under .data/ (kept between runs), the PM2 daemon under .run/pm2 (private to this checkout, so
 * `npm stop` never touches anyone else's PM2 apps). `.run/state.json` records what we started.
 */

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DATA_DIR = path.join(ROOT, ".data");
export const RUN_DIR = path.join(ROOT, ".run");
export const PM2_HOME = path.join(RUN_DIR, "pm2");
const STATE_FILE = path.join(RUN_DIR, "state.json");
const SECRETS_FILE = path.join(DATA_DIR, "secrets.json");

export const LOCAL_PG_PORT = 54329;
export const LOCAL_REDIS_PORT = 63799;
export const LOCAL_DATABASE = "liveodds";

interface StackState {
  postgres?: { dataDir: string };
  redis?: { dir: string };
}

export async function readState(): Promise<StackState> {
  try {
    return JSON.parse(await readFile(STATE_FILE, "utf8")) as StackState;
  } catch {
    return {};
  }
}

async function writeState(state: StackState): Promise<void> {
  await mkdir(RUN_DIR, { recursive: true });
  await writeFile(STATE_FILE, JSON.stringify(state, null, 2));
}

/** Starts (or reuses) the local Postgres and returns the app database's URL. */
export async function ensureLocalPostgres(): Promise<string> {
  const dataDir = path.join(DATA_DIR, "postgres");
  if (!(await postgresRunning(dataDir))) {
    if (await isListening(LOCAL_PG_PORT)) throw new Error(`Port ${LOCAL_PG_PORT} is taken by another program; stop it or set DATABASE_URL`);
    await mkdir(DATA_DIR, { recursive: true });
    await startPostgres({ dataDir, port: LOCAL_PG_PORT, durable: true });
  }
  await writeState({ ...(await readState()), postgres: { dataDir } });
  return createDatabase(postgresUrl(LOCAL_PG_PORT), LOCAL_DATABASE);
}

/** Starts (or reuses) the local Redis (installing redis-server with apt-get when root and missing). */
export async function ensureLocalRedis(): Promise<string> {
  const dir = path.join(DATA_DIR, "redis");
  if (!(await redisRunning(dir))) {
    if (await isListening(LOCAL_REDIS_PORT)) throw new Error(`Port ${LOCAL_REDIS_PORT} is taken by another program; stop it or set REDIS_URL`);
    await startRedis({ dir, port: LOCAL_REDIS_PORT, durable: true });
  }
  await writeState({ ...(await readState()), redis: { dir } });
  return `redis://127.0.0.1:${LOCAL_REDIS_PORT}`;
}

/** ADMIN_TOKEN and RELAY_JWT_SECRET for a local run: generated once, kept in .data/secrets.json. */
export async function localSecrets(): Promise<{ ADMIN_TOKEN: string; RELAY_JWT_SECRET: string }> {
  if (existsSync(SECRETS_FILE)) return JSON.parse(await readFile(SECRETS_FILE, "utf8"));
  const secrets = { ADMIN_TOKEN: randomBytes(18).toString("base64url"), RELAY_JWT_SECRET: randomBytes(32).toString("base64url") };
  await mkdir(DATA_DIR, { recursive: true });
  await writeFile(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Browser origins of this machine's web app, for the relay's allowlist in a local run. */
export function localOrigins(port: number): string[] {
  const hosts = new Set(["localhost", "127.0.0.1", os.hostname()]);
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === "IPv4") hosts.add(address.address);
  }
  return [...hosts].map((host) => `http://${host}:${port}`);
}

/** Runs the project's PM2 with the private PM2_HOME. */
export function pm2(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return run(process.execPath, [path.join(ROOT, "node_modules", "pm2", "bin", "pm2"), ...args], { cwd: ROOT, env: { ...env, PM2_HOME } });
}

/** Stops the PM2 apps and daemon, then the services this checkout started. Idempotent. */
export async function stopStack(log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(PM2_HOME, "pm2.pid"))) {
    await pm2(["kill"]);
    log("stopped web, ws-server, publisher and feed");
  }
  const state = await readState();
  if (state.redis && (await redisRunning(state.redis.dir))) {
    await stopRedis(state.redis.dir);
    log("stopped Redis");
  }
  if (state.postgres && (await postgresRunning(state.postgres.dataDir))) {
    await stopPostgres(state.postgres.dataDir);
    log("stopped Postgres");
  }
  await rm(STATE_FILE, { force: true });
}
