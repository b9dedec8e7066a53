/**
 * The relay under load, against a bare `ws` fan-out of the same messages to the same clients.
 *
 *   npx tsx bench/relay-load.ts [--clients 5000] [--procs 5] [--rate 10] [--seconds 20]
 *       [--ramp 5] [--step-seconds 8] [--sports a,b,…] [--events 12] [--changes 10]
 *       [--storm] [--no-compare]
 *
 * A throwaway Redis; a synthetic publisher in this process committing real seq-numbered deltas
 * through the StateStore (state, history, PUBLISH in one script), `--rate` deltas a second, sports
 * in turn, `--changes` price moves each; the server under test in its own process; `--clients`
 * connections spread over `--procs` client processes, every one subscribed to every sport, so
 * each delta is one delivery per client. Per server, in the same run:
 *
 *   1. RSS before any client, then with every client connected and subscribed;
 *   2. a steady step at `--rate` for `--seconds`, then `--ramp` steps doubling the rate
 *      (`--step-seconds` each) until the server falls behind (its backlog takes > 1 s to drain);
 *   3. per step: deliveries/s, latency (receipt − the delta's ts: one machine, one clock), CPU of
 *      the server, the clients, Redis, this process and everyone else (from /proc), peak RSS,
 *      deliveries missing and gaps.
 *
 * The relay goes first (vps/server.ts through tsx, as PM2 runs it), then the bare `ws` server.
 * With `--storm`, the relay instead takes a `kill -9` under load after the steady step and is
 * started again on the same port at once, as PM2 would; each client reconnects with the page's
 * delays and resumes from the seqs it holds. Reported: kill → reconnected / resumed / first live
 * delta per client (p50, p99, max), clients not back, gaps. No baseline: bare ws has no resume.
 *
 * RELAY_* variables in the environment are passed to the relay (e.g. to compare compression).
 * Everything, clients included, runs on this machine: on a shared 2-core box the clients' CPU is
 * part of the load, which the CPU columns show.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { z } from "zod";
import { DEMO_SPORTS } from "../prisma/seed";
import { startRedisServer } from "../tests/support/services";
import { runBench } from "./stats";
import { ClientFleet } from "./support/load-fleet";
import { type ServerResult, type StepResult, type StormResult, memoryTable, stepLine, stepsTable, stormTable, targetsTable } from "./support/load-report";
import { type RelayUnderTest, type ServerUnderTest, relayEnv, startRelayUnderTest, startWsUnderTest } from "./support/load-servers";
import { CpuMeter, openFileLimit, rssBytes } from "./support/proc-stats";
import { SyntheticPublisher } from "./support/synthetic-publisher";

const Options = z.object({
  clients: z.coerce.number().int().min(1),
  procs: z.coerce.number().int().min(1).max(64),
  rate: z.coerce.number().positive(),
  seconds: z.coerce.number().positive(),
  ramp: z.coerce.number().int().min(0).max(12),
  stepSeconds: z.coerce.number().positive(),
  sports: z.string().transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean)).pipe(z.array(z.string().regex(/^[a-z0-9_]{1,64}$/)).min(1).max(20)),
  events: z.coerce.number().int().min(1).max(10_000),
  changes: z.coerce.number().int().min(1).max(10_000),
  storm: z.boolean(),
  compare: z.boolean(),
});
type Options = z.infer<typeof Options>;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: "string", default: "5000" },
      procs: { type: "string", default: "5" },
      rate: { type: "string", default: "10" },
      seconds: { type: "string", default: "20" },
      ramp: { type: "string", default: "5" },
      "step-seconds": { type: "string", default: "8" },
      sports: { type: "string", default: DEMO_SPORTS.map((s) => s.key).join(",") },
      events: { type: "string", default: "12" },
      changes: { type: "string", default: "10" },
      storm: { type: "boolean", default: false },
      compare: { type: "boolean", default: true },
      "no-compare": { type: "boolean", default: false },
    },
  });
  const parsed = Options.safeParse({ ...values, stepSeconds: values["step-seconds"], compare: values.compare && !values["no-compare"] });
  if (!parsed.success) throw new Error(`bad option --${String(parsed.error.issues[0]?.path[0])}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Everything the bench started, stopped in reverse order however it ends. */
class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await Promise.resolve().then(step).catch((error: unknown) => console.error("cleanup:", error));
  }
}

interface Context {
  options: Options;
  publisher: SyntheticPublisher;
  redisPid: number;
  cleanup: Cleanup;
}

/** Last delivery within this long after the last commit: the server kept up with the rate. */
const KEPT_UP_DRAIN_MS = 1_000;
const DRAIN_TIMEOUT_MS = 60_000;
const STORM_TIMEOUT_MS = 60_000;

/** Fails before starting anything when the servers could not hold every client's descriptor. */
function checkLimits(clients: number): void {
  const limit = openFileLimit();
  const needed = clients + 1_024;
  console.log(`open-file limit ${limit} (the server process needs about ${needed})`);
  if (limit < needed) throw new Error(`The open-file limit (${limit}) is too low for ${clients} clients: the server holds one descriptor per client. Raise it with \`ulimit -n ${clients + 4_096}\`, or pass fewer --clients.`);
  const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  const ports = (high ?? 0) - (low ?? 0) + 1;
  if (ports < clients * 2) console.log(`warning: only ${ports} ephemeral ports (ip_local_port_range) for ${clients} clients; connections may fail`);
}

/** Measures one server: memory idle and with every client, then the steps (and the storm). */
async function measure(server: ServerUnderTest, ctx: Context): Promise<ServerResult> {
  const { options } = ctx;
  const fleet = await ClientFleet.start(options.procs);
  ctx.cleanup.add(() => fleet.kill());
  try {
    const result = await connectAndWeigh(server, fleet, options);
    const rates = Array.from({ length: options.storm ? 1 : options.ramp + 1 }, (_, i) => options.rate * 2 ** i);
    for (const [i, rate] of rates.entries()) {
      const step = await runStep(server, fleet, ctx, rate, i === 0 ? options.seconds : options.stepSeconds, result.clients);
      result.steps.push(step);
      console.log(stepLine(server.name, step));
      if (!step.keptUp) break;
    }
    if (options.storm && "kill" in server) result.storm = await storm(server as RelayUnderTest, fleet, ctx, result.clients);
    return result;
  } finally {
    await fleet.close();
  }
}

/**
 * Connects the clients in two halves and reads the server's RSS before any, after the first half
 * and after all: (all − before) ÷ clients is the cost per connection with the server's fixed
 * start-up costs in it, (all − half) ÷ the second half's clients the marginal cost without them.
 */
async function connectAndWeigh(server: ServerUnderTest, fleet: ClientFleet, options: Options): Promise<ServerResult> {
  await sleep(1_000);
  const before = rssBytes(server.pid());
  const started = Date.now();
  const connect = (total: number) => fleet.connect({ url: server.url, transport: server.transport, total, sports: options.sports, reconnect: options.storm });
  const first = await connect(Math.floor(options.clients / 2));
  await sleep(2_000); // let the handshakes' and snapshots' garbage go before reading RSS
  const half = { clients: first.connected, rss: rssBytes(server.pid()) };
  const second = await connect(options.clients - Math.floor(options.clients / 2));
  const connected = first.connected + second.connected;
  const failed = first.failed + second.failed;
  const firstError = first.firstError ?? second.firstError;
  console.log(`  ${server.name}: ${connected} clients connected and subscribed in ${((Date.now() - started) / 1000).toFixed(1)} s${failed ? `, ${failed} failed (${firstError})` : ""}`);
  if (connected === 0) throw new Error(`no client could connect to the ${server.name}: ${firstError}`);
  await sleep(3_000);
  return { server: server.name, clients: connected, failed, firstError, rss: { before, half, connected: rssBytes(server.pid()) }, steps: [] };
}

/** Publishes at `rate` for `seconds`, waits for every client to hold the last seqs, and reads it all. */
async function runStep(server: ServerUnderTest, fleet: ClientFleet, ctx: Context, rate: number, seconds: number, clients: number): Promise<StepResult> {
  await fleet.reset();
  const pids = { server: [server.pid()], clients: fleet.pids(), redis: [ctx.redisPid], bench: [process.pid] };
  const meter = new CpuMeter(Object.values(pids).flat());
  let rssPeak = rssBytes(server.pid());
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(server.pid()))), 250);
  const run = await ctx.publisher.run(rate, seconds);
  const behind = await fleet.awaitSeqs(ctx.publisher.current(), DRAIN_TIMEOUT_MS);
  clearInterval(sampler);
  const cpu = { server: meter.percent(pids.server), clients: meter.percent(pids.clients), redis: meter.percent(pids.redis), bench: meter.percent(pids.bench) };
  const machine = meter.machinePercent() * os.cpus().length;
  const stats = await fleet.stats();
  const drainMs = stats.lastAt > 0 ? Math.max(0, stats.lastAt - run.lastCommitAt) : Number.NaN;
  const expected = run.deltas * clients;
  return {
    rate,
    run,
    stats,
    behind,
    offered: expected / ((run.endedAt - run.startedAt) / 1000),
    delivered: stats.deliveries / (Math.max(run.endedAt, stats.lastAt) - run.startedAt) * 1000,
    missing: expected - stats.deliveries,
    drainMs,
    keptUp: behind === 0 && drainMs <= KEPT_UP_DRAIN_MS,
    cpu: { ...cpu, others: machine - cpu.server - cpu.clients - cpu.redis - cpu.bench },
    rssPeak,
  };
}

/**
 * Under load at `--rate`: SIGKILL the relay, start a new one on the same port at once, and wait
 * until every client has resumed (or a minute passed); publishing goes on throughout and for 2 s
 * after, then every client must hold the last seqs.
 */
async function storm(relay: RelayUnderTest, fleet: ClientFleet, ctx: Context, clients: number): Promise<StormResult> {
  const running = ctx.publisher.start(ctx.options.rate);
  const outcome = await killAndWait(relay, fleet, clients).then(
    (times) => ({ times }),
    (error: unknown) => ({ error }),
  );
  const run = await running.stop();
  if ("error" in outcome) throw outcome.error;
  const behind = await fleet.awaitSeqs(ctx.publisher.current(), DRAIN_TIMEOUT_MS);
  return { ...outcome.times, run, behind, stats: await fleet.stats() };
}

async function killAndWait(relay: RelayUnderTest, fleet: ClientFleet, clients: number): Promise<{ killAt: number; listeningAt: number }> {
  await sleep(3_000);
  await fleet.reset();
  const killAt = Date.now();
  await relay.kill();
  await relay.restart();
  const listeningAt = Date.now();
  console.log(`  relay killed and listening again after ${listeningAt - killAt} ms; waiting for clients`);
  const deadline = Date.now() + STORM_TIMEOUT_MS;
  while (Date.now() < deadline && (await fleet.stats()).recoveries.filter((r) => r.resumedAt !== null).length < clients) await sleep(500);
  await sleep(2_000);
  return { killAt, listeningAt };
}

async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info("server");
  return Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? 0);
}

function header(options: Options, passed: string[]): string {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  return [
    `\nRelay under load: ${options.clients} clients over ${options.procs} processes, each subscribed to ${options.sports.length} sports (${options.sports.join(", ")}),`,
    `${options.events} events per sport, ${options.changes} price changes per delta; ${options.storm ? "kill -9 storm" : `steady ${options.rate} deltas/s for ${options.seconds} s, then up to ${options.ramp} doubling steps of ${options.stepSeconds} s`}.`,
    `Machine: ${os.cpus().length} CPUs, load average ${load} at start, Node ${process.version}. Everything runs here, clients included.`,
    passed.length ? `RELAY_* passed to the relay: ${passed.join(" ")}` : "No RELAY_* overrides.",
  ].join("\n");
}

function report(results: ServerResult[], options: Options): void {
  const [relay, baseline] = results;
  if (!relay) return;
  console.log(`\nDelivery per step (CPU in % of one core; "others" is load on the machine that is not this bench's)\n`);
  console.log(stepsTable(results));
  console.log(`\nMemory (RSS of the server process)\n`);
  console.log(memoryTable(results));
  if (relay.storm) {
    console.log(`\nReconnect storm: kill -9 of the relay under ${options.rate} deltas/s, restarted at once on the same port\n`);
    console.log(stormTable(relay));
  }
  console.log(`\nTargets (docs/targets.md)\n`);
  console.log(targetsTable(relay, baseline));
  const mean = relay.steps[0]?.run.meanBytes ?? 0;
  console.log(`\nLatency is receipt − the delta's ts (Date.now() in both, 1 ms resolution), per delta per client, and includes the clients' own queueing on this machine. Mean delta ${Math.round(mean)} bytes on the bus.`);
}

runBench(async () => {
  const options = parseOptions(process.argv.slice(2));
  checkLimits(options.clients);
  const cleanup = new Cleanup();
  const interrupt = (signal: string) => void cleanup.run().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  try {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const commands = new Redis(redis.url);
    cleanup.add(() => commands.disconnect());
    const publisher = new SyntheticPublisher(commands, { sports: options.sports, eventsPerSport: options.events, changesPerDelta: options.changes });
    await publisher.setup();
    cleanup.add(() => publisher.stopHeartbeat());
    const ctx: Context = { options, publisher, redisPid: await redisPid(commands), cleanup };
    const { env, passed } = relayEnv(options.clients, process.env);
    console.log(header(options, passed));
    const results: ServerResult[] = [];
    const relay = await startRelayUnderTest(redis.url, env);
    cleanup.add(() => relay.stop());
    results.push(await measure(relay, ctx));
    await relay.stop();
    if (options.compare && !options.storm) {
      const ws = await startWsUnderTest(redis.url);
      cleanup.add(() => ws.stop());
      results.push(await measure(ws, ctx));
      await ws.stop();
    }
    report(results, options);
  } finally {
    await cleanup.run();
  }
});
