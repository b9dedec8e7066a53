/**
 * The relay under load, against a bare `ws` fan-out of the same messages to the same clients.
 *
 *   npx tsx bench/relay-load.ts [--clients 5000] [--procs 5] [--rate 10] [--seconds 20]
 *       [--ramp 5] [--step-seconds 8] [--sports a,b,…] [--events 12] [--changes 10]
 *       [--storm [--library-delays]] [--no-compare]
 *
 * A throwaway Redis; a synthetic publisher in this process committing real seq-numbered deltas
 * through the StateStore (state, history, PUBLISH in one script), `--rate` deltas a second, sports
 * in turn, `--changes` price moves each; each server under test in its own process (the relay is
 * its compiled bundle, dist/ws-server.cjs, run with its code cache as PM2 runs it); `--clients` connections per server spread over
 * `--procs` client processes, every one subscribed to every sport, so each delta is one delivery
 * per client. The relay and the bare `ws` server run side by side, the baseline's clients on
 * copies of the sports (`<sport>_b`), and their steps take turns, so that load from others on a
 * shared machine falls on both alike:
 *
 *   1. RSS of each server before any client, with half of them and with all;
 *   2. a steady step at `--rate` for `--seconds` (after 3 s of unmeasured warm-up), then `--ramp`
 *      steps doubling the rate (`--step-seconds` each) until a server falls behind (its backlog
 *      takes more than 1 s to drain), relay and baseline in turn at each rate;
 *   3. per step: deliveries/s, latency (receipt − the delta's ts: one machine, one clock), CPU of
 *      the server, its clients, Redis, this process and everyone else (from /proc), peak RSS,
 *      deliveries missing, gaps and duplicates.
 *
 * With `--storm`, the relay alone takes a `kill -9` under load after the steady step and is
 * started again on the same port at once, as PM2 would; each client reconnects with the page's
 * delays (with `--library-delays`, socket.io-client's own: 1 s doubling to 5 s) and resumes from
 * the seqs it holds. Reported: kill → reconnected / resumed / first live
 * delta per client (p50, p99, max), clients not back, gaps. No baseline: bare ws has no resume.
 *
 * RELAY_* variables in the environment are passed to the relay (e.g. to compare compression).
 * Everything, clients included, runs on this machine: on a shared 2-core box the clients' CPU is
 * part of the load, which the CPU columns show.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { z } from "zod";
import { DEMO_SPORTS } from "../prisma/seed";
import { startRedisServer } from "../tests/support/services";
import { runBench } from "./stats";
import { ClientFleet } from "./support/load-fleet";
import { type Contender, DRAIN_TIMEOUT_MS, type Shared, connectAndWeigh, runStep, storm, warmUp } from "./support/load-phases";
import { type ServerResult, memoryTable, stepLine, stepsTable, stormTable, targetsTable } from "./support/load-report";
import { type ServerUnderTest, relayEnv, startRelayUnderTest, startWsUnderTest } from "./support/load-servers";
import { openFileLimit } from "./support/proc-stats";
import { SyntheticPublisher } from "./support/synthetic-publisher";

const Options = z.object({
  clients: z.coerce.number().int().min(1),
  procs: z.coerce.number().int().min(1).max(64),
  rate: z.coerce.number().positive(),
  seconds: z.coerce.number().positive(),
  ramp: z.coerce.number().int().min(0).max(12),
  stepSeconds: z.coerce.number().positive(),
  sports: z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
        .min(1)
        .max(20),
    ),
  events: z.coerce.number().int().min(1).max(10_000),
  changes: z.coerce.number().int().min(1).max(10_000),
  storm: z.boolean(),
  libraryDelays: z.boolean(),
  compare: z.boolean(),
});
type Options = z.infer<typeof Options>;

/** A usage problem found before anything started: one line, exit code 2, no stack. */
function fail(message: string): never {
  process.stderr.write(`relay-load: ${message}\n`);
  process.exit(2);
}

const ARGUMENTS = {
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
  "library-delays": { type: "boolean", default: false },
  compare: { type: "boolean", default: true },
  "no-compare": { type: "boolean", default: false },
} as const;

function parseOptions(argv: string[]): Options {
  const values = readArguments(argv);
  const parsed = Options.safeParse({
    ...values,
    stepSeconds: values["step-seconds"],
    libraryDelays: values["library-delays"],
    compare: values.compare && !values["no-compare"],
  });
  if (!parsed.success) fail(`bad option --${String(parsed.error.issues[0]?.path[0])}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function readArguments(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: ARGUMENTS }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** Everything the bench started, stopped in reverse order however it ends. */
class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse())
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => console.error("cleanup:", error));
  }
}

const WARM_UP_SECONDS = 3;

/** Fails before starting anything when the servers could not hold every client's descriptor. */
function checkLimits(clients: number): void {
  const limit = openFileLimit();
  const needed = clients + 1_024;
  console.log(`open-file limit ${limit} (a server process needs about ${needed})`);
  if (limit < needed)
    fail(
      `the open-file limit (${limit}) is too low for ${clients} clients: the server holds one descriptor per client. Raise it with \`ulimit -n ${clients + 4_096}\`, or pass fewer --clients.`,
    );
  const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  const ports = (high ?? 0) - (low ?? 0) + 1;
  if (ports < clients * 3)
    console.log(`warning: only ${ports} ephemeral ports (ip_local_port_range) for 2 × ${clients} clients and their reconnects; connections may fail`);
}

/** Starts a server's client processes and connects its clients; the fleet is killed on the way out. */
async function prepare(server: ServerUnderTest, sports: string[], options: Options, cleanup: Cleanup): Promise<Contender> {
  const fleet = await ClientFleet.start(options.procs);
  cleanup.add(() => fleet.kill());
  const result = await connectAndWeigh(server, fleet, { clients: options.clients, sports, reconnect: options.storm, libraryDelays: options.libraryDelays });
  return { server, fleet, sports, result };
}

/**
 * The steps, taking turns: relay at a rate, then the baseline at the same rate, then both at
 * twice that… so that load from others on a shared machine falls on both alike. A server that
 * fell behind takes no further steps.
 */
async function ramp(contenders: Contender[], shared: Shared, options: Options): Promise<void> {
  for (const c of contenders) await warmUp(c, shared, options.rate, WARM_UP_SECONDS);
  const rates = Array.from({ length: options.storm ? 1 : options.ramp + 1 }, (_, i) => options.rate * 2 ** i);
  const behind = new Set<Contender>();
  for (const [i, rate] of rates.entries()) {
    for (const c of contenders) {
      if (behind.has(c)) continue;
      const step = await runStep(c, shared, rate, i === 0 ? options.seconds : options.stepSeconds);
      c.result.steps.push(step);
      console.log(stepLine(c.server.name, step));
      if (!step.keptUp) behind.add(c);
    }
  }
}

async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info("server");
  return Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? 0);
}

function header(options: Options, passed: string[], compare: boolean): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return [
    `\nRelay under load: ${options.clients} clients over ${options.procs} processes, each subscribed to ${options.sports.length} sports (${options.sports.join(", ")}),`,
    `${options.events} events per sport, ${options.changes} price changes per delta; ${options.storm ? "kill -9 storm" : `steady ${options.rate} deltas/s for ${options.seconds} s, then up to ${options.ramp} doubling steps of ${options.stepSeconds} s`}.`,
    `Machine: ${os.cpus().length} CPUs, load average ${load} at start, Node ${process.version}. Everything runs here, clients included.`,
    compare ? "Relay and bare ws stay connected side by side; their steps take turns, each on its own copy of the sports." : "No baseline in this run.",
    passed.length ? `RELAY_* passed to the relay: ${passed.join(" ")}` : "No RELAY_* overrides.",
  ].join("\n");
}

function report(results: ServerResult[], options: Options): void {
  const [relay, baseline] = results;
  if (!relay) return;
  console.log(
    `\nDelivery per step (CPU in % of one core while publishing; "others" is load on the machine that is not this bench's; µs / msg is the server's CPU time per delivered message up to the last delivery)\n`,
  );
  console.log(stepsTable(results));
  const drops = results.flatMap((r) =>
    r.steps
      .filter((s) => s.stats.disconnects > 0)
      .map(
        (s) =>
          `${r.server} at ${s.rate} deltas/s: ${Object.entries(s.stats.reasons)
            .map(([reason, n]) => `${n} × ${reason}`)
            .join(", ")}`,
      ),
  );
  if (drops.length) console.log(`\nConnections lost, by the client's reason: ${drops.join("; ")}`);
  console.log(
    `\nmissing: deliveries that never came; merged: seqs that came inside a delta merging several (a server conflating for slow clients); dropped conns: connections the server closed (a client that cannot answer its heartbeat behind a backlog is dropped) and, outside --storm, do not come back; behind: connections without the last seq ${DRAIN_TIMEOUT_MS / 1000} s after publishing stopped.`,
  );
  console.log(
    `\nMemory (RSS of the server process: before / half / all after a full GC through its inspector; peaks sampled every 250 ms during a step, garbage included)\n`,
  );
  console.log(memoryTable(results));
  if (relay.storm) {
    console.log(`\nReconnect storm: kill -9 of the relay under ${options.rate} deltas/s, restarted at once on the same port\n`);
    console.log(stormTable(relay));
    console.log(
      `\nConnections lost during the storm, by the client's reason: ${Object.entries(relay.storm.stats.reasons)
        .map(([reason, n]) => `${n} × ${reason}`)
        .join(", ")}`,
    );
  }
  console.log(`\nTargets (docs/targets.md)\n`);
  console.log(targetsTable(relay, baseline));
  const mean = relay.steps[0]?.run.meanBytes ?? 0;
  console.log(
    `\nLatency is receipt − the delta's ts (Date.now() in both, 1 ms resolution), per delta per client, and includes the clients' own queueing on this machine. Mean delta ${Math.round(mean)} bytes on the bus.`,
  );
}

runBench(async () => {
  const options = parseOptions(process.argv.slice(2));
  checkLimits(options.clients);
  const cleanup = new Cleanup();
  const interrupt = (signal: string) => void cleanup.run().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const compare = options.compare && !options.storm;
  // The baseline's clients follow copies of the sports, so each server fans out only its own steps.
  const baselineSports = compare ? options.sports.map((sport) => `${sport}_b`) : [];
  try {
    const redis = await startRedisServer();
    cleanup.add(() => redis.stop());
    const commands = new Redis(redis.url);
    cleanup.add(() => commands.disconnect());
    const publisher = new SyntheticPublisher(commands, {
      sports: [...options.sports, ...baselineSports],
      eventsPerSport: options.events,
      changesPerDelta: options.changes,
    });
    await publisher.setup();
    cleanup.add(() => publisher.stopHeartbeat());
    const shared: Shared = { publisher, redisPid: await redisPid(commands) };
    const { env, passed } = relayEnv(options.clients, process.env);
    console.log(header(options, passed, compare));
    const relay = await startRelayUnderTest(redis.url, env);
    cleanup.add(() => relay.stop());
    const contenders = [await prepare(relay, options.sports, options, cleanup)];
    if (compare) {
      const ws = await startWsUnderTest(redis.url);
      cleanup.add(() => ws.stop());
      contenders.push(await prepare(ws, baselineSports, options, cleanup));
    }
    await ramp(contenders, shared, options);
    const [first] = contenders;
    if (options.storm && first) first.result.storm = await storm({ ...first, server: relay }, shared, options.rate);
    for (const c of contenders) await c.fleet.close();
    report(
      contenders.map((c) => c.result),
      options,
    );
  } finally {
    await cleanup.run();
  }
});
