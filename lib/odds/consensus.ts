import { OddsInputError, describeValue } from "./errors";
import { additiveNegativeError } from "./margin";
import { DEFAULT_MARGIN_METHOD, type MarginMethod } from "./margin-method";
import { fitMargin } from "./margin-model";
import { assertMethod, assertPrices, isPriceRow } from "./validation";

/** One bookmaker's complete set of decimal prices for a market, in outcome order. */
export interface BookPrices {
  /** Bookmaker key, e.g. "pinnacle". */
  book: string;
  /** Decimal odds, one per outcome. */
  prices: readonly number[];
}

// Reused between calls (grown on demand) so that pricing a market allocates no scratch arrays.
let impliedScratch = new Float64Array(64);
let fairRows = new Float64Array(64);
let column = new Float64Array(16);

/**
 * Consensus fair probabilities from several bookmakers: remove each book's margin with `method`,
 * take the median per outcome across books, renormalise so they sum to 1.
 *
 * The median (rather than the mean) keeps one stale or mispriced book from moving the consensus.
 * With an even number of books the median is the mean of the two middle values.
 *
 * @param books at least one book; every book prices every outcome (≥ 2 outcomes, each > 1)
 * @param method defaults to {@link DEFAULT_MARGIN_METHOD}
 * @returns fair probabilities, one per outcome, summing to 1
 * @throws OddsInputError for no books, bad or mismatched prices, or an additive removal that would
 *   go negative
 * @example
 * consensus([{ book: "a", prices: [2.0, 2.0] }, { book: "b", prices: [1.8, 2.2] }], "multiplicative")
 * // medians of [0.5, 0.55] and [0.5, 0.45] → [0.525, 0.475]
 */
export function consensus(books: readonly BookPrices[], method: MarginMethod = DEFAULT_MARGIN_METHOD): number[] {
  assertMethod(method);
  if (!Array.isArray(books) || books.length === 0) {
    throw new OddsInputError(`books must be a non-empty array of { book, prices }, got ${describeValue(books)}`, books);
  }
  const first = books[0]?.prices;
  assertPrices(first, "books[0].prices");
  const n = first.length;
  const implied = impliedRows(books, n);
  const fair = new Float64Array(n);
  const used = consensusOfImplied(implied, books.length, n, method, fair);
  if (used < books.length) throw additiveError(books, implied, n, method);
  return Array.from(fair);
}

/**
 * Validates every book against an n-outcome market and returns their implied probabilities
 * 1/price as one row of n per book, in a scratch array that the next call overwrites.
 */
export function impliedRows(books: readonly BookPrices[], n: number): Float64Array {
  if (impliedScratch.length < books.length * n) impliedScratch = new Float64Array(books.length * n * 2);
  for (let b = 0; b < books.length; b++) {
    const prices = books[b]?.prices;
    if (!isPriceRow(prices, n)) assertPrices(prices, `books[${b}].prices`, n);
    for (let i = 0; i < n; i++) impliedScratch[b * n + i] = 1 / prices[i]!;
  }
  return impliedScratch;
}

/** The error for the first book whose (additive) margin removal fails, naming book and price. */
export function additiveError(books: readonly BookPrices[], implied: Float64Array, n: number, method: MarginMethod): OddsInputError {
  const scratch = new Float64Array(n);
  let b = 0;
  while (b < books.length - 1 && fitMargin(implied, b * n, n, method, scratch, 0)) b++;
  return additiveNegativeError(books[b]!.prices, implied, `books[${b}].prices`, b * n);
}

/**
 * Allocation-free consensus core. `implied` holds `rows` books × n implied probabilities; writes
 * the consensus into out[0..n) and returns how many books it used. A book whose margin removal
 * fails (additive going negative) is left out; 0 means no consensus (out is then unspecified).
 */
export function consensusOfImplied(implied: Float64Array, rows: number, n: number, method: MarginMethod, out: Float64Array): number {
  if (fairRows.length < rows * n) fairRows = new Float64Array(rows * n * 2);
  if (column.length < rows) column = new Float64Array(rows * 2);
  let used = 0;
  for (let b = 0; b < rows; b++) {
    if (fitMargin(implied, b * n, n, method, fairRows, used * n)) used++;
  }
  if (used === 0) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < used; b++) column[b] = fairRows[b * n + i]!;
    out[i] = median(column, used);
    total += out[i]!;
  }
  // Every book's probabilities are positive and sum to 1, so medians cannot all be 0; guard anyway.
  if (!(total > 0)) return 0;
  for (let i = 0; i < n; i++) out[i] = out[i]! / total;
  return used;
}

/** Median of values[0..count), sorting that prefix in place (insertion sort: count is small). */
function median(values: Float64Array, count: number): number {
  for (let i = 1; i < count; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
  const middle = count >> 1;
  return count % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
