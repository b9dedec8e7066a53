/**
 * How soon a relay killed with `kill -9` answers again under PM2, the compiled bundle against the
 * relay run through tsx as PM2 ran it before (the baseline), in the same run.
 *
 *   npx tsx bench/relay-restart.ts [--rounds 6]
 *
 * A throwaway Redis and a private PM2 daemon (its own PM2_HOME, as tests/support/pm2.ts) run the
 * relays side by side, each on its own port:
 *
 *   compiled          the ecosystem's `ws-server` app exactly as production runs it: the bundle
 *                     dist/ws-server.cjs through scripts/run-bundle.cjs, with its V8 code cache
 *   no code cache     the same bundle run by node itself: what the code cache is worth
 *   compiled, old PM2 the bundle without the cache and with PM2's earlier settings (its metrics
 *                     agent loaded, 200 ms before the first restart): what the PM2 settings are worth
 *   tsx (before)      vps/server.ts through scripts/pm2-ts.mjs and tsx, with those earlier settings
 *
 * Each round restarts each relay (`pm2 restart`, so every kill is a first crash for PM2's
 * backoff), then kills it (SIGKILL to the pid PM2 reports) and times kill → GET
 * /health answers 200, polled every 5 ms. It splits that into: kill → PM2 has started the new
 * process (its start time in /proc, 10 ms resolution), → the relay logged "relay listening", →
 * /health answered. Apart from PM2: `node -e 0` (node's own start), and each relay's start with a
 * Redis that refuses connections (it loads everything, fails at once and exits), less `node -e 0`:
 * what loading the code costs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { appArgs, appBundle, buildApps } from "../scripts/app-build";
import { freePort, waitFor } from "../scripts/services/ports";
import { run } from "../scripts/services/run";
import { ROOT } from "../tests/support/processes";
import { startRedisServer } from "../tests/support/services";
import { arg, percentile, runBench, table } from "./stats";

const ROUNDS = arg("rounds", 6);
const PM2_BIN = path.join(ROOT, "node_modules", "pm2", "bin", "pm2");
/** PM2's settings for the apps before the relay was compiled. */
const BEFORE = { pmx: true, exp_backoff_restart_delay: 200 };

interface Variant {
  name: string;
  app: string;
  port: number;
  /** The command that loads this relay's code, for the refused-Redis start. */
  load: string[];
}

interface Round {
  total: number;
  toProcess: number;
  toListening: number;
}

async function main(): Promise<void> {
  await buildApps();
  const redis = await startRedisServer();
  const home = await mkdtemp(path.join(os.tmpdir(), "liveodds-restart-"));
  const pm2 = (args: string[]) =>
    run(process.execPath, [PM2_BIN, ...args], { cwd: ROOT, env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, PM2_HOME: home } });
  try {
    const variants = await startVariants(redis.url, home, pm2);
    const rounds = new Map<string, Round[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) rounds.get(variant.name)?.push(await killAndTime(variant, home, pm2));
    }
    printReport(variants, rounds, `redis://127.0.0.1:${await freePort()}`);
  } finally {
    await pm2(["kill"]);
    await rm(home, { recursive: true, force: true });
    await redis.stop();
  }
}

/** The four relays under one private PM2, each started and listening. */
async function startVariants(redisUrl: string, home: string, pm2: (args: string[]) => ReturnType<typeof run>): Promise<Variant[]> {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const relayEnv = (port: number) => ({ REDIS_URL: redisUrl, RELAY_PORT: String(port), RELAY_HOST: "127.0.0.1", LOG_FORMAT: "json", LOG_LEVEL: "info" });
  const production = ecosystemRelay();
  const uncached = { script: appBundle("ws-server"), args: [] };
  const apps = [
    { ...production, name: "compiled", env: { ...production.env, ...relayEnv(ports[0]!) } },
    { ...production, ...uncached, name: "no-code-cache", env: { ...production.env, ...relayEnv(ports[3]!) } },
    { ...production, ...uncached, ...BEFORE, name: "compiled-old-pm2", env: { ...production.env, ...relayEnv(ports[1]!) } },
    {
      ...production,
      ...BEFORE,
      name: "tsx",
      script: "scripts/pm2-ts.mjs",
      args: "vps/server.ts",
      interpreter_args: "--import tsx",
      env: { ...production.env, ...relayEnv(ports[2]!) },
    },
  ];
  const file = path.join(home, "apps.json");
  await writeFile(file, JSON.stringify({ apps }));
  const started = await pm2(["start", file]);
  if (started.code !== 0) throw new Error(`pm2 start failed:\n${started.stderr || started.stdout}`);
  const variants: Variant[] = [
    { name: "compiled", app: "compiled", port: ports[0]!, load: appArgs("ws-server") },
    { name: "no code cache", app: "no-code-cache", port: ports[3]!, load: [appBundle("ws-server")] },
    { name: "compiled, old PM2", app: "compiled-old-pm2", port: ports[1]!, load: [appBundle("ws-server")] },
    { name: "tsx (before)", app: "tsx", port: ports[2]!, load: ["--import", "tsx", path.join(ROOT, "vps", "server.ts")] },
  ];
  for (const variant of variants) await waitFor(() => healthy(variant.port), 60_000, `${variant.name} relay healthy`, 50);
  return variants;
}

/** The ecosystem's ws-server app, read as PM2 reads it (one instance, fork mode). */
function ecosystemRelay(): Record<string, unknown> & { env: Record<string, string> } {
  const ecosystem = createRequire(import.meta.url)(path.join(ROOT, "ecosystem.config.cjs")) as { apps: (Record<string, unknown> & { name: string })[] };
  const app = ecosystem.apps.find((candidate) => candidate.name === "ws-server");
  if (!app) throw new Error("no ws-server app in ecosystem.config.cjs");
  return { ...app, instances: 1, exec_mode: "fork", env: { ...(app.env as Record<string, string>) } };
}

async function healthy(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
  return response?.status === 200;
}

/** Kills the variant's relay and times it back: kill → process, → listening, → /health 200 (ms). */
async function killAndTime(variant: Variant, home: string, pm2: (args: string[]) => ReturnType<typeof run>): Promise<Round> {
  // Each kill is a first crash: PM2 lengthens its delay for every crash within 30 s of the last
  // start (x1.5 each), and only a `pm2 restart` (not the kill's own restart) clears that.
  await pm2(["restart", variant.app]);
  await waitFor(() => healthy(variant.port), 60_000, `${variant.name} relay healthy`, 20);
  const pid = await pidOf(variant.app, pm2);
  const logFile = path.join(home, "logs", `${variant.app}-out.log`);
  const logged = existsSync(logFile) ? readFileSync(logFile, "utf8").length : 0;
  const killedUptime = uptimeSeconds();
  const killedAt = Date.now();
  process.kill(pid, "SIGKILL");
  while (!(await healthy(variant.port))) await new Promise((resolve) => setTimeout(resolve, 5));
  const total = Date.now() - killedAt;
  const newPid = await pidOf(variant.app, pm2);
  const toProcess = (processStartSeconds(newPid) - killedUptime) * 1000;
  const listening = readFileSync(logFile, "utf8")
    .slice(logged)
    .split("\n")
    .find((line) => line.includes('"relay listening"'));
  const toListening = listening ? Date.parse((JSON.parse(listening) as { time: string }).time) - killedAt : Number.NaN;
  return { total, toProcess, toListening };
}

async function pidOf(app: string, pm2: (args: string[]) => ReturnType<typeof run>): Promise<number> {
  const { stdout } = await pm2(["pid", app]);
  const pid = Number(stdout.trim().split("\n").pop());
  if (!(pid > 0)) throw new Error(`no pid for ${app}: ${stdout}`);
  return pid;
}

function uptimeSeconds(): number {
  return Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
}

/** When the process started, in seconds since boot (the kernel counts in clock ticks, 100 a second). */
function processStartSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[19]) / 100;
}

/** ms from spawn to exit of `node <args>` with a Redis that refuses connections, median of `times` runs. */
function startToExit(args: string[], refusedRedis: string, times = 5): number {
  const spent: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    spawnSync(process.execPath, args, {
      cwd: ROOT,
      env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: refusedRedis, RELAY_PORT: "0", LOG_FORMAT: "json" },
      stdio: "ignore",
    });
    spent.push(performance.now() - started);
  }
  return percentile(spent, 50);
}

function printReport(variants: Variant[], rounds: Map<string, Round[]>, refusedRedis: string): void {
  const nodeStart = startToExit(["-e", "0"], refusedRedis);
  const rows = variants.map((variant) => {
    const list = rounds.get(variant.name) ?? [];
    const column = (pick: (round: Round) => number) => list.map(pick);
    const totals = column((round) => round.total);
    const load = startToExit(variant.load, refusedRedis) - nodeStart;
    return [
      variant.name,
      percentile(totals, 50),
      Math.max(...totals),
      percentile(
        column((round) => round.toProcess),
        50,
      ),
      percentile(
        column((round) => round.toListening - round.toProcess),
        50,
      ),
      percentile(
        column((round) => round.total - round.toListening),
        50,
      ),
      load,
    ];
  });
  console.log(`\nkill -9 → GET /health 200, ${ROUNDS} rounds each (ms); node -e 0 takes ${nodeStart.toFixed(0)} ms here\n`);
  console.log(
    table(["relay", "p50", "max", "kill → process (p50)", "process → listening (p50)", "listening → 200 (p50)", "load, less node -e 0 (median of 5)"], rows),
  );
  console.log("\nTarget: < 300 ms (docs/targets.md, 'relay restart').");
}

runBench(main);
