import { type BetBlock, type LimitPeriod, stakeLimitMessage, stakeOverLimit } from "../accounts/bettor-limits";
import type { StakeRule } from "../accounts/limits-store";
import { fromCents } from "../accounts/money";
import type { ClosedBy } from "./live-quote";
import type { PricesStale } from "./price-trust";

/**
 * Every answer of POST /api/bets that places no bet, and the words it says them in
 * (docs/bets.md, "When a bet is refused"). Pure: the bet slip reads the codes and reasons too.
 */

/** The codes a refused bet answers with. */
export const REFUSAL_CODES = [
  "not_found",
  "event_closed",
  "market_closed",
  "market_suspended",
  "prices_stale",
  "price_changed",
  "liability_limit",
  "insufficient_funds",
  "idempotency_key_reused",
  "timed_out",
  "self_excluded",
  "stake_limit",
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Why a `market_suspended` refusal says so, when more can be said than "suspended". */
export const SUSPENDED_REASONS = ["no_prices", "suspended_during_delay"] as const;
export type SuspendedReason = (typeof SUSPENDED_REASONS)[number];

/** A decided request: the HTTP status and body to answer with, every time the key comes back. */
export interface Decision {
  status: number;
  body: Record<string, unknown>;
}

export const reject = (status: number, code: RefusalCode, message: string, extra: Record<string, unknown> = {}): Decision => ({
  status,
  body: { error: { code, message, ...extra } },
});

export const notFound = () => reject(404, "not_found", "no such event, market or outcome");
export const eventClosed = () => reject(409, "event_closed", "this event is over");
export const marketClosed = () => reject(409, "market_closed", "this market is closed");
export const insufficientFunds = () => reject(422, "insufficient_funds", "the balance does not cover this stake");
export const priceChanged = (price: number) => reject(409, "price_changed", `the price is now ${price}`, { price });
export const pricesStale = (stale: PricesStale) => reject(409, "prices_stale", stale.message, { reason: stale.reason });

/** The bettor took a time-out or excluded themself (docs/limits.md): no bet until `until`. */
export function betsBlocked(block: BetBlock): Decision {
  const until = block.until.toISOString();
  return block.kind === "time_out"
    ? reject(403, "timed_out", `you are taking a time-out from betting until ${until}; no bets until then`, { until })
    : reject(403, "self_excluded", `you have excluded yourself from betting until ${until}; no bets until then`, { until });
}

/** The stake would pass one of the bettor's own stake limits (docs/limits.md). */
export const overStakeLimit = (period: LimitPeriod, limitCents: number, leftCents: number) =>
  reject(422, "stake_limit", stakeLimitMessage(period, limitCents, leftCents), { period, limit: fromCents(limitCents), left: fromCents(leftCents) });

/**
 * What the bettor's own limits say of a stake (cents): their time-out or self-exclusion first,
 * then the first stake limit it would pass; null when neither. Asked by the decision, and by an
 * in-play bet before its delay.
 */
export function ownLimitsRefusal(block: BetBlock | null | undefined, rule: StakeRule | undefined, stakeCents: number): Decision | null {
  if (block) return betsBlocked(block);
  const over = rule ? stakeOverLimit(rule.limits, rule.staked, stakeCents) : null;
  return over ? overStakeLimit(over.period, over.limitCents, over.leftCents) : null;
}

/** Suspended in Postgres (an admin, the liability limit, the feed's bet stop). */
export const marketSuspended = () => reject(409, "market_suspended", "this market is suspended");

/** Its market or event became suspended while an in-play bet waited, even if it reopened since. */
export const suspendedDuringDelay = () =>
  reject(409, "market_suspended", "this market was suspended during the in-play delay, so the bet was not taken; check the price and try again", {
    reason: "suspended_during_delay",
  });

/** Not open on the board, saying why. */
export function notOnBoard(closedBy: ClosedBy | null): Decision {
  if (closedBy === "no_prices") {
    return reject(409, "market_suspended", "no bookmaker is pricing this market right now, so it takes no bets until one does", { reason: "no_prices" });
  }
  return reject(409, "market_suspended", "this market is not taking bets right now");
}
