import { bestPrices } from "./best-price";
import { type BookPrices, additiveError, consensusOfImplied, impliedRows } from "./consensus";
import { DEFAULT_MARGIN_METHOD, type MarginMethod } from "./margin-method";
import { LADDER_MAX, LADDER_MIN, roundDownClamped } from "./ladder";
import type { PriceLadder } from "./price-ladder";
import { assertInRange, assertLadder, assertMethod, assertStakes } from "./validation";
import { OddsInputError, describeValue } from "./errors";

/** Inputs of {@link hybridOdds} (docs/odds.md, "Hybrid odds"). */
export interface HybridOddsInput {
  /** Bookmakers with a complete set of prices (may be empty: the pool alone then sets the price). */
  books: readonly BookPrices[];
  /** Money staked on our own site per outcome (≥ 0, currency units); its length fixes n. */
  stakes: readonly number[];
  /** House margin m as a fraction in [0, 1): 0.05 offers prices summing to ≥ 105%. */
  margin: number;
  /** Liquidity constant L ≥ 0 in stake currency units: the pool weighs ΣS/(ΣS + L). */
  liquidity: number;
  /** Margin removal for the bookmakers; defaults to {@link DEFAULT_MARGIN_METHOD}. */
  method?: MarginMethod;
  /** `standard` (default) rounds down to the exchange ladder; `none` only clamps. */
  ladder?: PriceLadder;
}

/**
 * Which clamp, if any, set the offered price: `min` when the formula (cap included) asked for less
 * than 1.01 (so the offer is slightly MORE generous than the formula — the one exception to "never
 * offer more"), `max` when it asked for more than 1000 (including p = 0 with no cap).
 */
export type PriceClamp = "min" | "max" | null;

/** One outcome of {@link hybridOdds}. */
export interface HybridOutcome {
  /**
   * Offered decimal odds: min(1/(p·(1 + m)), cap) clamped to [1.01, 1000], then rounded down to the
   * ladder; with books the cap is min(1/(f·(1 + m)), best bookmaker price), see {@link priceCap}.
   */
  price: number;
  /** Bookmaker consensus probability f_i, or null when there were no books (never NaN). */
  fair: number | null;
  /** Pool share q_i = S_i/ΣS, or 0 when nothing has been staked. */
  pool: number;
  /** Blended probability p_i that the price is made from; the p_i sum to 1. */
  blended: number;
  /** See {@link PriceClamp}. */
  clamped: PriceClamp;
}

/**
 * The price we offer per outcome, as docs/odds.md "Hybrid odds" defines it:
 * 1. f = consensus of the books (median of per-book fair probabilities, renormalised);
 * 2. q_i = S_i/ΣS;
 * 3. w = ΣS/(ΣS + L), p_i = (1 − w)·f_i + w·q_i — pool only without books, uniform with neither
 *    books nor stakes, f alone when ΣS = 0 (w = 0); renormalised;
 * 4. price_i = min(1/(p_i·(1 + m)), cap_i) in decimal odds, clamped to [1.01, 1000], rounded down
 *    to the ladder. With books cap_i = min(1/(f_i·(1 + m)), best_i) ({@link priceCap}): the pool
 *    may shorten a price but never lengthen it past the market; without books there is no cap.
 *
 * @throws OddsInputError for any bad input (see docs/odds.md); use priceMarket for live feed data
 * @example
 * hybridOdds({ books: [{ book: "a", prices: [1.95, 1.95] }], stakes: [300, 100], margin: 0.05, liquidity: 1000 })
 * // f = [0.5, 0.5], q = [0.75, 0.25], w = 400/1400 → p ≈ [0.5714, 0.4286] → uncapped [1.667, 2.222];
 * // cap = min(1/(0.5·1.05), 1.95) ≈ 1.905 → prices [1.66, 1.9] (the under-backed side is capped)
 */
export function hybridOdds(input: HybridOddsInput): HybridOutcome[] {
  const { books, stakes, margin, liquidity } = input;
  const { method, ladder, total } = pricingArguments(input);
  const n = stakes.length;
  reserve(n);
  let fair: Float64Array | null = null;
  let best: readonly { price: number }[] | null = null;
  if (books.length > 0) {
    const implied = impliedRows(books, n);
    fair = fairScratch;
    if (consensusOfImplied(implied, books.length, n, method, fair) < books.length) {
      throw additiveError(books, implied, n, method);
    }
    best = bestPrices(books);
  }
  const blended = blendedScratch;
  blendInto(fair, stakes, total, liquidity, blended);
  const outcomes: HybridOutcome[] = [];
  for (let i = 0; i < n; i++) {
    const p = blended[i]!;
    const f = fair === null ? null : fair[i]!;
    const formula = formulaPrice(p, margin, priceCap(f, best === null ? null : best[i]!.price, margin));
    outcomes.push({
      price: offeredPrice(formula, ladder),
      fair: f,
      pool: total > 0 ? stakes[i]! / total : 0,
      blended: p,
      clamped: clampOf(formula),
    });
  }
  return outcomes;
}

// Scratch reused across calls; results are copied into the returned objects before returning.
let fairScratch = new Float64Array(16);
let blendedScratch = new Float64Array(16);

function reserve(n: number): void {
  if (fairScratch.length >= n) return;
  fairScratch = new Float64Array(n * 2);
  blendedScratch = new Float64Array(n * 2);
}

/**
 * Validates what hybridOdds and priceMarket share and fills in the defaults: the margin method,
 * the ladder, and ΣS (total stake).
 */
export function pricingArguments(input: {
  books: unknown;
  stakes: readonly number[];
  margin: number;
  liquidity: number;
  method?: MarginMethod;
  ladder?: PriceLadder;
}): { method: MarginMethod; ladder: PriceLadder; total: number } {
  const method = input.method ?? DEFAULT_MARGIN_METHOD;
  const ladder = input.ladder ?? "standard";
  const total = assertPricingArguments(input.stakes, input.margin, input.liquidity, method, ladder);
  if (!Array.isArray(input.books)) {
    throw new OddsInputError(`books must be an array of { book, prices }, got ${describeValue(input.books)}`, input.books);
  }
  return { method, ladder, total };
}

/** Validates the numeric arguments hybridOdds and priceMarket share; returns ΣS. */
function assertPricingArguments(stakes: unknown, margin: unknown, liquidity: unknown, method: unknown, ladder: unknown): number {
  const total = assertStakes(stakes);
  assertInRange(margin, "margin", 0, 1, " (a fraction: 0.05 = 5%)");
  assertInRange(liquidity, "liquidity", 0, Infinity);
  assertMethod(method);
  assertLadder(ladder);
  return total;
}

/**
 * Step 3 of the hybrid formula: writes p_i into out[0..n) for n = stakes.length.
 * `fair` is the consensus (null without books), `total` is ΣS ≥ 0, `liquidity` is L ≥ 0.
 */
export function blendInto(fair: Float64Array | null, stakes: readonly number[], total: number, liquidity: number, out: Float64Array): void {
  const n = stakes.length;
  // ΣS = 0 means w = 0 whatever L is (0/(0 + 0) included): no stakes, no pool signal.
  const w = fair === null ? 1 : total > 0 ? total / (total + liquidity) : 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const q = total > 0 ? stakes[i]! / total : 1 / n;
    const f = fair === null ? 0 : fair[i]!;
    out[i] = (1 - w) * f + w * q;
    sum += out[i]!;
  }
  // With w = 0, p is f itself (already normalised). Dividing again could move p_i an ulp above
  // f_i, and the no-stake price would then sit an ulp below the cap instead of on it.
  if (w === 0) return;
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
}

/**
 * The longest price the market allows for one outcome, in decimal odds: the consensus with our
 * margin, 1/(f·(1 + m)), or the best bookmaker price if that is shorter. Infinity when neither
 * exists (a pool-only outcome is not capped). Without it the pool blend would lengthen an outcome
 * nobody backed past the market — a price sharp bettors would take at a positive expectation.
 *
 * @param fair consensus probability f, or null without a consensus
 * @param best highest bookmaker price (decimal odds) for the outcome, or null when none quotes it
 * @example priceCap(0.5, 1.95, 0.05) // min(1/(0.5·1.05), 1.95) = min(1.905, 1.95) ≈ 1.905
 * @example priceCap(0.5, 1.85, 0.05) // 1.85: no book offers more
 */
export function priceCap(fair: number | null, best: number | null, margin: number): number {
  // f = 0 (an additive removal can reach it) gives Infinity, leaving best as the cap — never NaN.
  const consensusPrice = fair === null ? Infinity : 1 / (fair * (1 + margin));
  return best === null ? consensusPrice : Math.min(consensusPrice, best);
}

/**
 * Step 4 before clamping and the ladder: min(1/(p·(1 + m)), cap) in decimal odds. Taking the min
 * means the pool can only shorten the capped price. p = 0 with no cap gives Infinity, never NaN.
 */
export function formulaPrice(probability: number, margin: number, cap: number): number {
  return Math.min(1 / (probability * (1 + margin)), cap);
}

/**
 * The offered price for a {@link formulaPrice}: clamped to [1.01, 1000] and, on the standard
 * ladder, rounded down, so it never exceeds the formula except by the 1.01 floor.
 */
export function offeredPrice(formula: number, ladder: PriceLadder): number {
  const clamped = Math.min(Math.max(formula, LADDER_MIN), LADDER_MAX);
  return ladder === "standard" ? roundDownClamped(clamped) : clamped;
}

/** Which clamp {@link offeredPrice} applies to this formula price, if any. */
export function clampOf(formula: number): PriceClamp {
  return formula < LADDER_MIN ? "min" : formula > LADDER_MAX ? "max" : null;
}
