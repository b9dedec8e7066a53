/**
 * Data-quality filters applied to one event's market, after its outcomes were matched
 * (outcomes.ts) and before anything is written. Pure. Each drop is counted by reason; the rules,
 * their thresholds and why are in docs/odds-source.md, "Data quality". Order matters: a book's
 * market is judged whole first (range, overround, other_line), then single prices (jump), so each
 * drop has exactly one reason.
 */

export type OutcomeKey = "home" | "draw" | "away" | "over" | "under";
export type MarketKey = "h2h" | "spreads" | "totals";

export type DropReason = "range" | "overround" | "jump" | "unmatched" | "other_line";
/**
 * Drops by reason. Units follow the rule: range, jump and unmatched count prices (outcome quotes);
 * overround and other_line count a bookmaker's whole market.
 */
export type QualityDrops = Record<DropReason, number>;

/** One bookmaker's matched quote of one market. */
export interface BookQuote {
  book: string;
  /** The bookmaker's (or its market's) last_update. */
  lastUpdate: Date;
  /** Spreads: the home side's point; totals: the total; h2h: null. */
  line: number | null;
  /** Decimal prices by outcome key. */
  prices: Partial<Record<OutcomeKey, number>>;
}

/** Decimal prices outside this are typos or placeholders (1.0 = "no bet", 9999 = "off"). */
export const PRICE_RANGE = { min: 1.01, max: 1000 } as const;
/** Σ 1/price of a complete book: below min is an arbitrage inside one book, above max no real book's margin. */
export const OVERROUND_RANGE = { min: 0.97, max: 1.3 } as const;
/**
 * A book's margin-free probability is a jump when it is more than `absolute` from the median of
 * the books quoting that outcome, or its odds differ by more than a factor `oddsRatio` (for
 * long shots, where 0.10 absolute is never reached). Judged only with at least `minBooks` books.
 */
export const JUMP = { absolute: 0.1, oddsRatio: 3, minBooks: 3 } as const;

export function emptyDrops(): QualityDrops {
  return { range: 0, overround: 0, jump: 0, unmatched: 0, other_line: 0 };
}

/** Σ 1/price: 1 is a fair book, 1.05 a 5 % margin. @example overround([1.9, 1.9]) // ≈ 1.0526 */
export function overround(prices: readonly number[]): number {
  return prices.reduce((sum, price) => sum + 1 / price, 0);
}

function pricesOf(quote: BookQuote, keys: readonly OutcomeKey[]): number[] {
  return keys.map((key) => quote.prices[key] ?? Number.NaN);
}

/**
 * Drops a book's market when any of its prices is outside {@link PRICE_RANGE}; counts each such
 * price as `range`. Its other prices go too: with one side missing, its margin cannot be checked.
 */
export function dropOutOfRange(quotes: readonly BookQuote[], keys: readonly OutcomeKey[], drops: QualityDrops): BookQuote[] {
  return quotes.filter((quote) => {
    const bad = pricesOf(quote, keys).filter((p) => !(p >= PRICE_RANGE.min && p <= PRICE_RANGE.max)).length;
    drops.range += bad;
    return bad === 0;
  });
}

/** Drops a book's market whose overround is outside {@link OVERROUND_RANGE} (`overround`, one per market). */
export function dropAbsurdOverround(quotes: readonly BookQuote[], keys: readonly OutcomeKey[], drops: QualityDrops): BookQuote[] {
  return quotes.filter((quote) => {
    const total = overround(pricesOf(quote, keys));
    const ok = total >= OVERROUND_RANGE.min && total <= OVERROUND_RANGE.max;
    if (!ok) drops.overround += 1;
    return ok;
  });
}

/** The book's margin-free probability of the first outcome (how far from an even market it is). */
function firstFair(quote: BookQuote, keys: readonly OutcomeKey[]): number {
  const prices = pricesOf(quote, keys);
  return 1 / (prices[0] ?? Number.NaN) / overround(prices);
}

/**
 * The line most books quote; on a tie, the one whose books price closest to even (mean margin-free
 * probability of the first outcome nearest 0.5), then the lower line. Null when no quote has a line.
 * @example chooseLine([q(-1.5), q(-1.5), q(-2.5)], keys) // -1.5
 */
export function chooseLine(quotes: readonly BookQuote[], keys: readonly OutcomeKey[]): number | null {
  const byLine = new Map<number, BookQuote[]>();
  for (const quote of quotes) if (quote.line !== null) byLine.set(quote.line, [...(byLine.get(quote.line) ?? []), quote]);
  let best: { line: number; count: number; distance: number } | null = null;
  for (const [line, onLine] of byLine) {
    const distance = onLine.reduce((sum, q) => sum + Math.abs(firstFair(q, keys) - 0.5), 0) / onLine.length;
    const candidate = { line, count: onLine.length, distance };
    if (best === null || isBetterLine(candidate, best)) best = candidate;
  }
  return best?.line ?? null;
}

function isBetterLine(a: { line: number; count: number; distance: number }, b: { line: number; count: number; distance: number }): boolean {
  if (a.count !== b.count) return a.count > b.count;
  if (Math.abs(a.distance - b.distance) > 1e-12) return a.distance < b.distance;
  return a.line < b.line;
}

/** Keeps the quotes on `line`; each book's market on another line counts as `other_line`. */
export function dropOtherLines(quotes: readonly BookQuote[], line: number | null, drops: QualityDrops): BookQuote[] {
  return quotes.filter((quote) => {
    const ok = quote.line === line;
    if (!ok) drops.other_line += 1;
    return ok;
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** Whether probability p is a jump from the median m (see {@link JUMP}). */
export function isJump(p: number, m: number): boolean {
  if (Math.abs(p - m) > JUMP.absolute) return true;
  const ratio = p / (1 - p) / (m / (1 - m));
  return ratio > JUMP.oddsRatio || ratio < 1 / JUMP.oddsRatio;
}

/**
 * Drops single prices far from the other books (`jump`, one per price). Per outcome, with at least
 * {@link JUMP.minBooks} books, each book's margin-free probability is compared with the median of
 * all of them. The median includes the book itself: with three books the median of the other two
 * would be their mean, which one bad book drags. Only a minority is ever dropped: when half the
 * books or more disagree with the median, there is no consensus to call them outliers against.
 * Returns new quotes (a dropped price is removed from its book's prices).
 */
export function dropJumps(quotes: readonly BookQuote[], keys: readonly OutcomeKey[], drops: QualityDrops): BookQuote[] {
  const kept = quotes.map((quote) => ({ ...quote, prices: { ...quote.prices } }));
  if (kept.length < JUMP.minBooks) return kept;
  const fair = quotes.map((quote) => {
    const prices = pricesOf(quote, keys);
    const total = overround(prices);
    return prices.map((price) => 1 / price / total);
  });
  keys.forEach((key, i) => {
    const column = fair.map((row) => row[i] ?? Number.NaN);
    const m = median(column);
    const flagged = column.flatMap((p, b) => (isJump(p, m) ? [b] : []));
    if (flagged.length * 2 >= column.length) return;
    for (const b of flagged) delete kept[b]?.prices[key];
    drops.jump += flagged.length;
  });
  return kept;
}

/**
 * Every filter in order, for one market whose quotes are complete over `keys`. Returns the line
 * chosen (null for h2h) and the quotes to write.
 */
export function cleanQuotes(
  market: MarketKey,
  quotes: readonly BookQuote[],
  keys: readonly OutcomeKey[],
  drops: QualityDrops,
): { line: number | null; quotes: BookQuote[] } {
  let kept = dropAbsurdOverround(dropOutOfRange(quotes, keys, drops), keys, drops);
  const line = market === "h2h" ? null : chooseLine(kept, keys);
  if (market !== "h2h") kept = dropOtherLines(kept, line, drops);
  return { line, quotes: dropJumps(kept, keys, drops) };
}
