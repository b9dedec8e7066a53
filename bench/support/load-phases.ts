import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { ClientFleet } from "./load-fleet";
import type { CpuShare, ServerResult, StepResult, StormResult } from "./load-report";
import type { RelayUnderTest, ServerUnderTest } from "./load-servers";
import { CpuMeter, listenOverflows, rssBytes } from "./proc-stats";
import type { SyntheticPublisher } from "./synthetic-publisher";

/**
 * The phases of bench/relay-load.ts for one server and its clients (a "contender"): connecting
 * and weighing, one step at a rate, and the kill -9 storm.
 */

export interface Contender {
  server: ServerUnderTest;
  fleet: ClientFleet;
  /** The sports its clients follow: each server has its own, so only one fans out at a time. */
  sports: string[];
  result: ServerResult;
}

export interface Shared {
  publisher: SyntheticPublisher;
  redisPid: number;
}

/** Last delivery within this long after the last commit: the server kept up with the rate. */
const KEPT_UP_DRAIN_MS = 1_000;
/** How long a step waits for every client to hold the last seqs once publishing stopped, ms. */
export const DRAIN_TIMEOUT_MS = 60_000;
const STORM_TIMEOUT_MS = 60_000;

/**
 * Connects `clients` clients in two halves and reads the server's RSS, each time after a full
 * garbage collection: before any client, with half and with all. (all − before) ÷ clients is the
 * memory a connection holds, the server's own start-up costs included; (all − half) ÷ the second
 * half's clients the marginal cost without them.
 */
export async function connectAndWeigh(
  server: ServerUnderTest,
  fleet: ClientFleet,
  options: { clients: number; sports: string[]; reconnect: boolean; libraryDelays: boolean },
): Promise<ServerResult> {
  const weigh = async () => {
    await sleep(1_000); // the last handshakes' acks and snapshots are still being written
    await server.collectGarbage();
    return rssBytes(server.pid());
  };
  const before = await weigh();
  const started = Date.now();
  const connect = (total: number) =>
    fleet.connect({
      url: server.url,
      transport: server.transport,
      total,
      sports: options.sports,
      reconnect: options.reconnect,
      libraryDelays: options.libraryDelays,
    });
  const first = await connect(Math.floor(options.clients / 2));
  const half = { clients: first.connected, rss: await weigh() };
  const second = await connect(options.clients - Math.floor(options.clients / 2));
  const connected = first.connected + second.connected;
  const failed = first.failed + second.failed;
  const firstError = first.firstError ?? second.firstError;
  console.log(
    `  ${server.name}: ${connected} clients connected and subscribed in ${((Date.now() - started) / 1000).toFixed(1)} s${failed ? `, ${failed} failed (${firstError})` : ""}`,
  );
  if (connected === 0) throw new Error(`no client could connect to the ${server.name}: ${firstError}`);
  return { server: server.name, clients: connected, failed, firstError, rss: { before, half, connected: await weigh() }, steps: [] };
}

/** Publishes to the contender's sports, unmeasured: JIT and the first deltas' allocations. */
export async function warmUp(c: Contender, shared: Shared, rate: number, seconds: number): Promise<void> {
  await shared.publisher.run(rate, seconds, c.sports);
  await c.fleet.awaitSeqs(shared.publisher.current(c.sports), DRAIN_TIMEOUT_MS);
}

/**
 * Publishes at `rate` to the contender's sports for `seconds`, waits until every client holds the
 * last seqs (or a minute passed), and reads deliveries, latency, CPU and memory.
 */
export async function runStep(c: Contender, shared: Shared, rate: number, seconds: number): Promise<StepResult> {
  const { server, fleet, sports } = c;
  await fleet.reset();
  const pids = { server: [server.pid()], clients: fleet.pids(), redis: [shared.redisPid], bench: [process.pid] };
  const meter = new CpuMeter(Object.values(pids).flat());
  let rssPeak = rssBytes(server.pid());
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(server.pid()))), 250);
  const run = await shared.publisher.run(rate, seconds, sports);
  const cpu = shares(meter, pids); // while publishing: a server that fell behind is still busy after, but the wait below may end on a timeout
  const behind = await fleet.awaitSeqs(shared.publisher.current(sports), DRAIN_TIMEOUT_MS);
  const serverSeconds = meter.cpuSeconds(pids.server);
  clearInterval(sampler);
  const stats = await fleet.stats();
  await server.collectGarbage();
  const rssAfter = rssBytes(server.pid());
  const drainMs = stats.lastAt > 0 ? Math.max(0, stats.lastAt - run.lastCommitAt) : Number.NaN;
  const expected = run.deltas * c.result.clients;
  return {
    rate,
    run,
    stats,
    behind,
    offered: (expected / (run.endedAt - run.startedAt)) * 1000,
    // Over the publishing window, or longer when the last deliveries came after it.
    delivered: (stats.deliveries / (Math.max(run.endedAt, stats.lastAt) - run.startedAt)) * 1000,
    missing: expected - stats.deliveries - stats.merged,
    drainMs,
    keptUp: behind === 0 && drainMs <= KEPT_UP_DRAIN_MS,
    cpu,
    // Only when everything arrived, so the time measured ends with the last delivery (to 50 ms).
    cpuMicrosPerMessage: behind === 0 && stats.deliveries > 0 ? (serverSeconds / stats.deliveries) * 1e6 : Number.NaN,
    rssPeak,
    rssAfter,
  };
}

/** CPU of the server, its clients, Redis, this process and everyone else, % of one core, since `meter` was made. */
function shares(meter: CpuMeter, pids: Record<"server" | "clients" | "redis" | "bench", number[]>): CpuShare {
  const cpu = { server: meter.percent(pids.server), clients: meter.percent(pids.clients), redis: meter.percent(pids.redis), bench: meter.percent(pids.bench) };
  const machine = meter.machinePercent() * os.cpus().length;
  return { ...cpu, others: machine - cpu.server - cpu.clients - cpu.redis - cpu.bench };
}

/**
 * Under load at `rate`: SIGKILL the relay, start a new one on the same port at once (as PM2
 * would), and wait until every client has resumed (or a minute passed). Publishing goes on
 * throughout and for 2 s after; then every client must hold the last seqs.
 */
export async function storm(c: Contender & { server: RelayUnderTest }, shared: Shared, rate: number): Promise<StormResult> {
  const running = shared.publisher.start(rate, c.sports);
  const outcome = await killAndWait(c, shared).then(
    (times) => ({ times }),
    (error: unknown) => ({ error }),
  );
  const run = await running.stop();
  if ("error" in outcome) throw outcome.error;
  const behind = await c.fleet.awaitSeqs(shared.publisher.current(c.sports), DRAIN_TIMEOUT_MS);
  return { ...outcome.times, run, behind, stats: await c.fleet.stats() };
}

async function killAndWait(
  { server, fleet, result }: Contender & { server: RelayUnderTest },
  shared: Shared,
): Promise<Pick<StormResult, "killAt" | "listeningAt" | "cpu" | "listenOverflows">> {
  await sleep(3_000);
  await fleet.reset();
  const overflowsBefore = listenOverflows();
  const killAt = Date.now();
  await server.kill();
  await server.restart();
  const listeningAt = Date.now();
  console.log(`  relay killed and listening again after ${listeningAt - killAt} ms; waiting for clients`);
  const pids = { server: [server.pid()], clients: fleet.pids(), redis: [shared.redisPid], bench: [process.pid] };
  const meter = new CpuMeter(Object.values(pids).flat());
  const deadline = Date.now() + STORM_TIMEOUT_MS;
  for (let back = 0, said = 0; back < result.clients && Date.now() < deadline; await sleep(500)) {
    back = (await fleet.stats()).recoveries.filter((r) => r.resumedAt !== null).length;
    if (Date.now() - said >= 5_000) {
      said = Date.now();
      console.log(`  ${((Date.now() - killAt) / 1000).toFixed(0)} s after the kill: ${back} of ${result.clients} clients resumed`);
    }
  }
  const cpu = shares(meter, pids);
  const overflows = listenOverflows() - overflowsBefore;
  await sleep(2_000);
  return { killAt, listeningAt, cpu, listenOverflows: overflows };
}
