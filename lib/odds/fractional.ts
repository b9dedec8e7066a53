import { OddsInputError, describeValue } from "./errors";
import { assertPrice } from "./validation";

/**
 * UK fractional odds. A decimal price d is the fraction (d − 1) = n/m: 2.5 ⇔ "3/2", 2.0 ⇔ "1/1".
 */

/**
 * The conventional UK fractions, as bookmakers quote them (numerator, denominator in lowest terms),
 * sorted by value. Decimal feeds publish these prices rounded to 2 dp (10/11 arrives as 1.91), so
 * a decimal within {@link LADDER_TOLERANCE} of one of them maps back to it.
 */
const CONVENTIONAL: ReadonlyArray<readonly [number, number]> = [
  [1, 50],
  [1, 33],
  [1, 25],
  [1, 20],
  [1, 16],
  [1, 14],
  [1, 12],
  [1, 11],
  [1, 10],
  [1, 9],
  [1, 8],
  [2, 15],
  [1, 7],
  [1, 6],
  [2, 11],
  [1, 5],
  [2, 9],
  [1, 4],
  [2, 7],
  [3, 10],
  [1, 3],
  [4, 11],
  [2, 5],
  [4, 9],
  [1, 2],
  [8, 15],
  [4, 7],
  [8, 13],
  [2, 3],
  [8, 11],
  [4, 5],
  [5, 6],
  [10, 11],
  [1, 1],
  [21, 20],
  [11, 10],
  [6, 5],
  [5, 4],
  [11, 8],
  [7, 5],
  [3, 2],
  [8, 5],
  [13, 8],
  [7, 4],
  [9, 5],
  [15, 8],
  [2, 1],
  [17, 8],
  [9, 4],
  [12, 5],
  [5, 2],
  [13, 5],
  [11, 4],
  [14, 5],
  [3, 1],
  [16, 5],
  [10, 3],
  [7, 2],
  [4, 1],
  [9, 2],
  [5, 1],
  [11, 2],
  [6, 1],
  [13, 2],
  [7, 1],
  [15, 2],
  [8, 1],
  [17, 2],
  [9, 1],
  [10, 1],
  [11, 1],
  [12, 1],
  [14, 1],
  [16, 1],
  [18, 1],
  [20, 1],
  [22, 1],
  [25, 1],
  [28, 1],
  [33, 1],
  [40, 1],
  [50, 1],
  [66, 1],
  [80, 1],
  [100, 1],
  [125, 1],
  [150, 1],
  [200, 1],
  [250, 1],
  [300, 1],
  [400, 1],
  [500, 1],
  [750, 1],
  [1000, 1],
];
const CONVENTIONAL_DECIMALS = CONVENTIONAL.map(([n, m]) => 1 + n / m);

/**
 * Half a hundredth: the most a 2-dp decimal can differ from the fraction it was rounded from (plus
 * 1e-9 so that, e.g., 3.12 and 3.13 both reach 17/8 = 3.125 despite binary representation).
 */
const LADDER_TOLERANCE = 0.005 + 1e-9;

/** Largest denominator of the fallback approximation: every 2-dp decimal is then exact. */
const MAX_DENOMINATOR = 100;

/**
 * Converts decimal odds to a UK fraction "n/m" in lowest terms.
 *
 * Approach: (1) the nearest conventional UK fraction if the price is within half a hundredth of it
 * (so feed prices rounded to 2 dp map back: 1.91 and 1.909 → "10/11", 1.67 → "2/3", 3.13 → "17/8");
 * (2) otherwise the best rational approximation of d − 1 with denominator ≤ 100 (continued
 * fractions), which is exact for any 2-dp price (2.02 → "51/50") and within 0.005 of any other;
 * (3) below 1.01, where that approximation would be 0/1, "1/m" with m = round(1/(d − 1)).
 *
 * @param decimal decimal odds > 1
 * @example decimalToFractional(2.625) // "13/8"
 * @example decimalToFractional(1.91)  // "10/11"
 */
export function decimalToFractional(decimal: number): string {
  assertPrice(decimal, "decimal");
  const conventional = nearestConventional(decimal);
  if (conventional !== undefined) return `${conventional[0]}/${conventional[1]}`;
  const [numerator, denominator] = bestRational(decimal - 1, MAX_DENOMINATOR);
  // A price of 1.001 is "1/1000", not "0/1" (which would read as a price of exactly 1).
  if (numerator === 0) return `1/${Math.round(1 / (decimal - 1))}`;
  return `${numerator}/${denominator}`;
}

function nearestConventional(decimal: number): readonly [number, number] | undefined {
  // Binary search for the first conventional decimal ≥ the price, then compare both neighbours.
  let lo = 0;
  let hi = CONVENTIONAL_DECIMALS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CONVENTIONAL_DECIMALS[mid]! < decimal) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestDistance = LADDER_TOLERANCE;
  for (const index of [lo - 1, lo]) {
    const value = CONVENTIONAL_DECIMALS[index];
    if (value === undefined) continue;
    const distance = Math.abs(value - decimal);
    if (distance <= bestDistance) {
      best = index;
      bestDistance = distance;
    }
  }
  return best < 0 ? undefined : CONVENTIONAL[best];
}

/**
 * The fraction p/q (lowest terms, q ≤ maxDenominator) closest to x ≥ 0: the last continued-fraction
 * convergent within the bound, or the best semiconvergent between it and the previous one.
 */
function bestRational(x: number, maxDenominator: number): [number, number] {
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let rest = x;
  for (let step = 0; step < 64; step++) {
    const a = Math.floor(rest);
    const q2 = q0 + a * q1;
    if (q2 > maxDenominator) {
      // The largest semiconvergent that still fits, versus the last convergent.
      const k = Math.floor((maxDenominator - q0) / q1);
      const [ps, qs] = [p0 + k * p1, q0 + k * q1];
      return Math.abs(ps / qs - x) < Math.abs(p1 / q1 - x) ? [ps, qs] : [p1, q1];
    }
    [p0, q0, p1, q1] = [p1, q1, p0 + a * p1, q2];
    const fraction = rest - a;
    // Stop once the convergent is exact to double precision; 1/fraction would only amplify noise.
    if (fraction < 1e-9 || Math.abs(p1 / q1 - x) <= Number.EPSILON * Math.max(1, x)) break;
    rest = 1 / fraction;
  }
  return [p1, q1];
}

/**
 * Parses UK fractional odds "n/m" (whitespace allowed around the numbers; "evens"/"evs" = "1/1") and
 * returns the decimal price 1 + n/m.
 *
 * @param fraction e.g. "11/10", "13/8", "evens"
 * @throws OddsInputError for anything else, including "0/1" (a price of 1 pays nothing)
 * @example fractionalToDecimal("11/10") // 2.1
 */
export function fractionalToDecimal(fraction: string): number {
  if (typeof fraction === "string" && /^\s*ev(en)?s\s*$/i.test(fraction)) return 2;
  const match = typeof fraction === "string" ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(fraction) : null;
  const numerator = Number(match?.[1]);
  const denominator = Number(match?.[2]);
  if (!match || !(numerator > 0) || !(denominator > 0) || !Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator)) {
    throw new OddsInputError(`fraction must look like "n/m" with positive whole numbers, got ${describeValue(fraction)}`, fraction);
  }
  return 1 + numerator / denominator;
}

/**
 * Spellings bookmakers display instead of the lowest-terms fraction: "4/6" rather than "2/3", "6/4"
 * rather than "3/2", "85/40" rather than "17/8". Used by formatOdds only.
 */
export const TRADITIONAL_SPELLING: Readonly<Record<string, string>> = {
  "2/3": "4/6",
  "3/2": "6/4",
  "17/8": "85/40",
};
