import type { BestPrice } from "./best-price";
import { consensusOfImplied } from "./consensus";
import { OddsInputError, describeValue } from "./errors";
import { blendInto, formulaPrice, offeredPrice, priceCap, pricingArguments } from "./hybrid";
import type { PriceLadder } from "./price-ladder";
import type { MarginMethod } from "./margin-method";
import { isValidPrice } from "./validation";

/** One bookmaker's prices for a market as the feed delivers them: null where it has no price. */
export interface MarketBook {
  /** Bookmaker key, e.g. "pinnacle". */
  book: string;
  /** Decimal odds per outcome, in outcome order; null (or any unusable value) = no price. */
  prices: readonly (number | null)[];
}

/** Inputs of {@link priceMarket}: as for hybridOdds, but books may be incomplete or messy. */
export interface PriceMarketInput {
  books: readonly MarketBook[];
  /** Money staked on our site per outcome (≥ 0); its length fixes the number of outcomes n. */
  stakes: readonly number[];
  /** House margin m as a fraction in [0, 1). */
  margin: number;
  /** Liquidity constant L ≥ 0, stake currency units. */
  liquidity: number;
  method?: MarginMethod;
  ladder?: PriceLadder;
}

/** One priced outcome, as the publisher puts it on the wire. */
export interface MarketOutcome {
  /** Offered decimal odds (see hybridOdds step 4): never longer than `best` or 1/(fair·(1 + m)). */
  price: number;
  /** Bookmaker consensus probability f_i; null when no book has a complete, usable set. */
  fair: number | null;
  /** Pool share q_i = S_i/ΣS; 0 when nothing is staked. */
  pool: number;
  /** Blended probability p_i behind the price. */
  blended: number;
  /** Highest usable price for this outcome across all books quoting it; null when none does. */
  best: BestPrice | null;
  /** best.price · fair − 1, when both exist; else null. */
  edge: number | null;
}

/** Result of {@link priceMarket}. */
export interface PricedMarket {
  outcomes: MarketOutcome[];
  /** True when every outcome has a best price and Σ 1/best_i < 1. */
  arb: boolean;
  /** Overround of the prices WE offer: Σ 1/price_i − 1 (after clamping and ladder rounding). */
  overround: number;
}

// Scratch reused across calls (grown on demand): priceMarket runs for every changed market every
// 500 ms, so its only allocations are the objects it returns.
let implied = new Float64Array(256);
let fair = new Float64Array(16);
let blended = new Float64Array(16);
let bestPrice = new Float64Array(16);
let bestBook = new Int32Array(16);

/**
 * Prices one market from live feed data: hybrid odds plus best bookmaker price, edge and an
 * arbitrage flag (docs/odds.md). The single call the publisher makes per changed market.
 *
 * The price cap uses the same `best` the wire carries — the highest usable quote from ANY book,
 * complete or not — so an offered price never exceeds the best price shown beside it. A book that
 * quotes only some outcomes still caps those outcomes, even when no consensus exists.
 *
 * Feed data never makes it throw: a price that is null, NaN, ±Infinity, ≤ 1 or not a number counts
 * as "no price" — it is skipped for the best price, and makes that book incomplete, so the book is
 * left out of the consensus (only books pricing every outcome count). A book whose `book` key is
 * not a string is ignored. Our own arguments still throw OddsInputError: stakes (negative, NaN,
 * fewer than 2), margin, liquidity, method, ladder, `books` not an array, a book that is not an
 * object or whose `prices` is not an array of exactly stakes.length entries.
 *
 * @example
 * priceMarket({
 *   books: [{ book: "a", prices: [1.9, 1.9] }, { book: "b", prices: [1.95, null] }],
 *   stakes: [0, 0], margin: 0.05, liquidity: 1000,
 * }) // fair [0.5, 0.5] from "a" alone (b is incomplete); best = b's 1.95 and a's 1.9;
 *    // arb false (1/1.95 + 1/1.9 ≈ 1.039); prices 1.9 (1/(0.5·1.05) ≈ 1.905 rounded down; capping
 *    // at min(1.905, best) gives the same 1.9)
 */
export function priceMarket(input: PriceMarketInput): PricedMarket {
  const { books, stakes, margin, liquidity } = input;
  const { method, ladder, total } = pricingArguments(input);
  const n = stakes.length;
  reserve(books.length, n);
  const complete = collectBooks(books, n);
  const hasFair = complete > 0 && consensusOfImplied(implied, complete, n, method, fair) > 0;
  blendInto(hasFair ? fair : null, stakes, total, liquidity, blended);
  return assemble(books, stakes, total, margin, ladder, hasFair);
}

function reserve(bookCount: number, n: number): void {
  if (implied.length < bookCount * n) implied = new Float64Array(bookCount * n * 2);
  if (fair.length < n) {
    fair = new Float64Array(n * 2);
    blended = new Float64Array(n * 2);
    bestPrice = new Float64Array(n * 2);
    bestBook = new Int32Array(n * 2);
  }
  bestPrice.fill(0, 0, n);
  bestBook.fill(-1, 0, n);
}

/**
 * Records the best usable price per outcome and packs the implied probabilities of complete books
 * into consecutive rows of `implied`. Returns the number of complete books.
 */
function collectBooks(books: readonly MarketBook[], n: number): number {
  let complete = 0;
  for (let b = 0; b < books.length; b++) {
    const entry: unknown = books[b];
    const prices = typeof entry === "object" && entry !== null ? (entry as MarketBook).prices : undefined;
    if (!Array.isArray(prices) || prices.length !== n) {
      throw new OddsInputError(`books[${b}].prices must be an array of ${n} prices (null where missing), got ${describeValue(prices)}`, prices);
    }
    if (typeof (entry as MarketBook).book !== "string") continue;
    let usable = 0;
    for (let i = 0; i < n; i++) {
      const price: unknown = prices[i];
      if (!isValidPrice(price)) continue;
      usable++;
      // Written into the next free row; an incomplete book's row is simply overwritten later.
      implied[complete * n + i] = 1 / price;
      if (price > bestPrice[i]!) {
        bestPrice[i] = price;
        bestBook[i] = b;
      }
    }
    if (usable === n) complete++;
  }
  return complete;
}

function assemble(books: readonly MarketBook[], stakes: readonly number[], total: number, margin: number, ladder: PriceLadder, hasFair: boolean): PricedMarket {
  const outcomes: MarketOutcome[] = [];
  let offered = 0;
  let bestSum = 0;
  let everyOutcomeQuoted = true;
  for (let i = 0; i < stakes.length; i++) {
    const p = blended[i]!;
    const bookIndex = bestBook[i]!;
    const best = bookIndex >= 0 ? { book: books[bookIndex]!.book, price: bestPrice[i]! } : null;
    if (best === null) everyOutcomeQuoted = false;
    else bestSum += 1 / best.price;
    const f = hasFair ? fair[i]! : null;
    const price = offeredPrice(formulaPrice(p, margin, priceCap(f, best === null ? null : best.price, margin)), ladder);
    offered += 1 / price;
    outcomes.push({
      price,
      fair: f,
      pool: total > 0 ? stakes[i]! / total : 0,
      blended: p,
      best,
      edge: best !== null && f !== null ? best.price * f - 1 : null,
    });
  }
  return { outcomes, arb: everyOutcomeQuoted && bestSum < 1, overround: offered - 1 };
}
