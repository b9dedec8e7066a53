/** Margin-removal methods, in the order the docs and the bench list them. */
export const MARGIN_METHODS = ["multiplicative", "additive", "power", "shin", "odds-ratio"] as const;

/**
 * How a bookmaker's overround is removed from its prices to get fair probabilities.
 * See docs/odds.md for each method's equation and its fitted parameter.
 */
export type MarginMethod = (typeof MARGIN_METHODS)[number];

/**
 * The method used when a caller names none: the power method (fair p_i = r_i^k, r_i = 1/price_i).
 * Clarke, Kovalchik & Ingram (2017) recommend it: unlike multiplicative normalisation it allows for
 * the favourite–longshot bias, unlike additive it cannot go negative, and unlike both normalisation
 * and Shin it never produces a probability outside (0, 1) in either direction. Its residual is
 * convex and decreasing in one parameter, so the safeguarded Halley step from k = 1 converges in
 * about three evaluations: it costs about as much as Shin and ~2× the multiplicative path.
 * docs/odds.md has the reasoning and the measured costs.
 */
export const DEFAULT_MARGIN_METHOD: MarginMethod = "power";
