import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildAppsIfStale } from "../../scripts/app-build";
import { freePort, waitFor } from "../../scripts/services/ports";
import { run } from "../../scripts/services/run";
import { ROOT } from "./processes";
import { TEST_JWT_SECRET } from "./stack";
import { TEST_DIST_DIR } from "./web";

/**
 * The relay as production runs it: `pm2 start ecosystem.config.cjs --only ws-server`, which runs
 * the compiled bundle (dist/ws-server.cjs with its code cache, built first when a source is newer), by the project's
 * own PM2 (node_modules, no global install) with a PM2 daemon of its own (a private PM2_HOME in a
 * temp dir), so it never meets anyone else's PM2 apps.
 */

export interface Pm2Worker {
  /** PM2's number for the instance (NODE_APP_INSTANCE): 0, 1, … */
  instance: number;
  pid: number;
  status: string;
  restarts: number;
}

export interface Pm2Relay {
  port: number;
  url: string;
  /** The ws-server instances as `pm2 jlist` reports them. */
  workers(): Promise<Pm2Worker[]>;
  /** The instance ids that logged "relay listening", in order (a restarted instance adds one). */
  listening(): Promise<string[]>;
  /** The last lines of the apps' logs, for a failing test's output. */
  logTail(lines?: number): Promise<string>;
  /** `pm2 kill` (apps, then the daemon), then SIGKILL for any of them still alive; idempotent. */
  stop(): Promise<void>;
}

const PM2_BIN = path.join(ROOT, "node_modules", "pm2", "bin", "pm2");

/** One PM2 app started through the ecosystem file under a private PM2 daemon. */
interface Pm2App {
  /** The app's instances as `pm2 jlist` reports them. */
  workers(): Promise<Pm2Worker[]>;
  /** Every JSON line the instances logged to stdout so far (merged log), parsed. */
  logLines(): Promise<Record<string, unknown>[]>;
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `app` of ecosystem.config.cjs with `env` (the whole environment of the PM2 command line:
 * PM2 hands its caller's environment on to the apps, so it holds only what a VPS operator would
 * export) and waits for `ready`. On any failure it stops what it started before throwing.
 */
async function startPm2App(app: string, env: Record<string, string>, ready: (started: Pm2App) => Promise<boolean>, what: string): Promise<Pm2App> {
  const home = await mkdtemp(path.join(os.tmpdir(), "liveodds-pm2-"));
  const cliEnv: NodeJS.ProcessEnv = { ...env, NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, PM2_HOME: home };
  const pm2 = (args: string[]) => run(process.execPath, [PM2_BIN, ...args], { cwd: ROOT, env: cliEnv });
  const workers = async (): Promise<Pm2Worker[]> => parseJlist((await pm2(["jlist"])).stdout, app);
  const outLog = path.join(home, "logs", `${app}-out.log`);
  const errLog = path.join(home, "logs", `${app}-error.log`);
  const read = async (file: string) => (existsSync(file) ? readFile(file, "utf8") : "");
  const logLines = async () => (await read(outLog)).split("\n").flatMap((line) => parseLine(line));
  const logTail = async (lines = 40) => {
    const tail = (text: string) => text.split("\n").slice(-lines).join("\n");
    return `── ${app} out ──\n${tail(await read(outLog))}\n── ${app} err ──\n${tail(await read(errLog))}`;
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const pids = (await workers().catch(() => [])).map((worker) => worker.pid);
    pids.push(Number((await read(path.join(home, "pm2.pid"))).trim()));
    await pm2(["kill"]);
    // Whatever `pm2 kill` left behind, if it is still ours (a pid may have been reused since).
    for (const pid of pids) if (pid > 0 && (await belongsTo(pid, home))) killIfAlive(pid);
    await rm(home, { recursive: true, force: true });
  };
  const started: Pm2App = { workers, logLines, logTail, stop };
  try {
    const result = await pm2(["start", "ecosystem.config.cjs", "--only", app]);
    if (result.code !== 0) throw new Error(`pm2 start failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
    const check = async () => {
      if (await ready(started)) return true;
      // An instance that cannot start (bad environment, no Redis) is restarted by PM2 forever.
      if ((await workers()).some((worker) => worker.restarts > 2)) throw new Error(`${app} keeps restarting under PM2`);
      return false;
    };
    await waitFor(check, 120_000, what, 300).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logTail()}`);
    });
    return started;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts `instances` relay instances through the ecosystem file and waits until each has logged
 * "relay listening". `extra`: RELAY_* settings on top of the tests' (a bench's connection limits).
 */
export async function startPm2Relay(redisUrl: string, instances: number, extra: Record<string, string> = {}): Promise<Pm2Relay> {
  await buildAppsIfStale();
  const port = await freePort();
  const env: Record<string, string> = {
    REDIS_URL: redisUrl,
    RELAY_INSTANCES: String(instances),
    RELAY_PORT: String(port),
    RELAY_HOST: "127.0.0.1",
    RELAY_JWT_SECRET: TEST_JWT_SECRET,
    RELAY_ALLOWED_ORIGINS: "*",
    // Every test client comes from 127.0.0.1.
    RELAY_MAX_CONNECTIONS_PER_IP: "10000",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    ...extra,
  };
  let listening: () => Promise<string[]> = async () => [];
  const app = await startPm2App(
    "ws-server",
    env,
    async (started) => {
      listening = async () => (await started.logLines()).filter((line) => line.msg === "relay listening").map((line) => String(line.instanceId));
      return new Set(await listening()).size >= instances;
    },
    `${instances} relay instances listening`,
  );
  return { port, url: `http://127.0.0.1:${port}`, workers: app.workers, listening: () => listening(), logTail: app.logTail, stop: app.stop };
}

export interface Pm2Web {
  url: string;
  workers(): Promise<Pm2Worker[]>;
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `instances` web instances (server.ts over the tests' Next.js build) through the ecosystem
 * file with `env` (the database, Redis and secrets), and waits until each is online and the port
 * answers /api/health.
 */
export async function startPm2Web(env: Record<string, string>, instances: number): Promise<Pm2Web> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await startPm2App(
    "web",
    {
      ...env,
      WEB_INSTANCES: String(instances),
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXT_DIST_DIR: TEST_DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_FORMAT: "json",
    },
    async (started) => {
      const online = (await started.workers()).filter((worker) => worker.status === "online").length;
      return online >= instances && (await fetch(`${url}/api/health`).catch(() => null))?.status === 200;
    },
    `${instances} web instances online`,
  );
  return { url, workers: app.workers, logTail: app.logTail, stop: app.stop };
}

function parseJlist(stdout: string, name: string): Pm2Worker[] {
  const start = stdout.indexOf("[");
  if (start < 0) return [];
  const apps = JSON.parse(stdout.slice(start)) as {
    name: string;
    pid: number;
    pm2_env: { NODE_APP_INSTANCE?: number | string; status: string; restart_time: number };
  }[];
  return apps
    .filter((app) => app.name === name)
    .map((app) => ({ instance: Number(app.pm2_env.NODE_APP_INSTANCE ?? 0), pid: app.pid, status: app.pm2_env.status, restarts: app.pm2_env.restart_time }));
}

function parseLine(line: string): Record<string, unknown>[] {
  if (!line.startsWith("{")) return [];
  try {
    return [JSON.parse(line) as Record<string, unknown>];
  } catch {
    return [];
  }
}

/** Whether the process runs with this PM2_HOME: PM2's daemon and apps all do. */
async function belongsTo(pid: number, home: string): Promise<boolean> {
  const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
  return environ.split("\0").includes(`PM2_HOME=${home}`);
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
