import { assertInRange, assertOutcomeCount } from "./validation";
import { OddsInputError, describeValue } from "./errors";

/**
 * Parimutuel (tote) payouts: the pool, less the operator's takeout, is shared by the winning
 * tickets, so outcome i pays (1 − t)·ΣP / P_i per unit staked (decimal odds, stake included).
 *
 * Unrounded; racing totes round down to 0.05 or 0.10 and pay a minimum of 1.05 or so — that is a
 * display/settlement rule, not applied here. The result can be below 1 when one outcome holds more
 * than (1 − t) of the pool (a "minus pool").
 *
 * @param pools money staked per outcome (≥ 0, currency units), at least 2 outcomes
 * @param takeout the operator's share t in [0, 1), e.g. 0.15
 * @returns decimal payout per outcome; null for an outcome with nothing staked on it (its payout is
 *   undefined: every winning ticket would share the whole pool, but there are none)
 * @example parimutuelPrices([600, 300, 100], 0.1) // [1.5, 3, 9]
 */
export function parimutuelPrices(pools: readonly number[], takeout: number): (number | null)[] {
  if (!Array.isArray(pools)) {
    throw new OddsInputError(`pools must be an array of amounts, got ${describeValue(pools)}`, pools);
  }
  assertOutcomeCount(pools.length, "pools", pools);
  assertInRange(takeout, "takeout", 0, 1, " (a fraction: 0.15 = 15%)");
  let total = 0;
  for (let i = 0; i < pools.length; i++) {
    assertInRange(pools[i], `pools[${i}]`, 0, Infinity);
    total += pools[i]!;
  }
  if (!(total < Infinity)) throw new OddsInputError(`pools total overflows to ${describeValue(total)}`, pools);
  const net = (1 - takeout) * total;
  return pools.map((pool) => (pool > 0 ? net / pool : null));
}
