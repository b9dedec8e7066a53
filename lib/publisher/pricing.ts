import type { Prisma } from "../generated/prisma/client";
import { type MarginMethod, priceMarket } from "../odds";
import { ESPORTS_SPORT_KEY, type EventOdds, type MarketOdds, type OutcomeOdds, boardSport, fairPriceOf, impliedOf, roundTo } from "../protocol";

/** What the publisher reads for one event: explicit select, one round trip for all changed events. */
export const eventOddsSelect = {
  id: true,
  sport: true,
  isEsports: true,
  league: true,
  homeTeam: true,
  awayTeam: true,
  title: true,
  startsAt: true,
  status: true,
  phase: true,
  homeScore: true,
  awayScore: true,
  sportRef: { select: { active: true } },
  markets: {
    where: { status: { in: ["OPEN", "SUSPENDED"] } },
    select: {
      key: true,
      line: true,
      status: true,
      outcomes: {
        select: {
          id: true,
          key: true,
          name: true,
          point: true,
          stakeTotal: true,
          prices: { select: { id: true, bookmaker: true, price: true, lastUpdate: true } },
        },
      },
    },
  },
} satisfies Prisma.EventSelect;

export type EventRow = Prisma.EventGetPayload<{ select: typeof eventOddsSelect }>;

export interface PricingConfig {
  /** House margin m, e.g. 0.05. */
  margin: number;
  /** Liquidity constant L of the pool blend, in stake units. */
  liquidity: number;
  method?: MarginMethod;
  /**
   * A bookmaker whose last update of a market is this much older (ms) than the market's freshest
   * price leaves the consensus (unset: every price counts). Measured against the market's freshest
   * price, not the clock: when the whole source goes quiet the last good prices stay (and the feed
   * says stale), while one book that stopped updating drops out as soon as the others move on.
   * A book's age is that of its newest price in the market: sources write only the prices that
   * moved, and an unmoved price was quoted again with the moved one.
   */
  bookMaxAgeMs?: number;
}

/**
 * Whether an event is on the live board: ACTIVE (tradable) or SUSPENDED (shown, not tradable),
 * with a sport or flagged esports (as the original publisher's query), and its sport switched on.
 */
export function isOnBoard(row: EventRow): boolean {
  if (row.status !== "ACTIVE" && row.status !== "SUSPENDED") return false;
  if (boardSport(row) === null) return false;
  return row.sportRef?.active !== false;
}

const OUTCOME_ORDER = ["home", "draw", "away", "over", "under"];

/**
 * Wire precision for probabilities and edges: 4 decimal places. Finer digits are noise to a
 * bettor, and rounding keeps a recomputation with unchanged inputs from emitting a delta.
 * `roundTo` never gives -0: JSON has no -0, so a -0 held in memory would differ from the same
 * state read back from Redis.
 */
const WIRE_PLACES = 4;

/** Builds the wire form of one event, pricing every open or suspended market. */
export function toEventOdds(row: EventRow, config: PricingConfig): EventOdds {
  const markets: Record<string, MarketOdds> = {};
  for (const market of [...row.markets].sort((a, b) => a.key.localeCompare(b.key))) {
    if (market.outcomes.length < 2) continue; // not a market yet: nothing to price
    markets[market.key] = toMarketOdds(market, config);
  }
  const score = row.homeScore !== null && row.awayScore !== null ? { home: row.homeScore, away: row.awayScore } : null;
  return {
    id: row.id,
    sport: boardSport(row) ?? ESPORTS_SPORT_KEY,
    league: row.league,
    home: row.homeTeam,
    away: row.awayTeam,
    title: row.title,
    startsAt: row.startsAt.toISOString(),
    status: row.status === "SUSPENDED" ? "suspended" : "active",
    phase: row.phase === "LIVE" ? "live" : "prematch",
    score,
    markets,
  };
}

export type MarketRow = EventRow["markets"][number];

/**
 * Prices one market (what a patched price or pool total needs, without the rest of its event).
 * No books, no market: without a bookmaker consensus from fresh prices (every `fair` null) the
 * market is `suspended`, whatever its row says, so the pool alone never prices a bet; it opens
 * again, as its row says, once books return (docs/odds.md, "No books, no market").
 */
export function toMarketOdds(market: MarketRow, config: PricingConfig): MarketOdds {
  const outcomes = [...market.outcomes].sort(byOutcomeOrder);
  const fresh = freshPrices(outcomes, config.bookMaxAgeMs);
  // A price without a bookmaker key cannot be attributed as "best at …": leave it out.
  const bookKeys = [...new Set(outcomes.flatMap((o) => o.prices.filter(fresh).map((p) => p.bookmaker)))].filter((key) => key.trim() !== "").sort();
  const books = bookKeys.map((book) => ({
    book,
    prices: outcomes.map((o) => o.prices.find((p) => p.bookmaker === book && fresh(p))?.price ?? null),
  }));
  const priced = priceMarket({
    books,
    stakes: outcomes.map((o) => Number(o.stakeTotal)),
    margin: config.margin,
    liquidity: config.liquidity,
    method: config.method,
  });
  const result: Record<string, OutcomeOdds> = {};
  outcomes.forEach((outcome, i) => {
    const p = priced.outcomes[i];
    if (!p) return;
    const fair = p.fair === null ? null : roundTo(p.fair, WIRE_PLACES);
    result[outcome.key] = {
      name: outcome.name,
      point: outcome.point,
      price: p.price,
      fair,
      // Derived from the wire values, so each moves exactly when its source does.
      implied: impliedOf(p.price),
      fairPrice: fairPriceOf(fair),
      pool: roundTo(p.pool, WIRE_PLACES),
      best: p.best,
      edge: p.edge === null ? null : roundTo(p.edge, WIRE_PLACES),
    };
  });
  const consensus = priced.outcomes.some((outcome) => outcome.fair !== null);
  return { key: market.key, line: market.line, status: market.status === "SUSPENDED" || !consensus ? "suspended" : "open", arb: priced.arb, outcomes: result };
}

/** Which prices of a market are fresh enough to count: those of books updated recently enough (see PricingConfig.bookMaxAgeMs). */
export function freshPrices(outcomes: MarketRow["outcomes"], maxAgeMs: number | undefined): (price: { bookmaker: string }) => boolean {
  if (maxAgeMs === undefined) return () => true;
  const bookUpdated = new Map<string, number>();
  for (const outcome of outcomes) {
    for (const price of outcome.prices)
      bookUpdated.set(price.bookmaker, Math.max(bookUpdated.get(price.bookmaker) ?? Number.NEGATIVE_INFINITY, price.lastUpdate.getTime()));
  }
  const freshest = Math.max(...bookUpdated.values());
  return (price) => freshest - (bookUpdated.get(price.bookmaker) ?? Number.NEGATIVE_INFINITY) <= maxAgeMs;
}

function byOutcomeOrder(a: { key: string }, b: { key: string }): number {
  const ia = OUTCOME_ORDER.indexOf(a.key);
  const ib = OUTCOME_ORDER.indexOf(b.key);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  return a.key.localeCompare(b.key);
}
