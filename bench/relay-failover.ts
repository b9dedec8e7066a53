/**
 * `RELAY_INSTANCES=2` under a storm: one of two relay instances takes a `kill -9` under load, and
 * its clients should find the live one at once instead of waiting for their own to come back.
 *
 *   npx tsx bench/relay-failover.ts [--clients 5000] [--procs 5] [--rate 10]
 *
 * A throwaway Redis and the synthetic publisher of bench/relay-load.ts (real seq-numbered deltas,
 * `--rate` a second, sports in turn). The relay runs as production runs it with two instances:
 * `pm2 start ecosystem.config.cjs --only ws-server` with RELAY_INSTANCES=2 under a private PM2
 * (cluster mode, both instances on one port, each new connection handed to the next). `--clients`
 * plain socket.io-client clients over `--procs` processes, websocket transport, socket.io-client's
 * own reconnection delays (1 s doubling to 5 s), each subscribed to every sport and resuming from
 * the seqs it holds. After a warm-up, the first instance is killed while publishing goes on, and
 * PM2 starts it again. Reported, for the clients the kill cut off: kill → reconnected, → resumed,
 * → first live delta (p50, p99, max), how many were not back within a minute, gaps and
 * duplicates. Baseline in the same run: kill → the killed instance listening again (PM2's
 * restart), what its clients would have waited for at the least with one instance.
 */
import { Redis } from "ioredis";
import { DEMO_SPORTS } from "../prisma/seed";
import { startPm2Relay } from "../tests/support/pm2";
import { startRedisServer } from "../tests/support/services";
import { ClientFleet } from "./support/load-fleet";
import type { Recovery } from "./support/load-messages";
import { SyntheticPublisher } from "./support/synthetic-publisher";
import { arg, percentile, runBench, table } from "./stats";

const CLIENTS = arg("clients", 5_000);
const PROCS = arg("procs", 5);
const RATE = arg("rate", 10);
const INSTANCES = 2;
const WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runBench(async () => {
  const sports = DEMO_SPORTS.map((sport) => sport.key);
  const redis = await startRedisServer();
  const commands = new Redis(redis.url);
  const publisher = new SyntheticPublisher(commands, { sports, eventsPerSport: 12, changesPerDelta: 10 });
  let fleet: ClientFleet | null = null;
  let relay: Awaited<ReturnType<typeof startPm2Relay>> | null = null;
  try {
    await publisher.setup();
    relay = await startPm2Relay(redis.url, INSTANCES, {
      RELAY_MAX_CONNECTIONS: String(Math.max(10_000, CLIENTS * 2)),
      RELAY_MAX_CONNECTIONS_PER_IP: "1000000",
    });
    fleet = await ClientFleet.start(PROCS);
    const started = Date.now();
    const connected = await fleet.connect({ url: relay.url, transport: "socket.io", total: CLIENTS, sports, reconnect: true, libraryDelays: true });
    console.log(
      `${connected.connected} clients connected and subscribed in ${((Date.now() - started) / 1000).toFixed(1)} s${connected.failed ? `, ${connected.failed} failed (${connected.firstError})` : ""}`,
    );
    await publisher.run(RATE, 3, sports);
    await fleet.awaitSeqs(publisher.current(sports), WAIT_MS);
    await fleet.reset();

    const running = publisher.start(RATE, sports);
    await sleep(3_000);
    const [victim] = (await relay.workers()).filter((worker) => worker.status === "online");
    if (!victim) throw new Error("no relay instance online");
    const listenedBefore = (await relay.listening()).length;
    const killAt = Date.now();
    process.kill(victim.pid, "SIGKILL");
    let backAt: number | null = null;
    let cutOff: Recovery[] = [];
    const deadline = killAt + WAIT_MS;
    for (let said = killAt; Date.now() < deadline; await sleep(50)) {
      if (backAt === null && (await relay.listening()).length > listenedBefore) backAt = Date.now();
      cutOff = (await fleet.stats()).recoveries;
      const resumed = cutOff.filter((recovery) => recovery.resumedAt !== null).length;
      if (Date.now() - said >= 2_000) {
        said = Date.now();
        console.log(`  ${((Date.now() - killAt) / 1000).toFixed(0)} s after the kill: ${resumed} of ${cutOff.length} cut-off clients resumed`);
      }
      if (backAt !== null && cutOff.length > 0 && resumed === cutOff.length) break;
    }
    await sleep(2_000);
    const run = await running.stop();
    const behind = await fleet.awaitSeqs(publisher.current(sports), WAIT_MS);
    const stats = await fleet.stats();

    const since = (pick: (recovery: Recovery) => number | null) => stats.recoveries.map(pick).flatMap((at) => (at === null ? [] : [at - killAt]));
    const row = (what: string, times: number[]) => [what, times.length, percentile(times, 50), percentile(times, 99), Math.max(...times)];
    console.log(
      `\nkill -9 of one of ${INSTANCES} relay instances under ${RATE} deltas/s (${run.deltas} deltas published), ${stats.recoveries.length} of ${connected.connected} clients cut off (ms)\n`,
    );
    console.log(
      table(
        ["from kill -9 to", "clients", "p50", "p99", "max"],
        [
          row(
            "reconnected (to the live instance)",
            since((r) => r.reconnectedAt),
          ),
          row(
            "resumed (resubscribe acknowledged, missed deltas applied)",
            since((r) => r.resumedAt),
          ),
          row(
            "first live delta continuing the chain",
            since((r) => r.firstLiveAt),
          ),
          ["the killed instance listening again (baseline: PM2's restart)", 1, backAt === null ? "—" : backAt - killAt, "", ""],
        ],
      ),
    );
    const notBack = stats.recoveries.filter((recovery) => recovery.resumedAt === null).length;
    console.log(`\nnot back within ${WAIT_MS / 1000} s: ${notBack}; gaps: ${stats.gaps}; duplicates: ${stats.duplicates}; behind at the end: ${behind}`);
    console.log("Target: the clients of a killed instance find the live one at once: all back, zero gaps (docs/targets.md, 'reconnect storm').");
  } finally {
    await fleet?.close();
    await relay?.stop();
    publisher.stopHeartbeat();
    commands.disconnect();
    await redis.stop();
  }
});
