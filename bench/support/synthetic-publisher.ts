import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { seededRng } from "../../lib/feed/market-model";
import { CHANNELS, type Change, EventOdds, type FeedStatusMessage, KEYS, type MarketOdds, applyChanges } from "../../lib/protocol";
import { fairPriceOf, impliedOf } from "../../lib/protocol/odds";
import { type CommitInput, StateStore } from "../../lib/publisher/state-store";

/**
 * A publisher without Postgres, for load benches: it commits seq-numbered deltas through the real
 * StateStore (state hash, seq, history stream and PUBLISH in one Lua script), so relays cache,
 * replay and resume exactly as in production, at any rate. Each delta moves `changesPerDelta`
 * prices of one sport; sports take turns. Every delta's `ts` is this process's `Date.now()` when it
 * is committed, so `receipt − ts` on the same machine is publish → client latency.
 */

export interface PublisherOptions {
  sports: string[];
  eventsPerSport: number;
  changesPerDelta: number;
  seed?: number;
}

export interface RunResult {
  deltas: number;
  /** Wall-clock ms: the run's start and stop, and when the last commit was answered. */
  startedAt: number;
  endedAt: number;
  lastCommitAt: number;
  /** Mean JSON size of a delta on the bus, bytes. */
  meanBytes: number;
}

export interface Running {
  stop(): Promise<RunResult>;
}

const TOKEN = "relay-load-bench";
const HEARTBEAT_MS = 1_000;
/** Most deltas sent in one pipeline when the loop has fallen behind its rate. */
const MAX_BATCH = 64;

export class SyntheticPublisher {
  private readonly store: StateStore;
  private readonly boards = new Map<string, Map<string, EventOdds>>();
  private readonly seqs = new Map<string, number>();
  private readonly rng: () => number;
  private turn = 0;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: PublisherOptions,
  ) {
    // The relay's history defaults (ODDS_HISTORY_LENGTH, ODDS_HISTORY_MAX_AGE_MS, ODDS_MAX_DELTA_BYTES).
    this.store = new StateStore(redis, { length: 5_000, maxAgeMs: 600_000, maxDeltaBytes: 262_144 });
    this.rng = seededRng(options.seed ?? 42);
  }

  /** Takes the lease, writes every sport's board at a fresh seq, and starts the heartbeat. */
  async setup(): Promise<void> {
    await this.redis.set(KEYS.publisherLeader, TOKEN);
    const held = await this.store.seqs(this.options.sports);
    for (const sport of this.options.sports) {
      const events = Array.from({ length: this.options.eventsPerSport }, (_, i) => EventOdds.parse(makeEvent(sport, i, this.rng)));
      const seq = (held.get(sport) ?? 0) + 1;
      const result = await this.store.reset({ sport, token: TOKEN, seq, events, ts: Date.now() });
      if (!result.ok) throw new Error(`cannot write ${sport}: ${result.reason}`);
      this.boards.set(sport, new Map(events.map((event) => [event.id, event])));
      this.seqs.set(sport, result.seq);
    }
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    await this.beat();
  }

  /** The seq each of `sports` (default: all) is at now. */
  current(sports = this.options.sports): Record<string, number> {
    return Object.fromEntries(sports.map((sport) => [sport, this.seqs.get(sport) ?? 0]));
  }

  /** Publishes `ratePerSec` deltas a second to `sports` (in turn; default: all), evenly paced, until stopped. */
  start(ratePerSec: number, sports = this.options.sports): Running {
    let stopped = false;
    const result: RunResult = { deltas: 0, startedAt: Date.now(), endedAt: 0, lastCommitAt: 0, meanBytes: 0 };
    let bytes = 0;
    const loop = (async () => {
      const start = performance.now();
      while (!stopped) {
        const due = Math.floor(((performance.now() - start) / 1000) * ratePerSec) + 1;
        if (due > result.deltas) {
          const n = Math.min(due - result.deltas, MAX_BATCH);
          bytes += await this.commit(n, sports);
          result.deltas += n;
          result.lastCommitAt = Date.now();
          continue;
        }
        await sleep(Math.max(1, (result.deltas / ratePerSec) * 1000 - (performance.now() - start)));
      }
      result.endedAt = Date.now();
      result.meanBytes = result.deltas > 0 ? bytes / result.deltas : 0;
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        return result;
      },
    };
  }

  /** `start`, then stop after `seconds`. */
  async run(ratePerSec: number, seconds: number, sports = this.options.sports): Promise<RunResult> {
    const running = this.start(ratePerSec, sports);
    await sleep(seconds * 1000);
    return running.stop();
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Commits the next `n` deltas (`sports` in turn) in one pipeline; returns their bytes. */
  private async commit(n: number, sports: string[]): Promise<number> {
    const ts = Date.now();
    const inputs: CommitInput[] = [];
    const expected = new Map(this.seqs);
    for (let i = 0; i < n; i += 1) {
      const sport = sports[this.turn++ % sports.length] ?? "";
      const board = this.boards.get(sport) ?? new Map<string, EventOdds>();
      const changes = this.priceMoves(board);
      const touched = applyChanges(board, changes);
      const writes = [...touched].map((eventId) => ({ eventId, event: board.get(eventId) ?? null }));
      const expectedSeq = expected.get(sport) ?? 0;
      inputs.push({ sport, token: TOKEN, expectedSeq, writes, changes, ts });
      expected.set(sport, expectedSeq + 1);
    }
    const results = await this.store.commitMany(inputs);
    let bytes = 0;
    for (const [i, result] of results.entries()) {
      if (!result.ok) throw new Error(`commit of ${inputs[i]?.sport} failed: ${result.reason} (Redis at ${result.seq})`);
      this.seqs.set(inputs[i]?.sport ?? "", result.seq);
      bytes += result.bytes;
    }
    return bytes;
  }

  /** `changesPerDelta` outcome prices of the sport's events, each moved up to ±3 % on a 0.01 grid. */
  private priceMoves(board: Map<string, EventOdds>): Change[] {
    const events = [...board.values()];
    const changes: Change[] = [];
    for (let i = 0; i < this.options.changesPerDelta; i += 1) {
      const event = events[Math.floor(this.rng() * events.length)];
      const markets = Object.values(event?.markets ?? {});
      const market = markets[Math.floor(this.rng() * markets.length)];
      const keys = Object.keys(market?.outcomes ?? {});
      const key = keys[Math.floor(this.rng() * keys.length)];
      const outcome = key ? market?.outcomes[key] : undefined;
      if (!event || !market || !key || !outcome) continue;
      const price = Math.max(1.01, Math.round(outcome.price * (1 + (this.rng() * 2 - 1) * 0.03) * 100) / 100);
      changes.push({ eventId: event.id, path: `markets.${market.key}.outcomes.${key}.price`, value: price });
    }
    return changes;
  }

  /** The leader's heartbeat, so relays see the feed live, as in production. */
  private async beat(): Promise<void> {
    const message: FeedStatusMessage = { v: 1, type: "feed:status", status: "live", ts: Date.now(), intervalMs: 500, heartbeatMs: HEARTBEAT_MS };
    await this.redis.publish(CHANNELS.sportsOdds, JSON.stringify(message)).catch(() => undefined);
  }
}

/** One event with the board's three markets, priced around a random strength. */
function makeEvent(sport: string, i: number, rng: () => number): EventOdds {
  const p = 0.25 + rng() * 0.5;
  const price = (q: number) => Math.round((1 / (q * 1.05)) * 100) / 100;
  const outcome = (name: string, q: number, point: number | null = null) => {
    const fair = Math.round(q * 10_000) / 10_000;
    return {
      name,
      point,
      price: price(q),
      fair,
      implied: impliedOf(price(q)),
      fairPrice: fairPriceOf(fair),
      pool: 0.5,
      best: { book: "pinnacle", price: price(q) + 0.04 },
      edge: 0.01,
    };
  };
  const market = (key: string, line: number | null, outcomes: MarketOdds["outcomes"]): MarketOdds => ({ key, line, status: "open", arb: false, outcomes });
  return {
    id: `${sport}-${String(i).padStart(4, "0")}`,
    sport,
    league: `${sport} league`,
    home: `Home ${i}`,
    away: `Away ${i}`,
    title: `Home ${i} vs Away ${i}`,
    startsAt: new Date(Date.UTC(2026, 10, 23) + i * 3_600_000).toISOString(),
    status: "active",
    phase: i % 3 === 0 ? "live" : "prematch",
    score: i % 3 === 0 ? { home: 1, away: 0 } : null,
    markets: {
      h2h: market("h2h", null, { home: outcome("Home", p), away: outcome("Away", 1 - p) }),
      spreads: market("spreads", -1.5, { home: outcome("Home", 0.5, -1.5), away: outcome("Away", 0.5, 1.5) }),
      totals: market("totals", 2.5, { over: outcome("Over", 0.5, 2.5), under: outcome("Under", 0.5, 2.5) }),
    },
  };
}
