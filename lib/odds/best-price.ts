import type { BookPrices } from "./consensus";
import { OddsInputError, describeValue } from "./errors";
import { assertPrice, assertPrices, isPriceRow } from "./validation";

/** The best (highest) decimal price for one outcome and the bookmaker offering it. */
export interface BestPrice {
  book: string;
  price: number;
}

/** Result of {@link arbitrage}. */
export interface Arbitrage {
  /** True when Σ 1/best_i < 1: backing every outcome at its best price returns more than it costs. */
  exists: boolean;
  /**
   * 1 − Σ 1/best_i: the guaranteed profit as a fraction of the guaranteed payout (0.02 = 2% of the
   * payout is profit). Positive exactly when `exists`; negative is the combined book's overround.
   * Profit as a fraction of the total stake is margin/(1 − margin).
   */
  margin: number;
  /**
   * Stake per outcome, summing to totalStake, that returns the same payout whichever outcome wins:
   * stake_i = totalStake · (1/best_i) / Σ 1/best_j. Given even when no arbitrage exists (they then
   * lose the same amount on every outcome).
   */
  stakes: number[];
  /** What every outcome returns with those stakes: totalStake / Σ 1/best_i. */
  payout: number;
  /** The best price per outcome the stakes are placed at. */
  best: BestPrice[];
}

/**
 * The highest price per outcome across books, with the book offering it. Ties go to the book listed
 * first, so the result is stable as long as the input order is.
 *
 * @param books at least one book, every book pricing every outcome
 * @example bestPrices([{ book: "a", prices: [2.1, 1.8] }, { book: "b", prices: [2.0, 1.9] }])
 * // [{ book: "a", price: 2.1 }, { book: "b", price: 1.9 }]
 */
export function bestPrices(books: readonly BookPrices[]): BestPrice[] {
  if (!Array.isArray(books) || books.length === 0) {
    throw new OddsInputError(`books must be a non-empty array of { book, prices }, got ${describeValue(books)}`, books);
  }
  const first = books[0]?.prices;
  assertPrices(first, "books[0].prices");
  const best: BestPrice[] = first.map((price) => ({ book: books[0]!.book, price }));
  for (let b = 1; b < books.length; b++) {
    const prices = books[b]?.prices;
    if (!isPriceRow(prices, first.length)) assertPrices(prices, `books[${b}].prices`, first.length);
    for (let i = 0; i < prices.length; i++) {
      if (prices[i]! > best[i]!.price) best[i] = { book: books[b]!.book, price: prices[i]! };
    }
  }
  return best;
}

/**
 * Expected profit per unit staked of backing at `price` when the true probability is p:
 * price·p − 1 (0.05 = +5% expected value; negative = the price is worse than fair).
 *
 * @param price decimal odds > 1
 * @param fairProbability probability in [0, 1]
 * @example edge(2.2, 0.5) // ≈ 0.1
 */
export function edge(price: number, fairProbability: number): number {
  assertPrice(price, "price");
  if (typeof fairProbability !== "number" || !(fairProbability >= 0 && fairProbability <= 1)) {
    throw new OddsInputError(`fairProbability must be a probability in [0, 1], got ${describeValue(fairProbability)}`, fairProbability);
  }
  return price * fairProbability - 1;
}

/**
 * Checks the best prices across books for a sure-bet (arbitrage) and sizes the stakes.
 *
 * @param books at least one book, every book pricing every outcome
 * @param totalStake amount to spread across outcomes (> 0, currency units); default 1
 * @example
 * arbitrage([{ book: "a", prices: [2.1, 1.8] }, { book: "b", prices: [1.9, 2.05] }], 100)
 * // Σ 1/best = 1/2.1 + 1/2.05 ≈ 0.9640 → exists, margin ≈ 0.0360, stakes ≈ [49.40, 50.60], payout ≈ 103.73
 */
export function arbitrage(books: readonly BookPrices[], totalStake = 1): Arbitrage {
  const best = bestPrices(books);
  if (typeof totalStake !== "number" || !(totalStake > 0 && totalStake < Infinity)) {
    throw new OddsInputError(`totalStake must be a finite amount > 0, got ${describeValue(totalStake)}`, totalStake);
  }
  let booksum = 0;
  for (const { price } of best) booksum += 1 / price;
  const payout = totalStake / booksum;
  return {
    exists: booksum < 1,
    margin: 1 - booksum,
    stakes: best.map(({ price }) => payout / price),
    payout,
    best,
  };
}
