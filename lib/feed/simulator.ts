import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import { DEMO_BOOKS, type Book, bookPrices, driftProbabilities, type Rng } from "./market-model";

/**
 * The built-in odds source: moves bookmaker prices and places pool stakes in Postgres at a steady
 * pace, and now and then scores in a live event, so the demo board is alive from the first second.
 * It only writes rows; everything downstream (capture, publisher, relay) is the real path.
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

interface SimMarket {
  eventId: string;
  live: boolean;
  /** Outcome ids in a fixed order, and our running "true" probabilities for them. */
  outcomeIds: string[];
  probabilities: number[];
  /** bookmaker → BookPrice ids aligned with outcomeIds (null where the book has no price). */
  books: Map<string, (string | null)[]>;
}

const STEP_MS = 100;
const REFRESH_MS = 30_000;

export class Simulator {
  private markets: SimMarket[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refreshedAt = 0;
  private carry = { prices: 0, bets: 0, scores: 0 };
  private busy = false;
  private failing = false;

  constructor(
    private readonly db: Db,
    private readonly config: SimulatorConfig,
    private readonly rng: Rng,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.step(), STEP_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** One 100 ms step: the due repricings, bets and score changes. Never throws. */
  async step(): Promise<void> {
    if (this.busy) return; // a slow database skips steps rather than piling them up
    this.busy = true;
    try {
      if (Date.now() - this.refreshedAt > REFRESH_MS) await this.refresh();
      const seconds = STEP_MS / 1000;
      for (let n = this.due("prices", this.config.priceUpdatesPerSec * seconds); n > 0; n -= 1) await this.movePrice();
      for (let n = this.due("bets", this.config.betsPerSec * seconds); n > 0; n -= 1) await this.placeBet();
      const liveEvents = new Set(this.markets.filter((m) => m.live).map((m) => m.eventId)).size;
      for (let n = this.due("scores", (liveEvents * seconds) / this.config.scoreEverySec); n > 0; n -= 1) await this.score();
      if (this.failing) this.log.info("database reachable again; simulating");
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: errorMessage(error) }, "simulator step failed; retrying");
      this.failing = true;
      this.refreshedAt = 0;
    } finally {
      this.busy = false;
    }
  }

  private due(kind: keyof Simulator["carry"], expected: number): number {
    this.carry[kind] += expected;
    const whole = Math.floor(this.carry[kind]);
    this.carry[kind] -= whole;
    return whole;
  }

  /** Reloads the open markets of tradable events (new events appear, ended ones drop out). */
  async refresh(): Promise<void> {
    const rows = await this.db.market.findMany({
      where: { status: "OPEN", event: { status: "ACTIVE" } },
      select: {
        eventId: true,
        event: { select: { phase: true } },
        outcomes: { orderBy: { key: "asc" }, select: { id: true, prices: { select: { id: true, bookmaker: true, price: true } } } },
      },
    });
    const previous = new Map(this.markets.map((m) => [m.outcomeIds.join(), m.probabilities]));
    this.markets = rows
      .filter((row) => row.outcomes.length >= 2)
      .map((row) => {
        const outcomeIds = row.outcomes.map((o) => o.id);
        const books = new Map<string, (string | null)[]>();
        for (const [i, outcome] of row.outcomes.entries()) {
          for (const price of outcome.prices) {
            const ids = books.get(price.bookmaker) ?? outcomeIds.map(() => null);
            ids[i] = price.id;
            books.set(price.bookmaker, ids);
          }
        }
        const probabilities = previous.get(outcomeIds.join()) ?? impliedFromBooks(row.outcomes);
        return { eventId: row.eventId, live: row.event.phase === "LIVE", outcomeIds, probabilities, books };
      });
    this.refreshedAt = Date.now();
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.rng() * items.length)];
  }

  /** Drifts one market's true probabilities and reprices one bookmaker's whole market. */
  async movePrice(): Promise<void> {
    const market = this.pick(this.markets);
    if (!market) return;
    market.probabilities = driftProbabilities(market.probabilities, this.rng, this.config.drift * (market.live ? 2 : 1));
    const [bookKey, priceIds] = this.pick([...market.books]) ?? [];
    if (!bookKey || !priceIds) return;
    const book: Book = DEMO_BOOKS.find((b) => b.key === bookKey) ?? { key: bookKey, margin: 0.05 };
    const prices = bookPrices(market.probabilities, book, this.rng);
    const ids: string[] = [];
    const values: number[] = [];
    priceIds.forEach((id, i) => {
      if (id !== null) {
        ids.push(id);
        values.push(prices[i] ?? 1.01);
      }
    });
    await this.db.$executeRaw`
      UPDATE "BookPrice" AS b SET "price" = v.price, "lastUpdate" = now(), "updatedAt" = now()
      FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${values}::float8[]) AS price) AS v
      WHERE b."id" = v.id`;
  }

  /** A bettor backs an outcome, more often the likelier one, with a long-tailed stake. */
  async placeBet(): Promise<void> {
    const market = this.pick(this.markets);
    if (!market) return;
    let r = this.rng();
    let index = market.probabilities.findIndex((p) => (r -= p) <= 0);
    if (index === -1) index = market.probabilities.length - 1;
    const outcomeId = market.outcomeIds[index];
    if (!outcomeId) return;
    const stake = Math.round((5 + 200 * this.rng() ** 3) * 100) / 100;
    const price = Math.max(1.01, Math.floor((1 / (market.probabilities[index] ?? 0.5)) * 100) / 100);
    await this.db.bet.create({ data: { userId: `sim-${1 + Math.floor(this.rng() * 500)}`, outcomeId, stake, price } });
  }

  /** A live event scores: one side's score goes up by one. */
  async score(): Promise<void> {
    const live = [...new Set(this.markets.filter((m) => m.live).map((m) => m.eventId))];
    const eventId = this.pick(live);
    if (!eventId) return;
    const side = this.rng() < 0.5 ? "homeScore" : "awayScore";
    await this.db.$executeRawUnsafe(`UPDATE "Event" SET "${side}" = COALESCE("${side}", 0) + 1, "updatedAt" = now() WHERE "id" = $1::uuid`, eventId);
  }
}

function impliedFromBooks(outcomes: { prices: { price: number }[] }[]): number[] {
  const implied = outcomes.map((o) => {
    const prices = o.prices.map((p) => p.price).filter((p) => p > 1);
    return prices.length ? prices.reduce((sum, p) => sum + 1 / p, 0) / prices.length : 1 / outcomes.length;
  });
  const total = implied.reduce((a, b) => a + b, 0);
  return implied.map((p) => p / total);
}
