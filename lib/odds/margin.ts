import { OddsInputError } from "./errors";
import { DEFAULT_MARGIN_METHOD, type MarginMethod } from "./margin-method";
import { additiveNegativeIndex, fitMargin, lastFit } from "./margin-model";
import { assertMethod, assertPrices } from "./validation";

/** A bookmaker's fair probabilities together with what the method fitted to get them. */
export interface MarginRemoval {
  method: MarginMethod;
  /** Fair probabilities, one per outcome, in input order; they sum to 1 within 1e-12. */
  probabilities: number[];
  /** Σ 1/price_i − 1 of the input prices (0.05 = a 5% book). */
  overround: number;
  /**
   * The fitted parameter:
   * - `multiplicative`: the booksum B = Σ 1/price_i that every implied probability is divided by;
   * - `additive`: the amount (B − 1)/n subtracted from every implied probability;
   * - `power`: the exponent k in p_i = r_i^k (k > 1 for an overround; 1/k is the "exponent" that
   *   the R package `implied` reports);
   * - `shin`: the share of insider money z (0 ≤ z < 1 for an overround);
   * - `odds-ratio`: the odds ratio c = odds(r_i)/odds(p_i) (c > 1 for an overround).
   */
  parameter: number;
  /** Residual evaluations the root solver needed (0 for the closed-form methods). */
  iterations: number;
}

/**
 * The bookmaker's overround: Σ 1/price_i − 1 (0.05 means the book sums to 105%).
 * Negative when the prices sum to less than 100% (e.g. best prices across books in an arbitrage).
 *
 * @param prices decimal odds, one per outcome (≥ 2 outcomes, each > 1)
 * @example overround([1.91, 1.91]) // ≈ 0.0471
 */
export function overround(prices: readonly number[]): number {
  assertPrices(prices);
  let sum = 0;
  for (const price of prices) sum += 1 / price;
  return sum - 1;
}

/**
 * Removes the bookmaker margin from one set of prices and returns fair probabilities that sum to 1
 * (within 1e-12) and keep the order of the implied probabilities 1/price_i.
 * Power, Shin and odds-ratio are solved to |Σp − 1| ≤ 1e-14 before the final normalisation.
 *
 * @param prices decimal odds of one market from one bookmaker (≥ 2 outcomes, each > 1)
 * @param method defaults to {@link DEFAULT_MARGIN_METHOD}
 * @throws OddsInputError for bad prices, an unknown method, or when the additive method would
 *   produce a negative probability (it never returns one)
 * @example
 * // Shin on a three-way market (the Python `shin` package's README example):
 * removeMargin([2.6, 2.4, 4.3], "shin") // ≈ [0.372994, 0.404779, 0.222227]
 */
export function removeMargin(prices: readonly number[], method: MarginMethod = DEFAULT_MARGIN_METHOD): number[] {
  return removeMarginDetailed(prices, method).probabilities;
}

/**
 * {@link removeMargin} plus the fitted parameter (see {@link MarginRemoval.parameter}), the input's
 * overround and the solver's iteration count.
 *
 * @example
 * removeMarginDetailed([4.2, 3.7, 1.95], "power").parameter // k ≈ 1.02066 (1/k ≈ 0.97976)
 */
export function removeMarginDetailed(prices: readonly number[], method: MarginMethod = DEFAULT_MARGIN_METHOD): MarginRemoval {
  assertPrices(prices);
  assertMethod(method);
  const n = prices.length;
  const implied = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    implied[i] = 1 / prices[i]!;
    sum += implied[i]!;
  }
  const fair = new Float64Array(n);
  if (!fitMargin(implied, 0, n, method, fair, 0)) throw additiveNegativeError(prices, implied, "prices");
  return {
    method,
    probabilities: Array.from(fair),
    overround: sum - 1,
    parameter: lastFit.parameter,
    iterations: lastFit.iterations,
  };
}

/** The error for an additive removal that would go negative, naming the outcome and its price. */
export function additiveNegativeError(prices: readonly number[], implied: Float64Array, where: string, start = 0): OddsInputError {
  const n = prices.length;
  const index = Math.max(0, additiveNegativeIndex(implied, start, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += implied[start + i]!;
  const value = implied[start + index]! - (sum - 1) / n;
  return new OddsInputError(
    `additive margin removal would give ${where}[${index}] (price ${prices[index]}) a negative ` +
      `probability (${value.toPrecision(4)}); use another method for markets with long shots`,
    prices[index],
  );
}
