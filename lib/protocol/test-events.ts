import { type EventOdds, type MarketOdds, type OutcomeOdds, fairPriceOf, impliedOf } from "./odds";

/**
 * Builders for tests: a valid EventOdds with overridable parts. `implied` and `fairPrice` follow
 * the price and fair given (as the publisher derives them) unless given themselves.
 */
export function outcome(price: number, extra: Partial<OutcomeOdds> = {}): OutcomeOdds {
  const fair = extra.fair === undefined ? 0.5 : extra.fair;
  const derived = { implied: impliedOf(extra.price ?? price), fairPrice: fairPriceOf(fair) };
  return { name: "X", point: null, price, fair, ...derived, pool: 0.5, best: { book: "pinnacle", price: price + 0.05 }, edge: 0.01, ...extra };
}

export function market(key: string, outcomes: Record<string, OutcomeOdds>, extra: Partial<MarketOdds> = {}): MarketOdds {
  return { key, line: null, status: "open", arb: false, outcomes, ...extra };
}

export function eventOdds(id: string, extra: Partial<EventOdds> = {}): EventOdds {
  return {
    id,
    sport: "soccer_epl",
    league: "Premier League",
    home: "Home FC",
    away: "Away FC",
    title: "Home FC vs Away FC",
    startsAt: "2026-11-23T15:00:00.000Z",
    status: "active",
    phase: "prematch",
    score: null,
    markets: { h2h: market("h2h", { home: outcome(2.1), draw: outcome(3.4), away: outcome(3.6) }) },
    ...extra,
  };
}
