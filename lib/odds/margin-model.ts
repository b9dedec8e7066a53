import type { MarginMethod } from "./margin-method";
import { residual, solveDecreasing, solverStats } from "./root-finder";

/**
 * The allocation-free core of margin removal, shared by removeMargin, consensus, hybridOdds and
 * priceMarket. It works on implied probabilities r_i = 1/price_i stored in a Float64Array row
 * (callers have validated the prices), and writes fair probabilities summing to 1 into `out`.
 * The models and their parameters are documented in docs/odds.md.
 */

/** Parameter and solver iterations of the last {@link fitMargin} call (read right after calling). */
export const lastFit = { parameter: 0, iterations: 0 };

// The evaluators read the row being fitted from this shared record rather than from a closure, so
// that fitting a row allocates nothing. Safe because fitting is synchronous and never re-entered.
const fit = {
  row: new Float64Array(0) as Float64Array,
  start: 0,
  n: 0,
  booksum: 0,
  logs: new Float64Array(16),
  /** p_i(x) at the last point an evaluator visited, which is always the solution it returns. */
  model: new Float64Array(16),
};

/**
 * Fits `method` to the implied probabilities row[start .. start+n) and writes the fair
 * probabilities (normalised to sum to 1) to out[outStart .. outStart+n).
 * Returns false only for the additive method when it would produce a negative probability; out is
 * then left unspecified.
 */
export function fitMargin(implied: Float64Array, start: number, n: number, method: MarginMethod, out: Float64Array, outStart: number): boolean {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += implied[start + i]!;
  lastFit.iterations = 0;
  // The closed forms stay on locals: they are the hot path of the multiplicative bench.
  if (method === "multiplicative") {
    lastFit.parameter = sum;
    for (let i = 0; i < n; i++) out[outStart + i] = implied[start + i]! / sum;
    return true;
  }
  if (method === "additive") return fitAdditive(implied, start, n, sum, out, outStart);
  fit.row = implied;
  fit.start = start;
  fit.n = n;
  fit.booksum = sum;
  if (fit.model.length < n) {
    fit.model = new Float64Array(n * 2);
    fit.logs = new Float64Array(n * 2);
  }
  lastFit.parameter = method === "power" ? solvePower() : method === "shin" ? solveShin() : solveOddsRatio();
  lastFit.iterations = solverStats.iterations;
  const model = fit.model;
  for (let i = 0; i < n; i++) out[outStart + i] = model[i]!;
  return normalise(out, outStart, n);
}

/**
 * Divides by the sum so that solver tolerance and rounding never leave the total more than a few
 * ulps from 1. (Multiplicative skips it: r_i/Σr already sums to 1 within rounding.)
 */
function normalise(out: Float64Array, start: number, n: number): boolean {
  let total = 0;
  for (let i = 0; i < n; i++) total += out[start + i]!;
  for (let i = 0; i < n; i++) out[start + i] = out[start + i]! / total;
  return true;
}

function fitAdditive(implied: Float64Array, start: number, n: number, sum: number, out: Float64Array, outStart: number): boolean {
  const deduction = (sum - 1) / n;
  lastFit.parameter = deduction;
  for (let i = 0; i < n; i++) {
    const p = implied[start + i]! - deduction;
    if (p < 0) return false;
    out[outStart + i] = p;
  }
  return normalise(out, outStart, n);
}

/** The additive deduction (Σr − 1)/n that makes outcome `index` negative, or -1 when none does. */
export function additiveNegativeIndex(implied: Float64Array, start: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += implied[start + i]!;
  const deduction = (sum - 1) / n;
  for (let i = 0; i < n; i++) if (implied[start + i]! - deduction < 0) return i;
  return -1;
}

// ---- power: p_i = r_i^k ------------------------------------------------------------------------

function solvePower(): number {
  const { row, start, n, logs } = fit;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const r = row[start + i]!;
    logs[i] = Math.log(r);
    if (r > largest) largest = r;
  }
  if (fit.booksum >= 1) {
    // g(1) = Σr − 1 ≥ 0; g(k) ≤ n·max(r)^k − 1 ≤ 0 from k = ln n / −ln max(r) on.
    const hi = Math.max(1, Math.log(n) / -Math.log(largest)) * (1 + 1e-12);
    return solveDecreasing(evaluatePower, 1, hi, 1);
  }
  // Underround (Σr < 1): g(0) = n − 1 > 0 and g(1) < 0, so k ∈ (0, 1) stretches the probabilities.
  return solveDecreasing(evaluatePower, 0, 1, 1);
}

function evaluatePower(k: number): void {
  const { row, start, n, logs, model } = fit;
  let sum = -1;
  let slope = 0;
  let curvature = 0;
  for (let i = 0; i < n; i++) {
    // Every solve starts at k = 1, where r^k = r needs no exp.
    const p = k === 1 ? row[start + i]! : Math.exp(k * logs[i]!);
    const log = logs[i]!;
    model[i] = p;
    sum += p;
    slope += log * p;
    curvature += log * log * p;
  }
  residual.value = sum;
  residual.slope = slope;
  residual.curvature = curvature;
}

// ---- odds ratio: p_i = r_i / (c·(1 − r_i) + r_i), i.e. odds(r_i) = c · odds(p_i) ---------------

function solveOddsRatio(): number {
  const { row, start, n } = fit;
  if (fit.booksum >= 1) {
    // p_i < r_i / (c·(1 − r_i)), so g(c) < 0 once c ≥ Σ r_i/(1 − r_i).
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const r = row[start + i]!;
      hi += r / (1 - r);
    }
    return solveDecreasing(evaluateOddsRatio, 1, Math.max(1, hi) * (1 + 1e-12), 1);
  }
  // Underround: g(0) = n − 1 > 0 and g(1) < 0.
  return solveDecreasing(evaluateOddsRatio, 0, 1, 1);
}

function evaluateOddsRatio(c: number): void {
  const { row, start, n, model } = fit;
  let sum = -1;
  let slope = 0;
  let curvature = 0;
  for (let i = 0; i < n; i++) {
    const r = row[start + i]!;
    const denominator = c * (1 - r) + r;
    const p = r / denominator;
    const d = (1 - r) / denominator;
    model[i] = p;
    sum += p;
    // dp/dc = −p·(1 − r)/den, d²p/dc² = 2p·((1 − r)/den)².
    slope -= p * d;
    curvature += 2 * p * d * d;
  }
  residual.value = sum;
  residual.slope = slope;
  residual.curvature = curvature;
}

// ---- Shin: p_i = (√(z² + 4(1 − z)·r_i²/Σr) − z) / (2(1 − z)) -------------------------------------

/** Above this z the model is evaluated by its limit z → 1 (p_i → r_i²/Σr) to avoid 0/0. */
const SHIN_Z_LIMIT = 1 - 1e-12;

function solveShin(): number {
  // At z = 0 the probabilities sum to √Σr, and as z → 1 to Σr²/Σr ≤ max r < 1.
  if (fit.booksum >= 1) return solveDecreasing(evaluateShin, 0, 1, 0);
  // Underround has no insider-trading reading; z < 0 is the model's continuous extension, which
  // still yields proper, order-preserving probabilities. g → n − 1 > 0 as z → −∞.
  let lo = -1;
  for (let guard = 0; guard < 64; guard++) {
    evaluateShin(lo);
    if (residual.value > 0) break;
    lo *= 2;
  }
  return solveDecreasing(evaluateShin, lo, 0, 0);
}

function evaluateShin(z: number): void {
  const { row, start, n, booksum, model } = fit;
  let sum = -1;
  let slope = 0;
  const oneMinusZ = 1 - z;
  for (let i = 0; i < n; i++) {
    const r = row[start + i]!;
    const q = (r * r) / booksum;
    if (z >= SHIN_Z_LIMIT) {
      model[i] = q;
      sum += q;
      slope -= 1;
      continue;
    }
    const s = Math.sqrt(z * z + 4 * oneMinusZ * q);
    const p = (s - z) / (2 * oneMinusZ);
    model[i] = p;
    sum += p;
    // d/dz of (s − z)/(2(1 − z)), with ds/dz = (z − 2q)/s.
    slope += (((z - 2 * q) / s - 1) * oneMinusZ + (s - z)) / (2 * oneMinusZ * oneMinusZ);
  }
  residual.value = sum;
  residual.slope = slope;
  residual.curvature = Number.NaN;
}
