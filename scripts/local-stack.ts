import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { clusterDirFor, createDatabase, postgresRunning, postgresUrl, startPostgres, stopPostgres } from "./services/postgres";
import { redisRunning, startRedis, stopRedis } from "./services/redis";
import { run } from "./services/run";

/**
 * What `npm start` provisions on this machine and `npm stop` takes down again: Postgres and Redis
 * (data kept between runs: under .data/, or for root's Postgres under /var/lib/live-odds, see
 * services/postgres.ts), the PM2 daemon under .run/pm2 (private to this checkout, so `npm stop`
 * never touches anyone else's PM2 apps). `.run/state.json` records what we started.
 */

export const ROOT = path.resolve(import.meta.dirname, "..");
export const DATA_DIR = path.join(ROOT, ".data");
export const RUN_DIR = path.join(ROOT, ".run");
export const PM2_HOME = path.join(RUN_DIR, "pm2");
const STATE_FILE = path.join(RUN_DIR, "state.json");
const SECRETS_FILE = path.join(DATA_DIR, "secrets.json");
/** The local cluster's data directory (see clusterDirFor); `.data/postgres` points there as root. */
export const PG_DATA_DIR = clusterDirFor(ROOT);
export const REDIS_DIR = path.join(DATA_DIR, "redis");

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

/**
 * Starts (or reuses) the local Postgres on `port` and returns the app database's URL, and whether
 * this call started the server.
 */
export async function ensureLocalPostgres(port: number): Promise<{ url: string; started: boolean }> {
  const dataDir = PG_DATA_DIR;
  const started = !(await postgresRunning(dataDir));
  if (started) {
    await mkdir(DATA_DIR, { recursive: true });
    await startPostgres({ dataDir, port, durable: true });
    await pointToData(dataDir);
  }
  await writeState({ ...(await readState()), postgres: { dataDir } });
  return { url: await createDatabase(postgresUrl(port), LOCAL_DATABASE), started };
}

/** As root the cluster lives outside the checkout; `.data/postgres` says where (a symlink). */
async function pointToData(dataDir: string): Promise<void> {
  const link = path.join(DATA_DIR, "postgres");
  if (dataDir === link) return;
  const existing = await lstat(link).catch(() => null);
  if (!existing) await symlink(dataDir, link);
}

/**
 * Starts (or reuses) the local Redis on `port` (installing redis-server with apt-get when root and
 * missing); returns its URL and whether this call started it.
 */
export async function ensureLocalRedis(port: number): Promise<{ url: string; started: boolean }> {
  const started = !(await redisRunning(REDIS_DIR));
  if (started) await startRedis({ dir: REDIS_DIR, port, durable: true });
  await writeState({ ...(await readState()), redis: { dir: REDIS_DIR } });
  return { url: `redis://127.0.0.1:${port}`, started };
}

/** Whether this checkout's PM2 daemon (and so, normally, its apps) is running. */
export async function appsRunning(): Promise<boolean> {
  try {
    const pid = Number((await readFile(path.join(PM2_HOME, "pm2.pid"), "utf8")).trim());
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface PortUse {
  port: number;
  host: string;
  /** What would listen there, and the variable that moves it, e.g. "web (PORT)". */
  what: string;
}

/**
 * The ports of `wanted` another program already holds, found by binding each on its host as the
 * app would (which also catches a listener on a more specific address).
 */
export async function portsTaken(wanted: PortUse[]): Promise<PortUse[]> {
  const taken = await Promise.all(wanted.map((use) => canBind(use.port, use.host).then((free) => (free ? null : use))));
  return taken.filter((use): use is PortUse => use !== null);
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const LocalSecrets = z.object({
  ADMIN_TOKEN: z.string().min(16),
  RELAY_JWT_SECRET: z.string().min(32),
  SESSION_SECRET: z.string().min(32),
  DEMO_BETTOR_PASSWORD: z.string().min(8),
  DEMO_ADMIN_PASSWORD: z.string().min(8),
});
export type LocalSecrets = z.infer<typeof LocalSecrets>;

/**
 * Secrets of a local run (the admin token, the relay and session secrets, the demo accounts'
 * passwords): generated once, kept in .data/secrets.json (mode 600). Ones a newer version needs
 * are added to an older file; existing ones never change.
 */
export async function localSecrets(): Promise<LocalSecrets> {
  const stored: Record<string, unknown> = existsSync(SECRETS_FILE) ? JSON.parse(await readFile(SECRETS_FILE, "utf8")) : {};
  const fresh = (bytes: number) => randomBytes(bytes).toString("base64url");
  const generated = {
    ADMIN_TOKEN: fresh(18),
    RELAY_JWT_SECRET: fresh(32),
    SESSION_SECRET: fresh(32),
    DEMO_BETTOR_PASSWORD: fresh(9),
    DEMO_ADMIN_PASSWORD: fresh(9),
  };
  const secrets = LocalSecrets.parse({ ...generated, ...stored });
  if (Object.keys(generated).some((key) => !(key in stored))) {
    await mkdir(DATA_DIR, { recursive: true });
    await writeFile(SECRETS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
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
  await stopApps(log);
  const state = await readState();
  if (state.redis) await stopLocalRedis(state.redis.dir, log);
  if (state.postgres) await stopLocalPostgres(state.postgres.dataDir, log);
  await rm(STATE_FILE, { force: true });
}

export async function stopApps(log: (line: string) => void): Promise<void> {
  if (!existsSync(path.join(PM2_HOME, "pm2.pid"))) return;
  await pm2(["kill"]);
  log("stopped web, ws-server, publisher and feed");
}

export async function stopLocalRedis(dir: string, log: (line: string) => void): Promise<void> {
  if (!(await redisRunning(dir))) return;
  await stopRedis(dir);
  log("stopped Redis");
}

export async function stopLocalPostgres(dataDir: string, log: (line: string) => void): Promise<void> {
  if (!(await postgresRunning(dataDir))) return;
  await stopPostgres(dataDir);
  log("stopped Postgres");
}
