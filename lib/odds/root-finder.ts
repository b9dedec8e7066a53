/**
 * Safeguarded Halley/Newton iteration for the one-parameter margin models (power k, Shin z,
 * odds-ratio c).
 *
 * Every model's residual g(x) = Σ p_i(x) − 1 is decreasing in its parameter, so a bracket [lo, hi]
 * with g(lo) ≥ 0 ≥ g(hi) always contains the root. When the evaluator supplies g'' the step is
 * Halley's (cubic convergence: from the margin-free start, two or three evaluations reach 1e-14),
 * otherwise Newton's (quadratic). A step that leaves the bracket, or is NaN, falls back to Newton
 * and then to bisection, so the iteration cannot diverge. The evaluator writes into the shared
 * `residual` record instead of returning an object, because this runs ~100,000 times per publisher
 * tick and must not allocate.
 */

/** Written by the evaluator on each call: g(x), g'(x) and g''(x) (NaN when not available). */
export const residual = { value: 0, slope: 0, curvature: Number.NaN };

/** Filled in by {@link solveDecreasing}: how many evaluations the last solve took. */
export const solverStats = { iterations: 0 };

/**
 * |g| at which a solve stops. g sums n probabilities, so its own rounding noise is ~n·1e-16; 1e-14
 * keeps clear of that noise while leaving each probability within ~1e-14 of the exact solution
 * (four orders of magnitude inside the 1e-10 the spec asks for).
 */
const RESIDUAL_TOLERANCE = 1e-14;
const MAX_ITERATIONS = 200;

/**
 * Finds x in [lo, hi] with g(x) ≈ 0 for a decreasing g, starting from x0. The returned x is always
 * the last point evaluated, so the evaluator's side effects (cached p_i) belong to it.
 * Preconditions (the callers derive them analytically): lo ≤ x0 ≤ hi, all finite,
 * g(lo) ≥ 0 ≥ g(hi).
 */
export function solveDecreasing(evaluate: (x: number) => void, lo: number, hi: number, x0: number): number {
  let x = x0;
  for (let iteration = 1; ; iteration++) {
    evaluate(x);
    const g = residual.value;
    solverStats.iterations = iteration;
    if (Math.abs(g) <= RESIDUAL_TOLERANCE || iteration >= MAX_ITERATIONS) return x;
    if (g > 0) lo = x;
    else hi = x;
    const next = nextStep(x, g, lo, hi);
    // Bracket collapsed to adjacent doubles: x is as exact as floating point allows.
    if (next === x || next === lo || next === hi) return x;
    x = next;
  }
}

function nextStep(x: number, g: number, lo: number, hi: number): number {
  const slope = residual.slope;
  const curvature = residual.curvature;
  // A NaN step (no curvature, or 0/0) fails both comparisons and falls through to the next rule.
  const halley = x - (2 * g * slope) / (2 * slope * slope - g * curvature);
  if (halley > lo && halley < hi) return halley;
  const newton = x - g / slope;
  if (newton > lo && newton < hi) return newton;
  return lo + (hi - lo) / 2;
}
