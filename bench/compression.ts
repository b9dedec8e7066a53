/**
 * What WebSocket compression saves and costs the relay, per configuration, in one run.
 *
 *   npx tsx bench/compression.ts [--clients 1000] [--events 1000] [--change 0.05] [--ticks 20] [--client-threshold 0]
 *
 * For each configuration (the first, "off", is the baseline) a fresh relay process starts on one
 * Redis, `clients` socket.io clients connect and subscribe to a sport of `events` events, and
 * `ticks` deltas (bench/board.ts: real pricing, `change` of the events repriced) are published
 * (the same deltas for every configuration: each has its own sport, from the same seed),
 * each waited for until every client has it. By default the clients compress what they send even
 * when it is tiny, as Chromium does, so the relay holds an inflate context per connection as it
 * would for browsers (`--client-threshold 1024`: as Node's ws, which sends small messages plain).
 * Measured, per configuration:
 *
 *   - bytes: a probe client behind a byte-counting TCP proxy gets a snapshot, then the deltas;
 *   - relay CPU per delivered delta: the relay process's CPU time (/proc, zlib's threads
 *     included) over the ticks, divided by ticks × clients;
 *   - fan-out: publish → the last client has the delta, median over ticks (the clients share the
 *     machine with the relay, so this is an upper bound, not the relay's latency);
 *   - memory per connection, after the ticks and a full GC in the relay (asked through its inspector),
 *     minus the same before the clients connected, divided by clients: V8 heap used + external
 *     memory (Buffers; zlib's own allocations are not counted there), and RSS, which holds
 *     everything, including what the allocator keeps after the broadcasts' buffers were freed;
 *     and the peak RSS above the baseline during the ticks (each socket compresses its own copy
 *     of the message).
 *
 * Linux only (/proc). Numbers move with the machine's load; compare rows of the same run.
 */
import { Redis } from "ioredis";
import { connectClient } from "../tests/support/client";
import { startCountingProxy } from "../tests/support/counting-proxy";
import { sample } from "../tests/support/metrics";
import { startRedisServer } from "../tests/support/services";
import { type RelayProc, startRelay } from "../tests/support/stack";
import { type Board, createBoard } from "./board";
import { arg, percentile, runBench, table } from "./stats";
import { type Client, connectMany, subscribe } from "./support/connect-many";
import { collectGarbage, inspectorUrl } from "./support/inspector-gc";
import { clockTicksPerSecond, cpuTicks, rssBytes } from "./support/proc-stats";

const CLIENTS = arg("clients", 1_000);
const EVENTS = arg("events", 1_000);
const CHANGE = arg("change", 0.05);
const TICKS = arg("ticks", 20);
/** Messages the clients send compressed from this size on: 0 as Chromium, 1024 as Node's ws. */
const CLIENT_THRESHOLD = arg("client-threshold", 0);

const deflate = (windowBits: number, memLevel: number, level: number, contextTakeover: boolean) => ({
  RELAY_COMPRESSION: "on",
  RELAY_COMPRESSION_WINDOW_BITS: String(windowBits),
  RELAY_COMPRESSION_MEM_LEVEL: String(memLevel),
  RELAY_COMPRESSION_LEVEL: String(level),
  RELAY_COMPRESSION_CONTEXT_TAKEOVER: String(contextTakeover),
  RELAY_COMPRESSION_THRESHOLD_BYTES: "1024",
});

const CONFIGS: { name: string; env: Record<string, string> }[] = [
  { name: "off (baseline)", env: { RELAY_COMPRESSION: "off" } },
  { name: "window 15, memLevel 8, level 6, takeover (ws defaults)", env: deflate(15, 8, 6, true) },
  { name: "window 15, memLevel 8, level 6, no takeover", env: deflate(15, 8, 6, false) },
  { name: "window 12, memLevel 4, level 6, takeover (RELAY_COMPRESSION=on defaults)", env: deflate(12, 4, 6, true) },
  { name: "window 10, memLevel 2, level 6, takeover", env: deflate(10, 2, 6, true) },
  { name: "window 10, memLevel 2, level 6, no takeover", env: deflate(10, 2, 6, false) },
  { name: "window 10, memLevel 2, level 1, takeover", env: deflate(10, 2, 1, true) },
  { name: "window 9, memLevel 1, level 6, takeover", env: deflate(9, 1, 6, true) },
];

interface Measured {
  name: string;
  deltaWire: number;
  snapshotWire: number;
  cpuMicrosPerDelivery: number;
  fanOutMs: number;
  /** V8 heap used + external memory (Buffers, not zlib's own allocations), after a full GC. */
  accountedPerConn: number;
  rssPerConn: number;
  peakExtra: number;
}

/** CPU time the process has used so far, ms (zlib's threads included). */
const cpuMs = (pid: number): number => (cpuTicks(pid) * 1000) / clockTicksPerSecond();

/** A full GC in the relay (through its inspector), then its RSS and accounted memory, bytes. */
async function memoryAfterGc(relay: RelayProc): Promise<{ rss: number; accounted: number }> {
  await collectGarbage(inspectorUrl(relay.output()) ?? "no inspector address in the relay's output");
  const metrics = await (await fetch(`${relay.url}/metrics`)).text();
  const gauge = (name: string) => sample(metrics, `relay_${name}`) ?? Number.NaN;
  return { rss: rssBytes(relay.child.pid ?? 0), accounted: gauge("nodejs_heap_size_used_bytes") + gauge("nodejs_external_memory_bytes") };
}

/** Deltas received per seq, over every client, and a wait for one seq to reach them all. */
function deliveries(total: number) {
  const counts = new Map<number, number>();
  const waiters = new Map<number, () => void>();
  return {
    received(seq: number) {
      const count = (counts.get(seq) ?? 0) + 1;
      counts.set(seq, count);
      if (count === total) waiters.get(seq)?.();
    },
    all: (seq: number) =>
      new Promise<void>((resolve, reject) => {
        if ((counts.get(seq) ?? 0) >= total) return resolve();
        const timer = setTimeout(() => reject(new Error(`seq ${seq}: ${counts.get(seq) ?? 0} of ${total} clients after 60 s`)), 60_000);
        waiters.set(seq, () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

async function measure(redisUrl: string, sport: string, board: Board, config: (typeof CONFIGS)[number]): Promise<Measured> {
  const relay = await startRelay(redisUrl, {
    ...config.env,
    RELAY_MAX_CONNECTIONS: "100000",
    RELAY_MAX_CONNECTIONS_PER_IP: "100000",
    NODE_OPTIONS: "--inspect=127.0.0.1:0",
  });
  const proxy = await startCountingProxy(relay.port);
  const clients: Client[] = [];
  const pid = relay.child.pid ?? 0;
  try {
    const probe = await connectClient(proxy.url);
    const beforeSnapshot = proxy.bytes().down;
    // Loads the sport into the relay, and measures the snapshot on the wire.
    const subscribed = await probe.emit("subscribe", { sports: [sport] });
    if (!subscribed.ok) throw new Error(`probe subscribe refused: ${subscribed.error.message}`);
    const snapshotWire = proxy.bytes().down - beforeSnapshot;
    probe.received.length = 0;
    const base = await memoryAfterGc(relay);

    const delivered = deliveries(CLIENTS);
    // Browser-like: it compresses whatever it sends (Chromium does, even 2 bytes).
    const browserLike = { perMessageDeflate: { threshold: CLIENT_THRESHOLD } };
    clients.push(
      ...(await connectMany(
        relay.url,
        CLIENTS,
        async (client) => {
          client.on("odds:delta", (delta) => delivered.received(delta.seq));
          await subscribe(client, { sports: [sport], resume: { [sport]: board.seq() } });
        },
        browserLike,
      )),
    );

    let peak = rssBytes(pid);
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50);
    const wire0 = proxy.bytes().down;
    const cpu0 = cpuMs(pid);
    const fanOut: number[] = [];
    for (let tick = 0; tick < TICKS; tick += 1) {
      const started = performance.now();
      const seq = await board.tick();
      await delivered.all(seq);
      fanOut.push(performance.now() - started);
      await probe.waitFor("odds:delta", (d) => d.seq === seq, 60_000);
      probe.received.length = 0;
    }
    const cpu = cpuMs(pid) - cpu0;
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));
    const deltaWire = (proxy.bytes().down - wire0) / TICKS;
    const after = await memoryAfterGc(relay);
    probe.close();
    return {
      name: config.name,
      deltaWire,
      snapshotWire,
      cpuMicrosPerDelivery: (cpu * 1000) / (TICKS * (CLIENTS + 1)),
      fanOutMs: percentile(fanOut, 50),
      accountedPerConn: (after.accounted - base.accounted) / CLIENTS,
      rssPerConn: (after.rss - base.rss) / CLIENTS,
      peakExtra: peak - base.rss,
    };
  } finally {
    for (const client of clients) client.close();
    await proxy.close();
    await relay.stop();
  }
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const commands = new Redis(redis.url);
  try {
    const results: Measured[] = [];
    for (const [i, config] of CONFIGS.entries()) {
      // A sport of its own per configuration, from the same seed: every row sees the same deltas.
      const sport = `bench_${i}`;
      const board = await createBoard(commands, { sport, events: EVENTS, change: CHANGE, seed: 1 });
      results.push(await measure(redis.url, sport, board, config));
      process.stderr.write(`${config.name}: done\n`);
    }
    const [off] = results;
    if (!off) return;
    console.log(
      `\nCompression on the relay: ${CLIENTS} clients on one relay, ${EVENTS} events, ${(CHANGE * 100).toFixed(1)}% repriced per tick, ${TICKS} ticks; threshold 1 KiB\n`,
    );
    console.log(
      table(
        [
          "configuration",
          "delta on the wire, KiB",
          "snapshot on the wire, KiB",
          "delta / snapshot",
          "delta vs off",
          "relay CPU µs / delivered delta",
          "fan-out ms (median)",
          "JS heap + external kB / conn",
          "RSS kB / conn",
          "peak RSS above base, MiB",
        ],
        results.map((r) => [
          r.name,
          r.deltaWire / 1024,
          r.snapshotWire / 1024,
          `${((100 * r.deltaWire) / r.snapshotWire).toFixed(2)}%`,
          `${((100 * r.deltaWire) / off.deltaWire).toFixed(1)}%`,
          r.cpuMicrosPerDelivery,
          r.fanOutMs,
          r.accountedPerConn / 1000,
          r.rssPerConn / 1000,
          r.peakExtra / 1024 / 1024,
        ]),
      ),
    );
    console.log("\nTargets: deltas ≤ 2% of the snapshot's bytes on the same wire; relay memory < 30 kB per connection. RSS after a full GC; kB = 1000 bytes.");
  } finally {
    commands.disconnect();
    await redis.stop();
  }
}

runBench(main);
