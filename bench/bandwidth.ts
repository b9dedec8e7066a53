/**
 * Bytes per client: deltas vs full snapshots, through the real relay, in the same run.
 *
 *   npx tsx bench/bandwidth.ts [--events 1000] [--change 0.05] [--ticks 120]
 *
 * A driver plays the publisher with the real pricing, diff and Redis commit (1,000 events of one
 * sport, 3 markets each, 4 bookmakers). Each tick, `change` of the events see one bookmaker reprice
 * one market, which moves our price, the fair probabilities, edges and best prices as in
 * production. 120 ticks = 60 s at the 500 ms interval (run back to back: bytes do not depend on
 * wall time). Two socket.io clients on the same relay count the bytes of every engine.io packet
 * they receive: one subscribes once and gets deltas; the baseline resubscribes each tick and so
 * receives the full snapshot, as a snapshot-broadcasting server would send it.
 */
import { Redis } from "ioredis";
import { Prisma } from "../lib/generated/prisma/client";
import { DEMO_BOOKS, bookPrices, seededRng, threeWay } from "../lib/feed/market-model";
import { DEFAULT_MARGIN_METHOD } from "../lib/odds";
import { type EventOdds, KEYS } from "../lib/protocol";
import { diffEvent } from "../lib/publisher/diff";
import { type EventRow, toEventOdds } from "../lib/publisher/pricing";
import { StateStore } from "../lib/publisher/state-store";
import { connectClient } from "../tests/support/client";
import { startRedisServer } from "../tests/support/services";
import { startRelay } from "../tests/support/stack";
import { arg, runBench, table } from "./stats";

const EVENTS = arg("events", 1_000);
const CHANGE = arg("change", 0.05);
const TICKS = arg("ticks", 120);
const SPORT = "soccer_epl";
const PRICING = { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD };
const rng = seededRng(42);

function makeRow(i: number): EventRow {
  const market = (key: string, line: number | null, outcomes: { key: string; name: string; point: number | null; p: number }[]) => ({
    key,
    line,
    status: "OPEN" as const,
    outcomes: outcomes.map((o) => ({
      id: `${i}-${key}-${o.key}`,
      key: o.key,
      name: o.name,
      point: o.point,
      stakeTotal: new Prisma.Decimal(Math.round(rng() * 2_000)),
      prices: DEMO_BOOKS.map((book) => ({ id: `${i}-${key}-${o.key}-${book.key}`, bookmaker: book.key, price: bookPrices([o.p, 1 - o.p], book, rng)[0] ?? 2, lastUpdate: new Date(0) })),
    })),
  });
  const [h, d, a] = threeWay((rng() * 2 - 1) * 1.5);
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    sport: SPORT, isEsports: false, league: `League ${i % 8}`, homeTeam: `Home ${i}`, awayTeam: `Away ${i}`, title: `Home ${i} vs Away ${i}`,
    startsAt: new Date(Date.UTC(2026, 10, 23) + i * 60_000), status: "ACTIVE", phase: "PREMATCH", homeScore: null, awayScore: null,
    sportRef: { active: true },
    markets: [
      market("h2h", null, [{ key: "home", name: "Home", point: null, p: h ?? 0.4 }, { key: "draw", name: "Draw", point: null, p: d ?? 0.3 }, { key: "away", name: "Away", point: null, p: a ?? 0.3 }]),
      market("spreads", -0.5, [{ key: "home", name: "Home", point: -0.5, p: 0.5 }, { key: "away", name: "Away", point: 0.5, p: 0.5 }]),
      market("totals", 2.5, [{ key: "over", name: "Over", point: 2.5, p: 0.5 }, { key: "under", name: "Under", point: 2.5, p: 0.5 }]),
    ],
  };
}

/** One bookmaker reprices one market of the event by a few ticks. */
function move(row: EventRow): void {
  const market = row.markets[Math.floor(rng() * row.markets.length)];
  const book = Math.floor(rng() * DEMO_BOOKS.length);
  for (const outcome of market?.outcomes ?? []) {
    const price = outcome.prices[book];
    if (price) price.price = Math.max(1.01, Math.round(price.price * (1 + (rng() * 2 - 1) * 0.06) * 100) / 100);
  }
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const relay = await startRelay(redis.url);
  const commands = new Redis(redis.url);
  try {
    await commands.set(KEYS.publisherLeader, "bench#1");
    const store = new StateStore(commands, { length: 10_000, maxAgeMs: 0, maxDeltaBytes: 64 * 1024 * 1024 });
    const rows = Array.from({ length: EVENTS }, (_, i) => makeRow(i));
    let state = new Map<string, EventOdds>();
    let seq = 0;
    const commit = async (next: Map<string, EventOdds>) => {
      const changes = [...next].flatMap(([id, event]) => diffEvent(id, state.get(id), event));
      const writes = [...next].filter(([id, event]) => state.get(id) !== event).map(([eventId, event]) => ({ eventId, event }));
      const result = await store.commit({ sport: SPORT, token: "bench#1", expectedSeq: seq, writes, changes, ts: Date.now() });
      if (!result.ok) throw new Error(`commit failed: ${result.reason}`);
      seq = result.seq;
      state = next;
    };
    await commit(new Map(rows.map((row) => [row.id, toEventOdds(row, PRICING)])));

    const deltas = await connectClient(relay.url);
    const snapshots = await connectClient(relay.url);
    const counted = { deltas: 0, snapshots: 0, deltaMessages: 0, snapshotMessages: 0 };
    const count = (client: typeof deltas, key: "deltas" | "snapshots") =>
      client.socket.io.engine.on("packet", (packet: { type: string; data?: unknown }) => {
        if (packet.type !== "message") return;
        counted[key] += typeof packet.data === "string" ? Buffer.byteLength(packet.data) : 0;
      });
    await deltas.emit("subscribe", { sports: [SPORT] });
    await snapshots.emit("subscribe", { sports: [SPORT] });
    count(deltas, "deltas");
    count(snapshots, "snapshots");

    for (let tick = 0; tick < TICKS; tick += 1) {
      const next = new Map(state);
      for (let n = 0; n < Math.round(EVENTS * CHANGE); n += 1) {
        const row = rows[Math.floor(rng() * rows.length)];
        if (!row) continue;
        move(row);
        next.set(row.id, toEventOdds(row, PRICING));
      }
      await commit(next);
      await deltas.waitFor("odds:delta", (d) => d.seq === seq, 10_000);
      counted.deltaMessages += 1;
      // The baseline: a full snapshot of the sport after every tick.
      await snapshots.emit("subscribe", { sports: [SPORT] });
      counted.snapshotMessages += 1;
    }
    deltas.close();
    snapshots.close();

    const perTick = (bytes: number, n: number) => bytes / Math.max(1, n);
    console.log(`\nBandwidth per client: ${EVENTS} events, ${(CHANGE * 100).toFixed(1)}% changing per tick, ${TICKS} ticks (= ${(TICKS / 2).toFixed(0)} s at 500 ms)\n`);
    console.log(
      table(
        ["strategy", "messages", "total KiB", "KiB / tick", "share of baseline"],
        [
          ["full snapshot every tick (baseline)", counted.snapshotMessages, counted.snapshots / 1024, perTick(counted.snapshots, counted.snapshotMessages) / 1024, "100%"],
          ["deltas (this system)", counted.deltaMessages, counted.deltas / 1024, perTick(counted.deltas, counted.deltaMessages) / 1024, `${((100 * counted.deltas) / counted.snapshots).toFixed(2)}%`],
        ],
      ),
    );
    console.log(`\nTarget: deltas ≤ 5% of the baseline's bytes. Bytes are engine.io payloads as received (WebSocket frame headers, 2–10 bytes each, not counted).`);
  } finally {
    commands.disconnect();
    await relay.stop();
    await redis.stop();
  }
}

runBench(main);
