/**
 * The board the bandwidth and compression benches publish: one sport of `events` events, 3 markets
 * each, 4 bookmakers, priced by the real pricing (toEventOdds), diffed and committed to Redis by
 * the real StateStore, as the publisher does. Each tick, `change` of the events see one bookmaker
 * reprice one market, which moves our price, the fair probabilities, edges and best prices as in
 * production. Whatever fields the payload gains, the benches carry them: nothing here lists them.
 */
import type { Redis } from "ioredis";
import { Prisma } from "../lib/generated/prisma/client";
import { DEMO_BOOKS, type Rng, bookPrices, seededRng, threeWay } from "../lib/feed/market-model";
import { DEFAULT_MARGIN_METHOD } from "../lib/odds";
import { type EventOdds, KEYS } from "../lib/protocol";
import { diffEvent } from "../lib/publisher/diff";
import { type EventRow, toEventOdds } from "../lib/publisher/pricing";
import { StateStore } from "../lib/publisher/state-store";

const PRICING = { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD };
const LEADER = "bench#1";

export interface BoardOptions {
  sport: string;
  events: number;
  /** Share of the events repriced per tick, 0–1. */
  change: number;
  seed: number;
}

export interface Board {
  /** The seq the sport's state in Redis reflects. */
  seq(): number;
  /** Reprices `change` of the events and commits the delta; resolves with its seq. */
  tick(): Promise<number>;
}

/** Commits the whole board once (seq 1), as the publisher's first tick would. */
export async function createBoard(redis: Redis, options: BoardOptions): Promise<Board> {
  await redis.set(KEYS.publisherLeader, LEADER);
  const store = new StateStore(redis, { length: 10_000, maxAgeMs: 0, maxDeltaBytes: 64 * 1024 * 1024 });
  const rng = seededRng(options.seed);
  const rows = Array.from({ length: options.events }, (_, i) => makeRow(i, options.sport, rng));
  let state = new Map<string, EventOdds>();
  let seq = 0;
  const commit = async (next: Map<string, EventOdds>) => {
    const changes = [...next].flatMap(([id, event]) => diffEvent(id, state.get(id), event));
    const writes = [...next].filter(([id, event]) => state.get(id) !== event).map(([eventId, event]) => ({ eventId, event }));
    const result = await store.commit({ sport: options.sport, token: LEADER, expectedSeq: seq, writes, changes, ts: Date.now() });
    if (!result.ok) throw new Error(`commit failed: ${result.reason}`);
    seq = result.seq;
    state = next;
    return seq;
  };
  await commit(new Map(rows.map((row) => [row.id, toEventOdds(row, PRICING)])));
  return {
    seq: () => seq,
    tick: () => {
      const next = new Map(state);
      for (let n = 0; n < Math.round(options.events * options.change); n += 1) {
        const row = rows[Math.floor(rng() * rows.length)];
        if (!row) continue;
        move(row, rng);
        next.set(row.id, toEventOdds(row, PRICING));
      }
      return commit(next);
    },
  };
}

function makeRow(i: number, sport: string, rng: Rng): EventRow {
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
      prices: DEMO_BOOKS.map((book) => ({
        id: `${i}-${key}-${o.key}-${book.key}`,
        bookmaker: book.key,
        price: bookPrices([o.p, 1 - o.p], book, rng)[0] ?? 2,
        lastUpdate: new Date(0),
      })),
    })),
  });
  const [h, d, a] = threeWay((rng() * 2 - 1) * 1.5);
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    sport,
    isEsports: false,
    league: `League ${i % 8}`,
    homeTeam: `Home ${i}`,
    awayTeam: `Away ${i}`,
    title: `Home ${i} vs Away ${i}`,
    startsAt: new Date(Date.UTC(2026, 10, 23) + i * 60_000),
    status: "ACTIVE",
    phase: "PREMATCH",
    homeScore: null,
    awayScore: null,
    sportRef: { active: true },
    markets: [
      market("h2h", null, [
        { key: "home", name: "Home", point: null, p: h ?? 0.4 },
        { key: "draw", name: "Draw", point: null, p: d ?? 0.3 },
        { key: "away", name: "Away", point: null, p: a ?? 0.3 },
      ]),
      market("spreads", -0.5, [
        { key: "home", name: "Home", point: -0.5, p: 0.5 },
        { key: "away", name: "Away", point: 0.5, p: 0.5 },
      ]),
      market("totals", 2.5, [
        { key: "over", name: "Over", point: 2.5, p: 0.5 },
        { key: "under", name: "Under", point: 2.5, p: 0.5 },
      ]),
    ],
  };
}

/** One bookmaker reprices one market of the event by a few ticks. */
function move(row: EventRow, rng: Rng): void {
  const market = row.markets[Math.floor(rng() * row.markets.length)];
  const book = Math.floor(rng() * DEMO_BOOKS.length);
  for (const outcome of market?.outcomes ?? []) {
    const price = outcome.prices[book];
    if (price) price.price = Math.max(1.01, Math.round(price.price * (1 + (rng() * 2 - 1) * 0.06) * 100) / 100);
  }
}
