import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildAppsIfStale } from "../../scripts/app-build";
import { freePort, waitFor } from "../../scripts/services/ports";
import { run } from "../../scripts/services/run";
import { ROOT } from "./processes";
import { TEST_JWT_SECRET } from "./stack";

/**
 * The relay as production runs it: `pm2 start ecosystem.config.cjs --only ws-server`, which runs
 * the compiled bundle (dist/ws-server.mjs, built first when a source is newer), by the project's
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

/**
 * Starts `instances` relay instances through the ecosystem file and waits until each has logged
 * "relay listening". The PM2 command line gets a clean environment with only what a VPS operator
 * would export, since PM2 hands its caller's environment on to the apps. On any failure it stops
 * what it started before throwing.
 */
export async function startPm2Relay(redisUrl: string, instances: number): Promise<Pm2Relay> {
  await buildAppsIfStale();
  const home = await mkdtemp(path.join(os.tmpdir(), "liveodds-pm2-"));
  const port = await freePort();
  const cliEnv: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PM2_HOME: home,
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
  };
  const pm2 = (args: string[]) => run(process.execPath, [PM2_BIN, ...args], { cwd: ROOT, env: cliEnv });
  const workers = async (): Promise<Pm2Worker[]> => parseJlist((await pm2(["jlist"])).stdout);
  const outLog = path.join(home, "logs", "ws-server-out.log");
  const errLog = path.join(home, "logs", "ws-server-error.log");
  const read = async (file: string) => (existsSync(file) ? readFile(file, "utf8") : "");
  /** Every JSON line the instances logged to stdout so far (merged log), parsed. */
  const logLines = async () => (await read(outLog)).split("\n").flatMap((line) => parseLine(line));
  const listening = async () => (await logLines()).filter((line) => line.msg === "relay listening").map((line) => String(line.instanceId));
  const logTail = async (lines = 40) => {
    const tail = (text: string) => text.split("\n").slice(-lines).join("\n");
    return `── ws-server out ──\n${tail(await read(outLog))}\n── ws-server err ──\n${tail(await read(errLog))}`;
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

  const relay: Pm2Relay = { port, url: `http://127.0.0.1:${port}`, workers, listening, logTail, stop };
  try {
    const started = await pm2(["start", "ecosystem.config.cjs", "--only", "ws-server"]);
    if (started.code !== 0) throw new Error(`pm2 start failed (exit ${started.code}):\n${started.stderr || started.stdout}`);
    const ready = async () => {
      if (new Set(await listening()).size >= instances) return true;
      // An instance that cannot start (bad environment, no Redis) is restarted by PM2 forever.
      if ((await workers()).some((worker) => worker.restarts > 2)) throw new Error("ws-server keeps restarting under PM2");
      return false;
    };
    await waitFor(ready, 60_000, `${instances} relay instances listening`, 300).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await logTail()}`);
    });
    return relay;
  } catch (error) {
    await stop();
    throw error;
  }
}

function parseJlist(stdout: string): Pm2Worker[] {
  const start = stdout.indexOf("[");
  if (start < 0) return [];
  const apps = JSON.parse(stdout.slice(start)) as {
    name: string;
    pid: number;
    pm2_env: { NODE_APP_INSTANCE?: number | string; status: string; restart_time: number };
  }[];
  return apps
    .filter((app) => app.name === "ws-server")
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
