import type { BookQuote, MarketKey, OutcomeKey, QualityDrops } from "./quality";
import type { ApiBookmaker, ApiOddsEvent, ApiOutcome } from "./schemas";

/**
 * Matching the provider's outcomes onto ours (pure): h2h by team name (home/away) or "Draw",
 * spreads by team name with a point, totals "Over"/"Under" with a point. A quote that cannot be
 * matched counts as `unmatched`, and so does a book's market that does not quote exactly the
 * market's outcomes: it is dropped whole, since its margin cannot be checked on a partial set.
 */

export const MARKET_KEYS: readonly MarketKey[] = ["h2h", "spreads", "totals"];

export function isMarketKey(key: string): key is MarketKey {
  return (MARKET_KEYS as readonly string[]).includes(key);
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Our key for one provider outcome of `market`, or null when it cannot be matched. */
export function outcomeKey(event: Pick<ApiOddsEvent, "home_team" | "away_team">, market: MarketKey, outcome: ApiOutcome): OutcomeKey | null {
  if (market === "totals") {
    if (outcome.point === undefined) return null;
    return same(outcome.name, "over") ? "over" : same(outcome.name, "under") ? "under" : null;
  }
  if (market === "spreads" && outcome.point === undefined) return null;
  if (same(outcome.name, event.home_team)) return "home";
  if (same(outcome.name, event.away_team)) return "away";
  return market === "h2h" && same(outcome.name, "draw") ? "draw" : null;
}

/** The outcome name we store and show, as the seed names them. */
export function outcomeName(event: Pick<ApiOddsEvent, "home_team" | "away_team">, key: OutcomeKey): string {
  return { home: event.home_team, away: event.away_team, draw: "Draw", over: "Over", under: "Under" }[key];
}

/** Our outcome's point on `line`: the home handicap, the away one mirrored, the total for both sides of a total. */
export function outcomePoint(market: MarketKey, key: OutcomeKey, line: number | null): number | null {
  if (line === null || market === "h2h") return null;
  return key === "away" ? -line : line;
}

interface Matched {
  book: string;
  lastUpdate: Date;
  prices: Partial<Record<OutcomeKey, number>>;
  points: Partial<Record<OutcomeKey, number>>;
}

/** One book's quote of `market` with its outcomes matched; unmatched or repeated outcomes are counted and left out. */
function matchBook(event: ApiOddsEvent, bookmaker: ApiBookmaker, market: MarketKey, drops: QualityDrops): Matched | null {
  const quoted = bookmaker.markets.find((m) => m.key === market);
  if (!quoted) return null;
  const matched: Matched = { book: bookmaker.key, lastUpdate: new Date(quoted.last_update ?? bookmaker.last_update), prices: {}, points: {} };
  for (const outcome of quoted.outcomes) {
    const key = outcomeKey(event, market, outcome);
    if (key === null || matched.prices[key] !== undefined) {
      drops.unmatched += 1;
      continue;
    }
    matched.prices[key] = outcome.price;
    if (outcome.point !== undefined) matched.points[key] = outcome.point;
  }
  return matched;
}

/** The market's line as this book quotes it, or undefined when its points disagree (a spread not mirrored, a total with two points). */
function lineOf(market: MarketKey, points: Matched["points"]): number | null | undefined {
  if (market === "h2h") return null;
  if (market === "spreads") return points.home !== undefined && points.away === -points.home ? points.home : undefined;
  return points.over !== undefined && points.over === points.under ? points.over : undefined;
}

/**
 * Our outcome keys for `market`: h2h is three-way when at least half the books quoting it send a
 * "Draw" (one stray book cannot turn a two-way market three-way, or the reverse).
 */
export function marketOutcomeKeys(market: MarketKey, matched: readonly { prices: Matched["prices"] }[]): OutcomeKey[] {
  if (market === "totals") return ["over", "under"];
  if (market === "spreads") return ["home", "away"];
  const draws = matched.filter((m) => m.prices.draw !== undefined).length;
  return matched.length > 0 && draws * 2 >= matched.length ? ["home", "draw", "away"] : ["home", "away"];
}

/**
 * Every book's matched quote of `market` for one event, and the market's outcome keys. A book
 * whose matched outcomes are not exactly those keys, or whose points disagree, is dropped whole
 * and counted as `unmatched` (once per missing or surplus outcome, at least once); so is a
 * bookmaker listed twice (its first quote is kept).
 */
export function marketQuotes(event: ApiOddsEvent, market: MarketKey, drops: QualityDrops): { keys: OutcomeKey[]; quotes: BookQuote[] } {
  const matched = event.bookmakers.flatMap((bookmaker) => matchBook(event, bookmaker, market, drops) ?? []);
  const keys = marketOutcomeKeys(market, matched);
  const quotes: BookQuote[] = [];
  const seen = new Set<string>();
  for (const m of matched) {
    if (seen.has(m.book)) {
      drops.unmatched += 1; // the same bookmaker twice in one event: keep its first quote
      continue;
    }
    seen.add(m.book);
    const have = Object.keys(m.prices) as OutcomeKey[];
    const mismatch = keys.filter((k) => m.prices[k] === undefined).length + have.filter((k) => !keys.includes(k)).length;
    const line = lineOf(market, m.points);
    if (mismatch > 0 || line === undefined) {
      drops.unmatched += Math.max(1, mismatch);
      continue;
    }
    quotes.push({ book: m.book, lastUpdate: m.lastUpdate, line, prices: m.prices });
  }
  return { keys, quotes };
}
