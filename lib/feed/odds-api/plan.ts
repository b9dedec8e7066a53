import { isMarketKey, marketQuotes, outcomeName, outcomePoint } from "./outcomes";
import { type BookQuote, type MarketKey, type OutcomeKey, type QualityDrops, cleanQuotes } from "./quality";
import type { ApiOddsEvent, ApiScoreEvent } from "./schemas";

/**
 * What one poll should leave in our tables, worked out before any database work (pure): per event,
 * its markets with the chosen line, our outcomes and the quotes that passed the quality filters.
 * The mapper (mapper.ts) only writes this down.
 */

export interface PlannedOutcome {
  key: OutcomeKey;
  name: string;
  point: number | null;
}

export interface PlannedMarket {
  key: MarketKey;
  line: number | null;
  outcomes: PlannedOutcome[];
  /** Quotes to write; a price dropped as a jump is missing from its book's prices. */
  quotes: BookQuote[];
}

export interface PlannedEvent {
  externalId: string;
  homeTeam: string;
  awayTeam: string;
  startsAt: Date;
  phase: "PREMATCH" | "LIVE";
  markets: PlannedMarket[];
}

/** The markets of one event we keep (those in `markets` we know), cleaned; drops are counted into `drops`. */
export function planEvent(event: ApiOddsEvent, markets: readonly string[], now: Date, drops: QualityDrops): PlannedEvent {
  const startsAt = new Date(event.commence_time);
  const planned: PlannedMarket[] = [];
  for (const key of markets.filter(isMarketKey)) {
    const matched = marketQuotes(event, key, drops);
    const { line, quotes } = cleanQuotes(key, matched.quotes, matched.keys, drops);
    if (quotes.length === 0) continue; // nothing usable: any prices we hold for it are removed
    const outcomes = matched.keys.map((k) => ({ key: k, name: outcomeName(event, k), point: outcomePoint(key, k, line) }));
    planned.push({ key, line, outcomes, quotes });
  }
  return {
    externalId: event.id,
    homeTeam: event.home_team,
    awayTeam: event.away_team,
    startsAt,
    phase: startsAt.getTime() <= now.getTime() ? "LIVE" : "PREMATCH",
    markets: planned,
  };
}

/**
 * When a market's cleaned quotes were last wholly fresh: the newest `lastUpdate` of a book that
 * quotes every outcome (a consensus needs a complete book), or null when no book does. A market
 * the feed suspended may reopen only on a complete book updated after the suspension, so a poll
 * that brings books which have not re-priced since (a goal, an outage) reopens nothing.
 * @example completeBookAt({ outcomes: [home, away], quotes: [{ lastUpdate: t1, prices: { home, away } }, { lastUpdate: t2, prices: { home } }] }) // t1
 */
export function completeBookAt(market: Pick<PlannedMarket, "outcomes" | "quotes">): Date | null {
  let newest: Date | null = null;
  for (const quote of market.quotes) {
    if (!market.outcomes.every((o) => quote.prices[o.key] !== undefined)) continue;
    if (newest === null || quote.lastUpdate > newest) newest = quote.lastUpdate;
  }
  return newest;
}

/** The first of each provider id (a repeated id would make one bulk upsert touch a row twice). */
export function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}

/** A score as the provider sends it ("3"); null unless it is a whole number. */
export function parseScore(score: string | undefined): number | null {
  return score !== undefined && /^\s*\d{1,6}\s*$/.test(score) ? Number.parseInt(score, 10) : null;
}

/** Home and away scores of a scores item, by team name; null unless both are there. */
export function finalScore(item: Pick<ApiScoreEvent, "home_team" | "away_team" | "scores">): { home: number; away: number } | null {
  const of = (team: string) => parseScore(item.scores?.find((s) => s.name.trim().toLowerCase() === team.trim().toLowerCase())?.score);
  const home = of(item.home_team);
  const away = of(item.away_team);
  return home === null || away === null ? null : { home, away };
}

export interface EventState {
  status: string;
  phase: string;
  homeScore: number | null;
  awayScore: number | null;
}

/**
 * What a scores item changes on an event we hold, or null for nothing. An event that is over
 * (ENDED, CANCELLED) is never touched. A completed event ends only with both scores: settlement
 * needs them, and an event ended without them could not be settled by anyone (docs/odds-source.md).
 */
export function scoreChange(current: EventState, item: ApiScoreEvent, now: Date): EventState | null {
  if (current.status !== "ACTIVE" && current.status !== "SUSPENDED") return null;
  const score = finalScore(item);
  const started = item.scores !== null || new Date(item.commence_time).getTime() <= now.getTime() || item.completed;
  const next: EventState = {
    status: item.completed && score ? "ENDED" : current.status,
    phase: started ? "LIVE" : current.phase,
    homeScore: score ? score.home : current.homeScore,
    awayScore: score ? score.away : current.awayScore,
  };
  const same = next.status === current.status && next.phase === current.phase && next.homeScore === current.homeScore && next.awayScore === current.awayScore;
  return same ? null : next;
}
