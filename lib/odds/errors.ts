/**
 * Thrown for arguments the odds maths cannot price: a decimal price ≤ 1, NaN or ±Infinity, an empty
 * or one-outcome market, arrays of mismatched length, a negative stake, a takeout outside [0, 1), an
 * unknown method. The message always names the offending value and where it was found, so a log
 * line is enough to find the bad row.
 *
 * @example
 * try { impliedProbability(0.9) } catch (e) { e instanceof OddsInputError } // true
 * // e.message === "price must be a finite decimal price > 1, got 0.9"
 */
export class OddsInputError extends Error {
  override readonly name = "OddsInputError";

  /** The rejected value, as received (may be NaN, a string, undefined …). */
  readonly value: unknown;

  constructor(message: string, value: unknown) {
    super(message);
    this.value = value;
  }
}

/**
 * Renders any value for an error message so that NaN, -0, undefined and strings stay distinguishable
 * ("NaN", "-0", "undefined", "\"2.5\"").
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value;
}
