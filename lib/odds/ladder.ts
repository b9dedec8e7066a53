import { OddsInputError, describeValue } from "./errors";
import { assertPrice } from "./validation";

/**
 * The standard exchange price ladder, 1.01 … 1000 in 350 ticks. Arithmetic happens in integer
 * hundredths so that float noise (1.1 * 100 = 110.00000000000001) never moves a price off the
 * ladder, and every returned price is h/100 — the double nearest to the decimal, e.g. exactly 2.02.
 */

/** Lowest price on the ladder (and the lowest price we ever offer), decimal odds. */
export const LADDER_MIN = 1.01;
/** Highest price on the ladder (and the highest price we ever offer), decimal odds. */
export const LADDER_MAX = 1000;

/** [from, to, step] in hundredths: 1.01–2 by 0.01, 2–3 by 0.02, … 100–1000 by 10. */
const BANDS: ReadonlyArray<readonly [number, number, number]> = [
  [101, 200, 1],
  [200, 300, 2],
  [300, 400, 5],
  [400, 600, 10],
  [600, 1000, 20],
  [1000, 2000, 50],
  [2000, 3000, 100],
  [3000, 5000, 200],
  [5000, 10000, 500],
  [10000, 100001, 1000],
];

// The bands again as flat typed arrays, for the hot loop in floorIndex.
const BAND_FROM = Int32Array.from(BANDS, ([from]) => from);
const BAND_TO = Int32Array.from(BANDS, ([, to]) => to);
const BAND_STEP = Int32Array.from(BANDS, ([, , step]) => step);
/** Index of each band's first tick in the ladder. */
const BAND_OFFSET = Int32Array.from(BANDS, (_, b) => BANDS.slice(0, b).reduce((count, [from, to, step]) => count + Math.ceil((to - from) / step), 0));

const TICKS_HUNDREDTHS: Int32Array = (() => {
  const ticks: number[] = [];
  for (const [from, to, step] of BANDS) for (let h = from; h < to; h += step) ticks.push(h);
  return Int32Array.from(ticks);
})();
const TICKS: Float64Array = Float64Array.from(TICKS_HUNDREDTHS, (h) => h / 100);
const LAST = TICKS.length - 1;

/**
 * How far below a tick (in hundredths) a value may sit and still count as that tick: 1e-9
 * hundredths = 1e-11 in decimal odds. That is ~70 ulps even at 1000 (where d·100 = 1e5), so float
 * noise such as 2.0999999999999996 for 2.1 is absorbed, while the most it can ever offer above the
 * formula is 1e-11 — far below any price step.
 */
const NOISE = 1e-9;

/** Index of the highest tick ≤ the price given in (possibly fractional) hundredths; −1 below 1.01. */
function floorIndex(hundredths: number): number {
  const h = Math.floor(hundredths + NOISE);
  if (h < 101) return -1;
  for (let b = 0; b < BAND_TO.length; b++) {
    if (h < BAND_TO[b]!) return BAND_OFFSET[b]! + Math.floor((h - BAND_FROM[b]!) / BAND_STEP[b]!);
  }
  return LAST;
}

/** Ladder index of an on-ladder price in hundredths, or −1 when it is not a tick. */
function exactIndex(hundredths: number): number {
  const h = Math.round(hundredths);
  if (!(Math.abs(hundredths - h) <= NOISE)) return -1;
  const index = floorIndex(h);
  return index >= 0 && TICKS_HUNDREDTHS[index] === h ? index : -1;
}

/**
 * The highest ladder price ≤ d (prices above 1000 give 1000). Never rounds up, so an offered price
 * is never more generous than the formula; a value within 1e-11 below a tick counts as that tick
 * (float noise: 0.7 * 3 is 2.0999999999999996 but means 2.1).
 *
 * @param decimal decimal odds ≥ 1.01
 * @throws OddsInputError for a bad price or one below 1.01 (no tick is ≤ it)
 * @example roundDownToLadder(2.039) // 2.02
 * @example roundDownToLadder(7.77)  // 7.6
 */
export function roundDownToLadder(decimal: number): number {
  assertPrice(decimal, "decimal");
  const index = floorIndex(decimal * 100);
  if (index < 0) {
    throw new OddsInputError(`decimal ${describeValue(decimal)} is below the ladder minimum ${LADDER_MIN}`, decimal);
  }
  return TICKS[index]!;
}

/** Internal fast path for prices already clamped to [1.01, 1000]. */
export function roundDownClamped(decimal: number): number {
  return TICKS[Math.max(0, floorIndex(decimal * 100))]!;
}

/**
 * True when d is a price on the standard ladder (within 1e-11). Any other value — off-ladder, out
 * of range, NaN, not a number — gives false rather than throwing: it is a question, not a price.
 *
 * @example isOnLadder(1.1)  // true (although 1.1 * 100 is 110.00000000000001)
 * @example isOnLadder(2.01) // false (2–3 moves in steps of 0.02)
 */
export function isOnLadder(decimal: number): boolean {
  return typeof decimal === "number" && Number.isFinite(decimal) && exactIndex(decimal * 100) >= 0;
}

/**
 * Moves n ticks up (n > 0) or down (n < 0) the standard ladder. Stops at the ends: ticks(1.01, -1)
 * is 1.01 and ticks(1000, 1) is 1000, as on an exchange, so ticks(ticks(d, n), −n) = d holds
 * whenever d's index + n stays within the ladder.
 *
 * @param decimal a price on the ladder (see {@link isOnLadder})
 * @param n whole number of ticks
 * @example ticks(1.99, 2) // 2.02 (crossing into the 0.02 band)
 */
export function ticks(decimal: number, n: number): number {
  const index = typeof decimal === "number" ? exactIndex(decimal * 100) : -1;
  if (index < 0) {
    throw new OddsInputError(`decimal must be a price on the standard ladder, got ${describeValue(decimal)}`, decimal);
  }
  if (!Number.isSafeInteger(n)) {
    throw new OddsInputError(`n must be a whole number of ticks, got ${describeValue(n)}`, n);
  }
  return TICKS[Math.min(LAST, Math.max(0, index + n))]!;
}

/** Every ladder price, ascending (a copy; 350 entries from 1.01 to 1000). */
export function ladderPrices(): number[] {
  return Array.from(TICKS);
}
