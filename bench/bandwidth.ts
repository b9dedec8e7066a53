/**
 * Bytes per client: deltas vs full snapshots, through real relays, on the wire, over several runs.
 *
 *   npx tsx bench/bandwidth.ts [--events 1000] [--change 0.05] [--ticks 120] [--runs 5] [--seed 1]
 *
 * A driver plays the publisher with the real pricing, diff and Redis commit (bench/board.ts: 1,000
 * events of one sport, 5 % repriced per tick). 120 ticks = 60 s at the 500 ms interval (run back
 * to back: bytes do not depend on wall time). Two relays read the same Redis: one with
 * RELAY_COMPRESSION=on and the other compression settings at their defaults (or as this
 * process's environment sets them), one with RELAY_COMPRESSION=off. Each has two socket.io
 * clients, each behind a byte-counting TCP proxy, so what is counted is the TCP stream the client
 * receives: WebSocket frames with their headers, after compression. One client subscribes once and
 * gets deltas; the baseline client subscribes and unsubscribes each tick and so receives the full
 * snapshot, as a snapshot-broadcasting server would send it (plus its two acks, ~100 bytes). The
 * JSON column counts the engine.io packets as the client reads them, after decompression. Each run
 * has its own seed, so the spread covers different boards and moves.
 */
import { Redis } from "ioredis";
import { type TestClient, connectClient } from "../tests/support/client";
import { type CountingProxy, startCountingProxy } from "../tests/support/counting-proxy";
import { startRedisServer } from "../tests/support/services";
import { type RelayProc, startRelay } from "../tests/support/stack";
import { createBoard } from "./board";
import { arg, percentile, runBench, table } from "./stats";

const EVENTS = arg("events", 1_000);
const CHANGE = arg("change", 0.05);
const TICKS = arg("ticks", 120);
const RUNS = arg("runs", 5);
const SEED = arg("seed", 1);
const SPORT = "soccer_epl";

/** One socket.io client behind its own counting proxy: wire bytes and JSON bytes it received. */
interface Counted {
  client: TestClient;
  proxy: CountingProxy;
  json: number;
}

async function countedClient(relay: RelayProc): Promise<Counted> {
  const proxy = await startCountingProxy(relay.port);
  const client = await connectClient(proxy.url);
  const counted: Counted = { client, proxy, json: 0 };
  client.socket.io.engine.on("packet", (packet: { type: string; data?: unknown }) => {
    if (packet.type === "message" && typeof packet.data === "string") counted.json += Buffer.byteLength(packet.data);
  });
  return counted;
}

/** Subscribes to or unsubscribes from the sport; a refusal would silently shrink the counts, so it throws. */
async function request(client: TestClient, event: "subscribe" | "unsubscribe"): Promise<void> {
  const ack = await client.emit(event, { sports: [SPORT] });
  if (!ack.ok) throw new Error(`${event} refused: ${ack.error.message}`);
}

/** Wire and JSON bytes the client received from now until the returned function is called. */
function meter(counted: Counted): () => { wire: number; json: number } {
  const wire0 = counted.proxy.bytes().down;
  const json0 = counted.json;
  return () => ({ wire: counted.proxy.bytes().down - wire0, json: counted.json - json0 });
}

interface Side {
  deltas: { wire: number; json: number };
  snapshots: { wire: number; json: number };
}

interface RunResult {
  seed: number;
  compressed: Side;
  plain: Side;
}

async function run(seed: number): Promise<RunResult> {
  const redis = await startRedisServer();
  const relays: RelayProc[] = [];
  const counted: Counted[] = [];
  const commands = new Redis(redis.url);
  try {
    const board = await createBoard(commands, { sport: SPORT, events: EVENTS, change: CHANGE, seed });
    // The baseline client sends two messages a tick, faster than a client's default rate allows.
    const limits = { RELAY_RATE_PER_SEC: "10000", RELAY_RATE_BURST: "10000" };
    relays.push(await startRelay(redis.url, { ...limits, RELAY_COMPRESSION: "on" }), await startRelay(redis.url, { ...limits, RELAY_COMPRESSION: "off" }));
    const sides = await Promise.all(relays.map(async (relay) => ({ deltas: await countedClient(relay), snapshots: await countedClient(relay) })));
    for (const side of sides) counted.push(side.deltas, side.snapshots);
    // The deltas client's own first snapshot is not part of the per-tick bytes.
    for (const side of sides) await request(side.deltas.client, "subscribe");
    const meters = sides.map((side) => ({ deltas: meter(side.deltas), snapshots: meter(side.snapshots) }));
    for (let tick = 0; tick < TICKS; tick += 1) {
      const seq = await board.tick();
      for (const side of sides) {
        await side.deltas.client.waitFor("odds:delta", (d) => d.seq === seq, 10_000);
        // The baseline: a full snapshot of the sport after every tick, and out of the room again.
        await request(side.snapshots.client, "subscribe");
        await side.snapshots.client.waitFor("odds:snapshot", (s) => s.seq === seq);
        await request(side.snapshots.client, "unsubscribe");
        for (const client of [side.deltas.client, side.snapshots.client]) client.received.length = 0;
      }
    }
    const [compressed, plain] = meters.map((m) => ({ deltas: m.deltas(), snapshots: m.snapshots() }));
    if (!compressed || !plain) throw new Error("two relays expected");
    return { seed, compressed, plain };
  } finally {
    for (const c of counted) {
      c.client.close();
      await c.proxy.close();
    }
    commands.disconnect();
    await Promise.all(relays.map((relay) => relay.stop()));
    await redis.stop();
  }
}

const kib = (bytes: number) => bytes / TICKS / 1024;
const pct = (part: number, whole: number) => (100 * part) / whole;
const fixed = (value: number) => `${value.toFixed(2)}%`;

function spread(values: number[]): string {
  return `${fixed(Math.min(...values))} / ${fixed(percentile(values, 50))} / ${fixed(Math.max(...values))}`;
}

async function main(): Promise<void> {
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    results.push(await run(SEED + i));
    process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
  }
  console.log(
    `\nBandwidth per client: ${EVENTS} events, ${(CHANGE * 100).toFixed(1)}% repriced per tick, ${TICKS} ticks (= ${(TICKS / 2).toFixed(0)} s at 500 ms), ${RUNS} runs\n`,
  );
  console.log("Per tick, KiB (wire = TCP bytes the client received; JSON = engine.io packets after decompression):\n");
  console.log(
    table(
      ["seed", "deltas JSON", "snapshot JSON", "deltas wire, off", "snapshot wire, off", "deltas wire, compressed", "snapshot wire, compressed"],
      results.map((r) => [
        r.seed,
        kib(r.plain.deltas.json),
        kib(r.plain.snapshots.json),
        kib(r.plain.deltas.wire),
        kib(r.plain.snapshots.wire),
        kib(r.compressed.deltas.wire),
        kib(r.compressed.snapshots.wire),
      ]),
    ),
  );
  console.log(`\nDeltas as a share of full snapshots, min / median / max over ${RUNS} runs:\n`);
  console.log(
    table(
      ["compared", "share"],
      [
        ["JSON: deltas vs snapshots", spread(results.map((r) => pct(r.plain.deltas.json, r.plain.snapshots.json)))],
        ["wire, compression off: deltas vs snapshots", spread(results.map((r) => pct(r.plain.deltas.wire, r.plain.snapshots.wire)))],
        ["wire, compressed: deltas vs snapshots (same wire)", spread(results.map((r) => pct(r.compressed.deltas.wire, r.compressed.snapshots.wire)))],
        ["wire: compressed deltas vs uncompressed snapshots", spread(results.map((r) => pct(r.compressed.deltas.wire, r.plain.snapshots.wire)))],
        ["wire: compressed vs uncompressed deltas", spread(results.map((r) => pct(r.compressed.deltas.wire, r.plain.deltas.wire)))],
      ],
    ),
  );
  console.log("\nTarget: deltas ≤ 2% of the full snapshots' bytes on the same wire. The baseline is measured on the same relay, in the same run.");
}

runBench(main);
