/**
 * How an offered price is fitted to the exchange ladder: `standard` rounds it down to the ladder
 * (ladder.ts), `none` only clamps it to [1.01, 1000]. Kept apart from the ladder so argument checks
 * (validation.ts) can name the choices without importing the ladder, which imports them.
 */
export const PRICE_LADDERS = ["standard", "none"] as const;

/**
 * `standard`: round the offered price down to the exchange ladder. `none`: clamp to
 * [LADDER_MIN, LADDER_MAX] only, no rounding.
 */
export type PriceLadder = (typeof PRICE_LADDERS)[number];
