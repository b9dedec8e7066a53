/**
 * The relay's delivery path at scale: what filters cost, and what a stalled client costs.
 *
 *   npx tsx bench/delivery.ts [--sockets 500] [--deltas 200] [--rate 10] [--fast 20] [--stalled 50] [--seconds 12]
 *
 * A real relay process on a throwaway Redis; odds are committed through the real StateStore (Lua:
 * state, seq, history, PUBLISH), as the publisher does. Every client runs in this process.
 *
 * 1. Filters. `sockets` clients hold a 500-event sport; `deltas` deltas (2 % of the events
 *    repriced, all their markets) are committed at `rate` per second. Rows, same run, same relay:
 *    every client unfiltered (the path the relay had before filters: the baseline); every client
 *    with one filter; the clients spread over 10 filters; and every client with a filter of its
 *    own (what filtering per socket would cost: one cut and one encode per socket). Relay CPU is
 *    read from its own /metrics (process_cpu_seconds_total) around the burst; latency is commit →
 *    client receipt. Every client must end at the last seq with an unbroken prevSeq chain; a
 *    client the relay held back (this process did not read it fast enough) gets merged deltas,
 *    which are counted.
 * 2. Stalled clients. `fast` clients read normally while `stalled` clients stop reading (their TCP
 *    sockets paused) and `seconds` of ~60 KB deltas go out at 20 per second (fewer seconds than
 *    Engine.IO's 15 s heartbeat needs to close them itself). Two relays in the same run: the
 *    default slow-consumer limits, and limits so large that nothing is ever held back (the
 *    baseline: the relay writes every delta to every socket). Peak bytes the relay holds for its
 *    connections and peak RSS are sampled from /metrics every 250 ms.
 */
import { Redis } from "ioredis";
import type { Change, EventOdds, WireDelta } from "../lib/protocol";
import { eventOdds, market, outcome } from "../lib/protocol/test-events";
import { BoardWriter, wholeEvents } from "../tests/support/board-writer";
import { tcpOf } from "../tests/support/client";
import { until } from "../tests/support/full-stack";
import { metric } from "../tests/support/metrics";
import { startRedisServer } from "../tests/support/services";
import { type RelayProc, startRelay } from "../tests/support/stack";
import { arg, percentile, runBench, table } from "./stats";
import { type Client, connectMany, subscribe } from "./support/connect-many";

const SOCKETS = arg("sockets", 500);
const DELTAS = arg("deltas", 200);
const RATE = arg("rate", 10);
const FAST = arg("fast", 20);
const STALLED = arg("stalled", 50);
const SECONDS = arg("seconds", 12);
const EVENTS = 500;

runBench(async () => {
  const redis = await startRedisServer();
  const bus = new Redis(redis.url);
  const relays: RelayProc[] = [];
  try {
    await BoardWriter.lead(bus);
    const env = { RELAY_MAX_CONNECTIONS_PER_IP: "100000", RELAY_RATE_BURST: "1000" };
    const relay = await startRelay(redis.url, env);
    relays.push(relay);
    const filterRows = [];
    for (const [what, filterOf] of filterScenarios()) filterRows.push(await filterRun(bus, relay, what, filterOf));
    console.log(`\nFilters: ${SOCKETS} sockets on one relay, ${DELTAS} deltas at ${RATE}/s, each repricing ${EVENTS * 0.02} of ${EVENTS} events\n`);
    console.log(
      table(
        [
          "subscriptions",
          "filtered rooms",
          "broadcasts per delta",
          "relay CPU ms per delta",
          "latency p50 ms",
          "latency p99 ms",
          "deltas received",
          "of them merged (client fell behind)",
        ],
        filterRows,
      ),
    );

    const limited = await startRelay(redis.url, env);
    const unlimited = await startRelay(redis.url, { ...env, RELAY_SLOW_SOFT_BYTES: String(2 ** 30 - 1), RELAY_SLOW_HARD_BYTES: String(2 ** 30) });
    relays.push(limited, unlimited);
    const slowRows = [
      await stallRun(bus, limited, "default limits (256 KiB soft, 4 MiB hard)"),
      await stallRun(bus, unlimited, "nothing held back (baseline)"),
    ];
    console.log(`\nStalled clients: ${FAST} reading and ${STALLED} stalled sockets, ${SECONDS} s of ~60 KB deltas at 20/s\n`);
    console.log(
      table(
        ["relay", "peak bytes held (all sockets)", "peak relay RSS MB", "relay CPU s", "fast p50 ms", "fast p99 ms", "fast merged deltas", "conflated", "cut"],
        slowRows,
      ),
    );
  } finally {
    for (const relay of relays) await relay.stop();
    bus.disconnect();
    await redis.stop();
  }
});

/** Which markets client `i` asks for (null: every market). */
type FilterOf = (i: number) => string[] | null;

function filterScenarios(): Array<[string, FilterOf]> {
  const ten = [
    ["h2h"],
    ["totals"],
    ["spreads"],
    ["h2h", "totals"],
    ["h2h", "spreads"],
    ["spreads", "totals"],
    ["h2h", "totals", "spreads"],
    ["h2h", "btts"],
    ["totals", "btts"],
    ["spreads", "btts"],
  ];
  return [
    ["every socket unfiltered (baseline)", () => null],
    ["every socket markets [h2h]", () => ["h2h"]],
    ["sockets over 10 filters", (i) => ten[i % ten.length] ?? null],
    ["a filter per socket (per-socket cost)", (i) => ["h2h", `x${i}`]],
  ];
}

async function filterRun(bus: Redis, relay: RelayProc, what: string, filterOf: FilterOf): Promise<(string | number)[]> {
  const writer = new BoardWriter(bus, `bench_filters_${Math.random().toString(36).slice(2, 8)}`);
  await writer.commit(wholeEvents(board(0)));
  const tally = new Tally();
  const clients = await connectMany(relay.url, SOCKETS, async (client, i) => {
    const markets = filterOf(i);
    // Resuming from the current seq: nothing to send, so 500 subscribes do not cost 500 snapshots.
    await subscribe(client, { sports: [writer.sport], resume: { [writer.sport]: writer.seq }, ...(markets ? { markets } : {}) });
    tally.follow(client, writer.seq);
  });
  try {
    const variants = await metric(relay.url, "relay_filter_variants");
    const cpu = await metric(relay.url, "relay_process_cpu_seconds_total");
    const broadcasts = await metric(relay.url, "relay_emitted_total", 'event="odds:delta"');
    for (let i = 1; i <= DELTAS; i += 1) {
      const started = Date.now();
      await writer.commit(reprice(writer.events, i));
      await pause(1000 / RATE - (Date.now() - started));
    }
    await until(async () => tally.allAt(writer.seq), 60_000, "every client at the last seq");
    const cpuMs = ((await metric(relay.url, "relay_process_cpu_seconds_total")) - cpu) * 1000;
    const perDelta = ((await metric(relay.url, "relay_emitted_total", 'event="odds:delta"')) - broadcasts) / DELTAS;
    return [what, variants, perDelta, cpuMs / DELTAS, percentile(tally.latencies, 50), percentile(tally.latencies, 99), tally.received, tally.merged];
  } finally {
    for (const client of clients) client.close();
  }
}

async function stallRun(bus: Redis, relay: RelayProc, what: string): Promise<(string | number)[]> {
  const writer = new BoardWriter(bus, `bench_stall_${Math.random().toString(36).slice(2, 8)}`);
  await writer.commit(wholeEvents(board(0).slice(0, 50)));
  const tally = new Tally();
  const fast = await connectMany(relay.url, FAST, async (client) => {
    await subscribe(client, { sports: [writer.sport], resume: { [writer.sport]: writer.seq } });
    tally.follow(client, writer.seq);
  });
  const stalled = await connectMany(relay.url, STALLED, (client) => subscribe(client, { sports: [writer.sport], resume: { [writer.sport]: writer.seq } }));
  for (const client of stalled) tcpOf(client).pause();
  const peaks = { bytes: 0, rss: 0 };
  const sampler = setInterval(() => {
    void Promise.all([metric(relay.url, "relay_buffered_bytes"), metric(relay.url, "relay_process_resident_memory_bytes")]).then(([bytes, rss]) => {
      peaks.bytes = Math.max(peaks.bytes, bytes);
      peaks.rss = Math.max(peaks.rss, rss);
    });
  }, 250);
  const cpu = await metric(relay.url, "relay_process_cpu_seconds_total");
  const deltas = SECONDS * 20;
  try {
    for (let i = 1; i <= deltas; i += 1) {
      const started = Date.now();
      await writer.commit(wholeEvents(board(i).slice(0, 50)));
      await pause(50 - (Date.now() - started));
    }
    await until(async () => tally.allAt(writer.seq), 60_000, "every client at the last seq");
    const cpuSeconds = (await metric(relay.url, "relay_process_cpu_seconds_total")) - cpu;
    const conflated = await metric(relay.url, "relay_deltas_conflated_total");
    const cut =
      (await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="hard_limit"')) +
      (await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="too_long"'));
    return [what, peaks.bytes, peaks.rss / 2 ** 20, cpuSeconds, percentile(tally.latencies, 50), percentile(tally.latencies, 99), tally.merged, conflated, cut];
  } finally {
    clearInterval(sampler);
    for (const client of [...fast, ...stalled]) client.close();
  }
}

/** 500 events with h2h, spreads and totals, names that change with `step` (~1.2 KB an event). */
function board(step: number): EventOdds[] {
  const name = (side: string) => `${side} ${"x".repeat(60)} ${step}`;
  const o = (n: number, side: string) => outcome(1.5 + ((step * 7 + n) % 300) / 100, { name: name(side) });
  return Array.from({ length: EVENTS }, (_, i) =>
    eventOdds(`ev${i}`, {
      markets: {
        h2h: market("h2h", { home: o(i, "home"), draw: o(i + 1, "draw"), away: o(i + 2, "away") }),
        spreads: market("spreads", { home: o(i + 3, "home"), away: o(i + 4, "away") }),
        totals: market("totals", { over: o(i + 5, "over"), under: o(i + 6, "under") }),
      },
    }),
  );
}

/** Tick `step`: 2 % of the events get every price moved (7 changes each). */
function reprice(events: Map<string, EventOdds>, step: number): Change[] {
  const changes: Change[] = [];
  for (let k = 0; k < EVENTS * 0.02; k += 1) {
    const id = `ev${(step * 37 + k * 53) % EVENTS}`;
    const event = events.get(id);
    for (const [key, odds] of Object.entries(event?.markets ?? {})) {
      for (const side of Object.keys(odds.outcomes))
        changes.push({ eventId: id, path: `markets.${key}.outcomes.${side}.price`, value: 1.5 + ((step * 13 + k + side.length) % 300) / 100 });
    }
  }
  return changes;
}

/** Per client: the seq it holds; overall: latency of every delta, and how many came merged. */
class Tally {
  readonly latencies: number[] = [];
  received = 0;
  merged = 0;
  private readonly held: number[] = [];

  follow(client: Client, seq: number): void {
    const i = this.held.push(seq) - 1;
    client.on("odds:delta", (delta: WireDelta) => {
      if (delta.prevSeq !== this.held[i]) throw new Error(`client ${i}: delta ${delta.prevSeq}→${delta.seq} on ${this.held[i]}`);
      this.held[i] = delta.seq;
      this.received += 1;
      if (delta.seq - delta.prevSeq > 1) this.merged += 1;
      this.latencies.push(Date.now() - delta.ts);
    });
  }

  allAt(seq: number): boolean {
    return this.held.every((held) => held === seq);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
