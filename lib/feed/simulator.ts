import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import type { ProductionReport } from "./heartbeat";
import type { ProducerHooks, Production } from "./leadership";
import { type Rng, driftProbabilities } from "./market-model";
import { type Fence, FencedError, NO_FENCE, fencedTransaction } from "./producer-term";
import { type SimMarket, type SimMarketRow, bookQuote, fullQuote, simulatorVouches, toSimMarket } from "./sim-market";
import { feedSuspendedMarkets, loadMarkets, requoteAndReopen, writePrices } from "./sim-store";

/**
 * The built-in odds source: moves bookmaker prices and places pool stakes in Postgres at a steady
 * pace, and now and then scores in a live event, so the demo board is alive from the first second.
 * It only writes rows; everything downstream (capture, publisher, relay) is the real path. Markets
 * the feed suspended (the publisher's bet stop) it re-quotes, then reopens (docs/odds-source.md,
 * "Bet stop").
 */

export interface SimulatorConfig {
  /** Book-market repricings per second across the whole board. */
  priceUpdatesPerSec: number;
  betsPerSec: number;
  /** Mean seconds between score changes in one live event. */
  scoreEverySec: number;
  /** Step of the random walk in log-odds per update. */
  drift: number;
}

export const DEFAULT_SIMULATOR_CONFIG: SimulatorConfig = { priceUpdatesPerSec: 6, betsPerSec: 1, scoreEverySec: 45, drift: 0.06 };

const STEP_MS = 100;
const REFRESH_MS = 30_000;
/**
 * How long past its last completed step the simulator vouches for its prices, ms: a few seconds
 * of slack for a slow database, after which a stuck or failing simulator stops vouching although
 * it still beats.
 */
export const SIMULATOR_VOUCH_MS = 3_000;
/** How often it looks for markets the feed suspended, ms. */
const RECOVER_EVERY_MS = 1_000;

export class Simulator implements Production {
  private markets: SimMarket[] = [];
  private timer: NodeJS.Timeout | null = null;
  private fence: Fence = NO_FENCE;
  private refreshedAt = 0;
  private recoveredAt = 0;
  private carry = { prices: 0, bets: 0, scores: 0 };
  private stepping: Promise<void> | null = null;
  private failing = false;
  private lastProducedAt: number | null = null;
  /** When a step last completed, writes due or not, ms since epoch (null: none yet). */
  private steppedAt: number | null = null;
  /** Between start and stop: once stopped (lease lost), the step in flight writes nothing more. */
  private producing = false;

  constructor(
    private readonly db: Db,
    private readonly config: SimulatorConfig,
    private readonly rng: Rng,
    private readonly log: Logger,
    private readonly hooks: ProducerHooks = { mayReopen: () => true, vouchNow: async () => {}, fenced: () => {} },
  ) {}

  /**
   * Starts simulating under `fence`: loads the board and steps every 100 ms; within a second (once
   * its beat as the active producer has landed) it re-quotes and reopens what the feed suspended.
   */
  async start(fence: Fence = NO_FENCE): Promise<void> {
    this.fence = fence;
    this.producing = true;
    this.refreshedAt = 0;
    this.recoveredAt = 0;
    this.timer = setInterval(() => void this.step(), STEP_MS);
    await this.step();
  }

  async stop(): Promise<void> {
    this.producing = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.stepping;
  }

  /** One 100 ms step (none while one is in flight: a slow database skips steps rather than piling them up). Never throws. */
  step(): Promise<void> {
    this.stepping ??= this.stepOnce().finally(() => {
      this.stepping = null;
    });
    return this.stepping;
  }

  /**
   * What its beat says: ok while its steps complete. It vouches for every sport it simulates until
   * SIMULATOR_VOUCH_MS past its last completed step; while its steps fail, it is stale with why
   * and vouches for nothing (the sports are listed with their vouch already passed, so the
   * publisher names the reason).
   */
  report(): ProductionReport {
    const failing = this.failing;
    const freshUntil = this.steppedAt === null ? null : failing ? this.steppedAt : this.steppedAt + SIMULATOR_VOUCH_MS;
    return {
      state: failing ? "stale" : "ok",
      reason: failing ? "the simulator cannot write to Postgres" : null,
      lastProducedAt: this.lastProducedAt,
      sports: freshUntil === null ? {} : simulatorVouches(this.markets, freshUntil),
    };
  }

  private async stepOnce(): Promise<void> {
    try {
      if (Date.now() - this.refreshedAt > REFRESH_MS) await this.refresh();
      if (this.producing && Date.now() - this.recoveredAt >= RECOVER_EVERY_MS) await this.recover();
      const seconds = STEP_MS / 1000;
      for (let n = this.due("prices", this.config.priceUpdatesPerSec * seconds); n > 0 && this.producing; n -= 1) await this.movePrice();
      for (let n = this.due("bets", this.config.betsPerSec * seconds); n > 0 && this.producing; n -= 1) await this.placeBet();
      const liveEvents = new Set(this.markets.filter((m) => m.live).map((m) => m.eventId)).size;
      for (let n = this.due("scores", (liveEvents * seconds) / this.config.scoreEverySec); n > 0 && this.producing; n -= 1) await this.score();
      if (this.failing) this.log.info("database reachable again; simulating");
      this.failing = false;
      this.steppedAt = Date.now();
    } catch (error) {
      if (error instanceof FencedError) return this.hooks.fenced(error);
      if (!this.failing) this.log.warn({ err: errorMessage(error) }, "simulator step failed; retrying");
      this.failing = true;
      this.refreshedAt = 0;
    }
  }

  private due(kind: keyof Simulator["carry"], expected: number): number {
    this.carry[kind] += expected;
    const whole = Math.floor(this.carry[kind]);
    this.carry[kind] -= whole;
    return whole;
  }

  /** Reloads the markets it moves (new events appear, ended ones drop out), keeping the walks it knows. */
  async refresh(): Promise<void> {
    const rows = await loadMarkets(this.db);
    const walks = new Map(this.markets.map((m) => [m.marketId, m.probabilities]));
    this.markets = rows.map((row) => toSimMarket(row, walks.get(row.id))).filter((market) => market !== null);
    this.refreshedAt = Date.now();
  }

  /**
   * Markets the feed suspended get fresh prices from every book, then reopen, in one transaction
   * (sim-store.ts). Only while the publisher can see this instance as live and its last step
   * completed: a producer it holds for down, or whose vouch lapsed, would have its markets
   * suspended again at once. Nothing is read until then, and a beat vouching afresh lands before
   * anything reopens.
   */
  async recover(): Promise<void> {
    this.recoveredAt = Date.now();
    if (this.failing || !this.hooks.mayReopen()) return;
    const suspended = await feedSuspendedMarkets(this.db);
    if (suspended.length === 0 || !this.producing) return;
    await this.hooks.vouchNow();
    const quote = (market: SimMarket) => {
      market.probabilities = driftProbabilities(market.probabilities, this.rng, this.config.drift);
      return fullQuote(market, this.rng);
    };
    const known = (row: SimMarketRow) => toSimMarket(row, this.markets.find((m) => m.marketId === row.id)?.probabilities);
    const { requoted, reopened } = await requoteAndReopen(this.db, this.fence, suspended, known, quote);
    if (requoted.length > 0) this.lastProducedAt = Date.now();
    if (reopened.length === 0) return;
    this.log.info({ requoted: requoted.length, reopened: reopened.length }, "re-quoted and reopened markets the feed had suspended");
    this.refreshedAt = 0; // their state changed: read it again
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.rng() * items.length)];
  }

  /** Drifts one market's true probabilities and reprices one bookmaker's whole market. */
  async movePrice(): Promise<void> {
    const market = this.pick(this.markets);
    if (!market) return;
    market.probabilities = driftProbabilities(market.probabilities, this.rng, this.config.drift * (market.live ? 2 : 1));
    const bookKey = this.pick([...market.books.keys()]);
    if (!bookKey) return;
    const write = bookQuote(market, bookKey, this.rng);
    await fencedTransaction(this.db, this.fence, (tx) => writePrices(tx, write));
    this.lastProducedAt = Date.now();
  }

  /** A bettor backs an outcome of an open market, more often the likelier one, with a long-tailed stake. */
  async placeBet(): Promise<void> {
    const market = this.pick(this.markets.filter((m) => m.tradable));
    if (!market) return;
    let r = this.rng();
    let index = market.probabilities.findIndex((p) => (r -= p) <= 0);
    if (index === -1) index = market.probabilities.length - 1;
    const outcomeId = market.outcomeIds[index];
    if (!outcomeId) return;
    const stake = Math.round((5 + 200 * this.rng() ** 3) * 100) / 100;
    const price = Math.max(1.01, Math.floor((1 / (market.probabilities[index] ?? 0.5)) * 100) / 100);
    const userId = `sim-${1 + Math.floor(this.rng() * 500)}`;
    await fencedTransaction(this.db, this.fence, (tx) => tx.bet.create({ data: { userId, outcomeId, stake, price } }));
  }

  /** A live event scores: one side's score goes up by one. */
  async score(): Promise<void> {
    const live = [...new Set(this.markets.filter((m) => m.live).map((m) => m.eventId))];
    const eventId = this.pick(live);
    if (!eventId) return;
    const side = this.rng() < 0.5 ? "homeScore" : "awayScore";
    await fencedTransaction(this.db, this.fence, (tx) =>
      tx.$executeRawUnsafe(`UPDATE "Event" SET "${side}" = COALESCE("${side}", 0) + 1, "updatedAt" = now() WHERE "id" = $1::uuid`, eventId),
    );
  }
}
