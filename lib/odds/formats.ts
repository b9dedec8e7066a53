import { OddsInputError, describeValue } from "./errors";
import { TRADITIONAL_SPELLING, decimalToFractional } from "./fractional";
import { assertPrice } from "./validation";

/** Display formats for a price. */
export type OddsFormat = "decimal" | "american" | "fractional";

/**
 * Decimal odds → American (moneyline) odds, unrounded: +((d − 1)·100) for d ≥ 2 (the profit on a
 * 100 stake), −100/(d − 1) for d < 2 (the stake that wins 100). 2.0 gives +100.
 *
 * @param decimal decimal odds > 1
 * @example decimalToAmerican(2.5)   // 150
 * @example decimalToAmerican(1.909) // ≈ -110.0
 */
export function decimalToAmerican(decimal: number): number {
  assertPrice(decimal, "decimal");
  return decimal >= 2 ? (decimal - 1) * 100 : -100 / (decimal - 1);
}

/**
 * American (moneyline) odds → decimal odds: 1 + a/100 for a ≥ +100, 1 + 100/|a| for a ≤ −100.
 * +100 and −100 both mean evens (2.0).
 *
 * @param american a number with |a| ≥ 100 (values strictly between −100 and +100 do not exist)
 * @example americanToDecimal(-110) // ≈ 1.9091
 */
export function americanToDecimal(american: number): number {
  if (typeof american !== "number" || !Number.isFinite(american) || Math.abs(american) < 100) {
    throw new OddsInputError(`american odds must be a finite number ≥ +100 or ≤ −100, got ${describeValue(american)}`, american);
  }
  return american > 0 ? 1 + american / 100 : 1 - 100 / american;
}

/**
 * The bookmaker's implied probability of a decimal price: 1/d (including the bookmaker's margin).
 *
 * @param decimal decimal odds > 1
 * @returns a probability in (0, 1)
 */
export function impliedProbability(decimal: number): number {
  assertPrice(decimal, "decimal");
  return 1 / decimal;
}

/**
 * Display string for a decimal price. This is the only place prices are rounded for display:
 * - `decimal`: 2 dp, half away from zero ("1.91", "2.00");
 * - `american`: signed whole number ("+150", "-110"); a value that rounds to ±100 shows as "+100";
 * - `fractional`: {@link decimalToFractional}, with bookmakers' traditional spellings "4/6", "6/4"
 *   and "85/40" in place of "2/3", "3/2" and "17/8".
 *
 * Rounding first removes binary noise at 12 significant digits, so 1.005 shows as "1.01" rather
 * than "1.00" (1.005 is stored as 1.00499999…).
 *
 * @param decimal decimal odds > 1
 * @example formatOdds(1.909, "american")  // "-110"
 * @example formatOdds(1.6667, "fractional") // "4/6"
 */
export function formatOdds(decimal: number, format: OddsFormat): string {
  assertPrice(decimal, "decimal");
  switch (format) {
    case "decimal":
      return (roundHalfAway(decimal * 100) / 100).toFixed(2);
    case "american": {
      const american = roundHalfAway(decimalToAmerican(decimal));
      return american >= 100 || american === -100 ? `+${Math.abs(american)}` : String(american);
    }
    case "fractional": {
      const fraction = decimalToFractional(decimal);
      return TRADITIONAL_SPELLING[fraction] ?? fraction;
    }
    default:
      throw new OddsInputError(`format must be "decimal", "american" or "fractional", got ${describeValue(format)}`, format);
  }
}

/** Rounds to the nearest integer, halves away from zero, after trimming float noise to 12 digits. */
function roundHalfAway(value: number): number {
  const trimmed = Number(value.toPrecision(12));
  return Math.sign(trimmed) * Math.round(Math.abs(trimmed));
}
