/**
 * How demo bookmakers price a market: a "true" probability vector, a per-book margin applied
 * proportionally (plus a little per-book noise), rounded to 2 dp as books display them. Used by
 * the seed and by the simulator so both produce prices a bettor would find plausible.
 */

export interface Book {
  key: string;
  /** Overround this book targets, e.g. 0.025 for a sharp book, 0.06 for a soft one. */
  margin: number;
}

export const DEMO_BOOKS: readonly Book[] = [
  { key: "pinnacle", margin: 0.025 },
  { key: "bet365", margin: 0.05 },
  { key: "draftkings", margin: 0.045 },
  { key: "fanduel", margin: 0.055 },
];

export type Rng = () => number;

/** mulberry32: a tiny seeded PRNG, so the demo data is the same on every machine. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decimal prices one book would show for `probabilities` (summing to 1). */
export function bookPrices(probabilities: readonly number[], book: Book, rng: Rng, noise = 0.01): number[] {
  return probabilities.map((p) => {
    const wobble = 1 + (rng() * 2 - 1) * noise;
    const price = 1 / (p * (1 + book.margin) * wobble);
    return Math.max(1.01, Math.floor(price * 100) / 100);
  });
}

/**
 * Nudges a probability vector by a random step in log-odds space and renormalises: small, mean-
 * reverting-free moves like an in-play or pre-match drift. `step` ≈ 0.05 moves a 50% price ~1 tick.
 */
export function driftProbabilities(probabilities: readonly number[], rng: Rng, step: number): number[] {
  const logits = probabilities.map((p) => Math.log(clamp(p) / (1 - clamp(p))) + (rng() * 2 - 1) * step);
  const raw = logits.map((l) => 1 / (1 + Math.exp(-l)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((p) => clamp(p / sum));
}

function clamp(p: number): number {
  return Math.min(0.98, Math.max(0.02, p));
}

/** Win/draw/lose probabilities from a strength difference (home advantage included by caller). */
export function threeWay(diff: number, drawBase = 0.27): number[] {
  const draw = drawBase * Math.exp(-Math.abs(diff) / 1.5);
  const home = (1 - draw) / (1 + Math.exp(-diff));
  return [home, draw, 1 - draw - home];
}

export function twoWay(diff: number): number[] {
  const home = 1 / (1 + Math.exp(-diff));
  return [home, 1 - home];
}
