import { OddsInputError, describeValue } from "./errors";
import { MARGIN_METHODS, type MarginMethod } from "./margin-method";
import { PRICE_LADDERS, type PriceLadder } from "./price-ladder";

/**
 * Argument checks shared by the public functions; internal to lib/odds (not re-exported). The
 * `assert*` helpers throw {@link OddsInputError} naming the value and its path; the `is*` helpers
 * are allocation-free predicates for the hot path, which calls an `assert*` only to build the error.
 */

/** True for a usable decimal price: a finite number > 1 (NaN fails both comparisons). */
export function isValidPrice(value: unknown): value is number {
  return typeof value === "number" && value > 1 && value < Infinity;
}

export function assertPrice(value: unknown, where = "price"): asserts value is number {
  if (!isValidPrice(value)) {
    throw new OddsInputError(`${where} must be a finite decimal price > 1, got ${describeValue(value)}`, value);
  }
}

/** Fast check (no allocation) that `prices` is an array of exactly n valid prices. */
export function isPriceRow(prices: unknown, n: number): prices is readonly number[] {
  if (!Array.isArray(prices) || prices.length !== n) return false;
  for (let i = 0; i < n; i++) if (!isValidPrice(prices[i])) return false;
  return true;
}

/** A market's decimal prices: an array of at least two valid prices (of `length`, when given). */
export function assertPrices(prices: unknown, where = "prices", length?: number): asserts prices is readonly number[] {
  if (!Array.isArray(prices)) {
    throw new OddsInputError(`${where} must be an array of decimal prices, got ${describeValue(prices)}`, prices);
  }
  assertOutcomeCount(prices.length, where, prices);
  if (length !== undefined && prices.length !== length) {
    throw new OddsInputError(`${where} has ${prices.length} prices but the market has ${length} outcomes`, prices);
  }
  // The path string is only built on failure: this runs for every price of every market.
  for (let i = 0; i < prices.length; i++) if (!isValidPrice(prices[i])) assertPrice(prices[i], `${where}[${i}]`);
}

/** A market needs at least two outcomes: one outcome has no overround to speak of. */
export function assertOutcomeCount(count: number, where: string, value: unknown): void {
  if (count < 2) {
    throw new OddsInputError(`${where} must have at least 2 outcomes, got ${count === 0 ? "an empty market" : "a one-outcome market"}`, value);
  }
}

export function assertMethod(method: unknown): asserts method is MarginMethod {
  if (!(MARGIN_METHODS as readonly unknown[]).includes(method)) {
    throw new OddsInputError(`method must be one of ${MARGIN_METHODS.join(", ")}, got ${describeValue(method)}`, method);
  }
}

export function assertLadder(ladder: unknown): asserts ladder is PriceLadder {
  if (!(PRICE_LADDERS as readonly unknown[]).includes(ladder)) {
    throw new OddsInputError(`ladder must be ${PRICE_LADDERS.map((name) => `"${name}"`).join(" or ")}, got ${describeValue(ladder)}`, ladder);
  }
}

/** A finite number within [min, max); `hint` is appended to the message (e.g. the expected unit). */
export function assertInRange(value: unknown, where: string, min: number, max: number, hint = ""): asserts value is number {
  if (typeof value !== "number" || !(value >= min && value < max)) {
    const range = max === Infinity ? `a finite number ≥ ${min}` : `a number in [${min}, ${max})`;
    throw new OddsInputError(`${where} must be ${range}${hint}, got ${describeValue(value)}`, value);
  }
}

/**
 * Stakes: one finite, non-negative amount per outcome, at least two outcomes. Returns ΣS, which must
 * itself be finite (a total that overflows would turn every pool share into NaN).
 */
export function assertStakes(stakes: unknown, where = "stakes"): number {
  if (!Array.isArray(stakes)) {
    throw new OddsInputError(`${where} must be an array with one stake per outcome, got ${describeValue(stakes)}`, stakes);
  }
  assertOutcomeCount(stakes.length, where, stakes);
  let total = 0;
  for (let i = 0; i < stakes.length; i++) {
    const stake: unknown = stakes[i];
    if (!(typeof stake === "number" && stake >= 0 && stake < Infinity)) {
      assertInRange(stake, `${where}[${i}]`, 0, Infinity);
    }
    total += stake as number;
  }
  if (!(total < Infinity)) {
    throw new OddsInputError(`${where} total overflows to ${describeValue(total)}`, stakes);
  }
  return total;
}
